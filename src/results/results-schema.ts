// Validates results JSON read from disk: a wrong or foreign file is reported with the
// file and the field at fault, never rendered half-way.
import { z } from 'zod';
import { FINDING_KINDS } from '../check/findings.js';
import { UserError } from '../util/user-error.js';
import { type BenchResults, type ConformResults, RESULTS_SCHEMA_VERSION, type Results } from './results.js';

const encodedHistogram = z.object({
  unit: z.literal('us'),
  encoded: z.string(),
  summary: z.object({
    count: z.number(),
    min: z.number(),
    mean: z.number(),
    p50: z.number(),
    p90: z.number(),
    p99: z.number(),
    p999: z.number(),
    p9999: z.number(),
    max: z.number(),
  }),
});

const findingKind = z.enum(FINDING_KINDS);

const finding = z.object({
  kind: findingKind,
  severity: z.enum(['fail', 'warn']),
  count: z.number(),
  message: z.string(),
  examples: z.array(
    z.object({ session: z.string(), seq: z.string().optional(), t: z.number().optional(), note: z.string() }),
  ),
});

// Later tool versions may add fields: they are kept, not refused.
const base = {
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('engram-stream'), version: z.string() }),
  startedAt: z.iso.datetime({ offset: true }),
  durationMs: z.number().nonnegative(),
  target: z.looseObject({
    address: z.string(),
    embedded: z.boolean(),
    tls: z.boolean(),
    network: z.string().optional(),
    transport: z.enum(['grpc', 'ws']).optional(),
    dialect: z.enum(['json', 'proto']).optional(),
    capabilities: z.record(z.string(), z.union([z.number(), z.boolean()])).optional(),
  }),
  environment: z.looseObject({
    node: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpus: z.number(),
    cpuModel: z.string(),
    memoryGiB: z.number(),
    hostname: z.string(),
  }),
  verdict: z.enum(['passed', 'failed', 'inconclusive', 'error']),
  verdictReasons: z.array(z.string()),
  findings: z.array(finding),
};

const counts = z.record(z.string(), z.number());

const checkCounts = z.looseObject({
  streams: z.number(),
  sessions: z.number(),
  sent: z.number(),
  sentByIntent: counts,
  accepted: z.number(),
  rejected: z.number(),
  rejectedByReason: counts,
  indexedAcks: z.number(),
  indexedCovered: z.number(),
  silentDrops: z.number(),
  unexpectedAcks: z.number(),
  duplicateOutcomes: z.number(),
  indeterminate: z.number(),
  acceptedAckLost: z.number(),
  notReceived: z.number(),
  resumes: z.number(),
  streamErrors: z.number(),
  // Results written before network faults existed have neither.
  networkFaults: z.number().default(0),
  networkEnds: z.number().default(0),
  statusByState: counts,
  probes: z.number(),
  probesFound: z.number(),
  probesUnmatched: z.number(),
  probesUnsettled: z.number(),
  stalenessUntracked: z.number(),
});

const seriesPoint = z.looseObject({
  second: z.number(),
  epochMs: z.number(),
  phase: z.string(),
  offered: z.number(),
  sent: z.number(),
  accepted: z.number(),
  rejected: counts,
  indexed: z.number(),
  inFlight: z.number(),
  ackLatency: encodedHistogram.optional(),
  staleness: encodedHistogram.optional(),
  serverState: z.string(),
});

const benchSchema: z.ZodType<BenchResults> = z.looseObject({
  ...base,
  kind: z.literal('bench'),
  scenario: z.looseObject({
    name: z.string(),
    file: z.string(),
    description: z.string(),
    digest: z.string(),
    source: z.string(),
  }),
  shard: z.object({ index: z.number().int().nonnegative(), count: z.number().int().positive() }),
  mergedShards: z.number().int().positive().optional(),
  start: z
    .looseObject({
      at: z.iso.datetime({ offset: true }),
      readyBeforeMs: z.number(),
      latenessMs: z.number().optional(),
      spreadMs: z.number().nonnegative().optional(),
      shards: z
        .array(
          z.object({
            index: z.number().int().nonnegative(),
            readyBeforeMs: z.number(),
            latenessMs: z.number().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  histograms: z.record(z.string(), encodedHistogram),
  counters: counts,
  checkCounts,
  phases: z.array(
    z.looseObject({
      name: z.string(),
      startMs: z.number(),
      durationMs: z.number(),
      shape: z.string(),
      offeredRate: z.number(),
      histograms: z.record(z.string(), encodedHistogram),
      counters: counts,
    }),
  ),
  series: z.array(seriesPoint),
  markers: z.array(z.object({ t: z.number(), kind: z.enum(['phase', 'fault', 'abort']), label: z.string() })),
  thresholds: z.array(
    z.object({
      expression: z.string(),
      scope: z.string(),
      metric: z.string(),
      op: z.enum(['<', '<=', '>', '>=', '==', '!=']),
      value: z.number(),
      unit: z.string(),
      actual: z.number().nullable(),
      passed: z.boolean().nullable(),
      note: z.string().optional(),
    }),
  ),
  generator: z.looseObject({
    eventLoopLagP99Ms: z.number(),
    eventLoopLagMaxMs: z.number(),
    cpuPercent: z.number(),
    lateSendShare: z.number(),
    lateSends: z.number(),
    heldBySendWindow: z.number(),
    bottleneck: z.boolean(),
    note: z.string().optional(),
  }),
  unavailable: z.array(z.object({ metric: z.string(), why: z.string() })),
});

const outcome = z.enum(['PASS', 'NON-STRICT', 'FAIL', 'SKIP', 'INCONCLUSIVE', 'ERROR']);

const conformSchema: z.ZodType<ConformResults> = z.looseObject({
  ...base,
  kind: z.literal('conform'),
  strict: z.boolean(),
  counts: z.record(outcome, z.number()),
  cases: z.array(
    z.looseObject({
      id: z.string(),
      category: z.string(),
      clauses: z.array(z.string()),
      requirement: z.string(),
      outcome,
      durationMs: z.number(),
      expected: z.string().optional(),
      actual: z.string().optional(),
      reason: z.string().optional(),
      findings: z.array(finding),
      transcript: z.array(
        z.object({
          t: z.number(),
          dir: z.enum(['out', 'in', 'note']),
          stream: z.number().optional(),
          text: z.string(),
        }),
      ),
      transcriptOmitted: z.number().optional(),
    }),
  ),
  expectations: z
    .looseObject({
      file: z.string(),
      asExpected: z.array(z.object({ id: z.string(), outcome, pattern: z.string() })),
      unexpected: z.array(
        z.object({
          id: z.string(),
          outcome,
          expected: z.union([z.array(outcome), z.literal('pass')]),
          pattern: z.string().optional(),
          reason: z.string().optional(),
        }),
      ),
      unused: z.array(z.string()),
    })
    .optional(),
});

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : `${s}${s ? '.' : ''}${String(k)}`),
    '',
  );
}

/** Parses and validates the text of a results file; UserError names the file and the field. */
export function parseResults(text: string, source: string): Results {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `${source}: not JSON (${(err as Error).message}); pass a results file written by bench or conform --json`,
    );
  }
  const kind = (json as { kind?: unknown } | null)?.kind;
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (kind !== 'bench' && kind !== 'conform') {
    throw new UserError(
      `${source}: field 'kind' is ${JSON.stringify(kind)}, not "bench" or "conform"; pass a results file written by bench or conform --json`,
    );
  }
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw new UserError(
      `${source}: results schema version ${JSON.stringify(version)} is not ${RESULTS_SCHEMA_VERSION}; render it with the engram-stream version that wrote it`,
    );
  }
  const parsed = (kind === 'bench' ? benchSchema : conformSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const more =
      parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
    throw new UserError(
      `${source}: field '${fieldPath(issue.path) || '(top level)'}' is invalid: ${issue.message}${more}`,
    );
  }
  return parsed.data;
}
