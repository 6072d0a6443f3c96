// Proof that conform catches what it claims: every case whose `catches` names a
// mutant FAILs against a server with that fault (src/server/faults), and the
// reference server passes every case. Each server is the embedded one `conform`
// starts (a child process on port 0, same flags) plus `--fault NAME`, so the cases
// see what a user's run sees and the tester never shares its event loop with the
// server. A case that comes back INCONCLUSIVE runs again (up to 3 tries): it had too
// little evidence, which a busy shared machine causes; PASS and FAIL are never retried.
// Spawns dist/: run `npm run build` first (`npm test` does).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/conform/catalog.js';
import {
  EMBEDDED_DIM,
  EMBEDDED_MAX_ELEMENTS,
  embeddedServerArgs,
  runConformance,
} from '../../src/conform/runner.js';
import { startEmbeddedServer } from '../../src/endpoint/embedded-server.js';
import type { CaseOutcome, CaseResult } from '../../src/results/results.js';
import { defaultComponents, type ServerComponents } from '../../src/server/components.js';
import { componentsWithFaults, MUTANTS } from '../../src/server/faults/fault-registry.js';
import {
  MUTANT_TRANSPORTS,
  normalizeTables,
  renderMutantMatrix,
  withMutantMatrix,
} from '../../src/server/faults/mutant-matrix.js';
import { MUTANT_NAMES, type MutantName } from '../../src/server/faults/mutant-names.js';
import { UserError } from '../../src/util/user-error.js';

/** INCONCLUSIVE means too little evidence (e.g. the tester stalled on a busy machine): such cases run again. */
const TRIES = 3;

type MutantTransport = (typeof MUTANT_TRANSPORTS)[number];

/** Runs the cases (all when none are named) over one transport; returns the last result of each case. */
async function conformAgainst(
  faults: MutantName[],
  cases: string[],
  transport: MutantTransport,
): Promise<CaseResult[]> {
  const ws = 'dialect' in transport;
  const server = await startEmbeddedServer({
    args: [
      ...embeddedServerArgs(EMBEDDED_DIM),
      ...faults.flatMap((f) => ['--fault', f]),
      ...(ws ? ['--http-port', '0'] : []),
    ],
  });
  try {
    const results = new Map<string, CaseResult>();
    let pending = cases;
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      const run = await runConformance({
        target: ws ? `ws://${server.httpAddress}/v1/stream` : server.address,
        ...(ws ? { wsDialect: transport.dialect } : {}),
        cases: pending,
        maxElements: EMBEDDED_MAX_ELEMENTS,
      });
      for (const c of run.cases) results.set(c.id, c);
      pending = run.cases.filter((c) => c.outcome === 'INCONCLUSIVE').map((c) => c.id);
      if (pending.length === 0) break;
    }
    return [...results.values()];
  } finally {
    await server.stop();
  }
}

const BIN = fileURLToPath(new URL('../../bin/engram-stream.js', import.meta.url));
const DOC = fileURLToPath(new URL('../../docs/conformance.md', import.meta.url));

/** Each case's outcome, with why when it is not the one wanted, so a failure says what to fix. */
function outcomes(cases: CaseResult[], wanted: CaseOutcome): Record<string, string> {
  return Object.fromEntries(
    cases.map((c) => [
      c.id,
      c.outcome === wanted
        ? c.outcome
        : `${c.outcome}: ${c.reason ?? ''} ${c.expected ?? ''} | ${c.actual ?? ''}`.trim(),
    ]),
  );
}

describe('fault registry', () => {
  it('names every mutant of the catalog, each changing the server', () => {
    expect(Object.keys(MUTANTS).sort()).toEqual([...MUTANT_NAMES].sort());
    const reference = defaultComponents();
    for (const name of MUTANT_NAMES) {
      const mutant = MUTANTS[name].apply(reference);
      const changed = (Object.keys(reference) as (keyof ServerComponents)[]).filter(
        (k) => mutant[k] !== reference[k],
      );
      expect(changed, name).not.toEqual([]);
    }
  });

  it('serve --fault with an unknown name exits 2 with one line listing the valid ones', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--fault', 'drop-sliently'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `engram-stream: --fault: unknown fault 'drop-sliently'; valid faults: ${MUTANT_NAMES.join(', ')}`,
    ]);
  });

  it('refuses an unknown fault with one line listing the valid ones', () => {
    expect(() => componentsWithFaults(['drop-silently', 'drop-sliently'])).toThrow(UserError);
    expect(() => componentsWithFaults(['drop-sliently'])).toThrow(
      `--fault: unknown fault 'drop-sliently'; valid faults: ${MUTANT_NAMES.join(', ')}`,
    );
  });
});

describe('docs/conformance.md', () => {
  it('holds the mutant matrix of the current catalog (npm run docs:conformance rewrites it)', () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(normalizeTables(withMutantMatrix(doc, renderMutantMatrix(CATALOG)))).toBe(normalizeTables(doc));
  });
});

for (const transport of MUTANT_TRANSPORTS) {
  describe(`conform over ${transport.label} against the reference server`, () => {
    let results: CaseResult[];
    beforeAll(async () => {
      results = await conformAgainst([], [], transport);
    }, 180_000);

    it('passes every case of the catalog (SKIP where the transport cannot carry the case)', () => {
      // Only gRPC has a half-close; over WebSocket the cases that need one SKIP, saying why.
      const skipped = (c: (typeof CATALOG)[number]) =>
        'dialect' in transport && c.needs?.includes('half-close');
      const want = (c: (typeof CATALOG)[number]) => (skipped(c) ? 'SKIP' : 'PASS');
      const got = Object.fromEntries(
        results.map((r) => {
          const c = CATALOG.find((x) => x.id === r.id) as (typeof CATALOG)[number];
          return [r.id, r.outcome === want(c) ? r.outcome : outcomes([r], want(c))[r.id]];
        }),
      );
      expect(got).toEqual(Object.fromEntries(CATALOG.map((c) => [c.id, want(c)])));
    });
  });

  describe(`conform over ${transport.label} against each mutant server`, () => {
    for (const mutant of MUTANT_NAMES) {
      const catching = CATALOG.filter((c) => c.catches.includes(mutant)).map((c) => c.id);
      it(`--fault ${mutant}: FAIL in ${catching.length} case(s) that name it`, async () => {
        expect(catching.length).toBeGreaterThan(0);
        const r = await conformAgainst([mutant], catching, transport);
        expect(outcomes(r, 'FAIL')).toEqual(Object.fromEntries(catching.map((id) => [id, 'FAIL'])));
      }, 180_000);
    }
  });
}
