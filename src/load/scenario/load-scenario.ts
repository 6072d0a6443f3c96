// Reads and validates a scenario file. Every problem becomes a UserError
// `file:line:col: key.path: what was wrong; what to write`.
import { readFileSync } from 'node:fs';
import { UserError } from '../../util/user-error.js';
import { buildScenario } from './build-scenario.js';
import { issueMessage } from './issue-message.js';
import type { Scenario } from './scenario.js';
import { scenarioSchema } from './schema.js';
import { formatPath, type KeyPath, YamlSource } from './yaml-location.js';

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: cannot read the scenario (${code ?? String(err)}); check the path`);
  }
  return parseScenario(text, path);
}

/** Validates scenario text; `file` names it in errors and in the result. */
export function parseScenario(text: string, file: string): Scenario {
  const source = new YamlSource(text);
  const syntax = source.doc.errors[0];
  if (syntax) {
    const { line, col } = source.position(syntax.pos[0]);
    const what = syntax.message.split('\n')[0];
    throw new UserError(`${file}:${line}:${col}: not valid YAML: ${what}; fix the syntax at that place`);
  }
  if (source.doc.contents === null) {
    throw new UserError(
      `${file}:1:1: the scenario is empty; write at least name, memorySpaces, sessions and phases (see docs/scenarios.md)`,
    );
  }
  const parsed = scenarioSchema.safeParse(source.doc.toJS());
  if (!parsed.success) {
    const issues = parsed.error.issues;
    // An unknown key is usually a typo that also explains a "missing" one: report it first.
    const first = (issues.find((i) => i.code === 'unrecognized_keys') ??
      issues[0]) as (typeof issues)[number];
    // Unknown and refused keys point at the key itself, not its value.
    const key =
      first.code === 'unrecognized_keys'
        ? first.keys[0]
        : first.code === 'invalid_key'
          ? String(first.path[first.path.length - 1])
          : undefined;
    const path = first.code === 'invalid_key' ? first.path.slice(0, -1) : first.path;
    fail(file, source, path, key, issueMessage(first, source.valueAt(first.path)), issues.length - 1);
  }
  const { scenario, issues } = buildScenario(parsed.data, file, text);
  const first = issues[0];
  if (first) fail(file, source, first.path, first.key, first.message, issues.length - 1);
  return scenario;
}

/** `key`: the problem is a key of the map at path (unknown, or not allowed) rather than a value. */
function fail(
  file: string,
  source: YamlSource,
  path: KeyPath,
  key: string | undefined,
  message: string,
  more: number,
): never {
  const { line, col } = source.locate(path, key);
  const shownPath = key === undefined ? path : [...path, key];
  const others = more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : '';
  throw new UserError(`${file}:${line}:${col}: ${formatPath(shownPath)}: ${message}${others}`);
}
