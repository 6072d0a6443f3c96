// The whole suite against the embedded reference server (started by the runner
// itself, as `conform` without --target does): every case passes. On a starved
// machine a case may be INCONCLUSIVE, by design, but only when it names the
// tester's own event-loop stall as the reason; any other INCONCLUSIVE is a failure.
// Spawns dist/: run `npm run build` first (`npm test` does).
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/conform/catalog.js';
import { runConformance } from '../../src/conform/runner.js';
import { testerStallMs } from '../../src/conform/tester-stall.js';
import type { CaseResult } from '../../src/results/results.js';
import { parseResults } from '../../src/results/results-schema.js';

describe('conformance suite against the reference server', () => {
  it('passes every case of the catalog: no FAIL, ERROR, SKIP or NON-STRICT, INCONCLUSIVE only from a tester stall', async () => {
    const r = await runConformance();
    const stalled = (c: CaseResult) =>
      c.outcome === 'INCONCLUSIVE' && testerStallMs(c.reason ?? '') !== undefined;
    const notPassed = Object.fromEntries(
      r.cases
        .filter((c) => c.outcome !== 'PASS' && !stalled(c))
        .map((c) => [c.id, `${c.outcome}: ${c.reason ?? ''} ${c.expected ?? ''} | ${c.actual ?? ''}`]),
    );
    expect(notPassed).toEqual({});
    expect(r.verdict).toBe(r.cases.some(stalled) ? 'inconclusive' : 'passed');
    expect(r.cases.map((c) => c.id)).toEqual(CATALOG.map((c) => c.id));
    expect(r.target.embedded).toBe(true);
    expect(r.target.capabilities?.supportsResume).toBe(true);
    // Every case keeps its wire transcript, and the record is what `report` accepts.
    for (const c of r.cases) expect(c.transcript.length, c.id).toBeGreaterThan(0);
    expect(parseResults(JSON.stringify(r), 'suite results').kind).toBe('conform');
  }, 240_000);
});
