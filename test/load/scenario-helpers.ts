// Builds scenarios from YAML snippets for the scenario, schedule and threshold tests.
import { parseScenario } from '../../src/load/scenario/load-scenario.js';
import type { Scenario } from '../../src/load/scenario/scenario.js';

/** A valid scenario whose phases (YAML flow items, one per entry) and extra top-level keys are given. */
export function scenarioText(phases: string[], extra = '', sessions = 4): string {
  return [
    'name: test',
    'memorySpaces: [test-space]',
    `sessions: ${sessions}`,
    'phases:',
    ...phases.map((p) => `  - ${p}`),
    extra,
  ].join('\n');
}

export function scenarioOf(phases: string[], extra = '', sessions = 4): Scenario {
  return parseScenario(scenarioText(phases, extra, sessions), 'test.yaml');
}

/** The message of the UserError that parsing `text` throws. */
export function loadError(text: string): string {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the scenario to be rejected');
}
