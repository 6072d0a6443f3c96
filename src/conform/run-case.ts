// Runs one case: its procedure over a fresh context (own memory space, own
// history), then the shared checker over the history, then one outcome with
// requirement / expected / actual and the wire transcript.
import { status as Grpc } from '@grpc/grpc-js';
import { createChecker } from '../check/checker.js';
import type { Finding } from '../check/findings.js';
import type { CaseOutcome, CaseResult } from '../results/results.js';
import { CaseContext, type CaseEnvironment } from './case-context.js';
import { CaseStop } from './case-stop.js';
import type { ConformCase, Feature } from './case-types.js';
import { describeEvent } from './describe-event.js';
import { buildTranscript } from './transcript.js';
import type { CaseVerdict } from './verdict.js';

/** Whole-case budget before --timeout-scale, when the case sets none. */
export const DEFAULT_BUDGET_MS = 15_000;

const FEATURES: Record<Feature, { has: (env: CaseEnvironment) => boolean; absent: string }> = {
  resume: { has: (env) => env.capabilities.supportsResume, absent: 'the target says supports_resume=false' },
  'index-acks': {
    has: (env) => env.capabilities.supportsIndexAcks,
    absent: 'the target says supports_index_acks=false',
  },
  backpressure: {
    has: (env) => env.capabilities.supportsBackpressure,
    absent: 'the target says supports_backpressure=false',
  },
  'half-close': {
    has: (env) => env.streams.info.transport === 'grpc',
    absent: 'WebSocket has no half-close: the server ends the socket once a close is done (protocol.md WS-7)',
  },
};

type Settled = { verdict: CaseVerdict } | { error: string };

async function runProcedure(c: ConformCase, ctx: CaseContext): Promise<Settled> {
  const budget = ctx.scaled(c.budgetMs ?? DEFAULT_BUDGET_MS);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled>((resolve) => {
    timer = setTimeout(
      () => resolve({ error: `the case did not finish within its budget of ${budget} ms` }),
      budget,
    );
  });
  const run = c.procedure(ctx).then(
    (verdict): Settled => ({ verdict }),
    (err: unknown): Settled =>
      err instanceof CaseStop
        ? { verdict: err.verdict }
        : { error: `tester error: ${(err as Error)?.message ?? String(err)}` },
  );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function firstExample(f: Finding): string {
  const e = f.examples[0];
  return e ? `${f.message} (e.g. ${e.note})` : f.message;
}

export async function runCase(c: ConformCase, env: CaseEnvironment): Promise<CaseResult> {
  const base = { id: c.id, category: c.category, clauses: [...c.clauses], requirement: c.requirement };
  const missing = (c.needs ?? []).find((f) => !FEATURES[f].has(env));
  if (missing) {
    return {
      ...base,
      outcome: 'SKIP',
      durationMs: 0,
      reason: FEATURES[missing].absent,
      findings: [],
      transcript: [],
    };
  }
  const ctx = new CaseContext(c.id, env);
  const started = performance.now();
  const settled = await runProcedure(c, ctx);
  await ctx.dispose();
  const durationMs = performance.now() - started;

  const provoked = new Set(c.provokes ?? []);
  // Staleness is judged by the cases that measure it (index.*), which know when the
  // machine rather than the server was slow; the checker judges everything else.
  const checker = createChecker({ isExpectedEnd: (e) => provoked.has(e.code) });
  for (const e of ctx.log.events) checker.observe(e);
  checker.observe({ t: ctx.clock.now(), type: 'end' });
  const findings = checker.finish().findings;
  const { transcript, omitted } = buildTranscript(ctx.log.events, ctx.notes);

  const result: CaseResult = {
    ...base,
    outcome: 'ERROR',
    durationMs,
    findings,
    transcript,
    ...(omitted > 0 ? { transcriptOmitted: omitted } : {}),
  };
  Object.assign(result, judge(c, settled, findings, ctx));
  return result;
}

/** The outcome and its explanation, from the procedure's verdict and the checker's findings. */
function judge(
  c: ConformCase,
  settled: Settled,
  findings: Finding[],
  ctx: CaseContext,
): { outcome: CaseOutcome; expected?: string; actual?: string; reason?: string } {
  // A transport failure the case did not provoke means the connection, not the server's logic,
  // broke. Once the case put a network fault on a connection, the breaks are its own doing.
  const faultAt = ctx.log.events.find((e) => e.type === 'net-fault')?.t ?? Number.POSITIVE_INFINITY;
  const broken = ctx.log.events.find(
    (e) =>
      e.type === 'stream-end' &&
      !e.byClient &&
      e.code === Grpc.UNAVAILABLE &&
      e.t < faultAt &&
      !(c.provokes ?? []).includes(e.code),
  );
  if ('error' in settled) return { outcome: 'ERROR', reason: settled.error };
  const v = settled.verdict;
  if (broken && v.kind !== 'behaved')
    return { outcome: 'ERROR', reason: `the connection broke: ${describeEvent(broken)}` };
  switch (v.kind) {
    case 'violated':
      return { outcome: 'FAIL', expected: v.expected, actual: v.actual };
    case 'skipped':
      return { outcome: 'SKIP', reason: v.reason };
    case 'inconclusive':
      return { outcome: 'INCONCLUSIVE', reason: v.reason };
    case 'behaved': {
      const behaviour = c.acceptable.find((a) => a.key === v.behaviour);
      if (!behaviour)
        return {
          outcome: 'ERROR',
          reason: `tester error: the case reported unknown behaviour '${v.behaviour}'`,
        };
      const failing = findings.filter((f) => f.severity === 'fail');
      if (failing.length > 0) {
        return {
          outcome: 'FAIL',
          expected: c.acceptable.map((a) => a.description).join('; or '),
          actual: failing.map(firstExample).join(' | '),
        };
      }
      const note = v.note === undefined ? {} : { actual: v.note };
      if (behaviour.strictness === 'strict') return { outcome: 'PASS', ...note };
      return {
        outcome: 'NON-STRICT',
        reason: `allowed but not recommended: ${behaviour.description}`,
        ...note,
      };
    }
  }
}
