// The scenario file's schema (zod). Unknown keys are errors, so a typo never silently
// falls back to a default. Durations are strings with a unit ("30s") and become ms here.
import { z } from 'zod';
import { parseDuration } from '../../util/duration.js';
import { closestWord } from './closest-word.js';

/** A strict object whose unknown-key error lists the valid keys and the likely intended one. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const valid = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const key = issue.keys[0] as string;
      const guess = closestWord(key, valid);
      return `unknown key '${key}'${guess ? ` (did you mean '${guess}'?)` : ''}; valid keys here: ${valid.join(', ')}`;
    },
  });
}

const duration = z
  .string({ error: "expected a duration with a unit, e.g. '30s' or '500ms'" })
  .transform((text, ctx) => {
    try {
      const ms = parseDuration(text, 'duration');
      if (ms > 0) return ms;
      ctx.issues.push({ code: 'custom', message: `'${text}' must be longer than 0`, input: text });
    } catch {
      ctx.issues.push({
        code: 'custom',
        message: `'${text}' is not a duration; write a number with a unit: us, ms, s, m or h, e.g. '30s'`,
        input: text,
      });
    }
    return z.NEVER;
  });

const rate = z.number().nonnegative();
const seed = z.int().nonnegative().max(0xffffffff);
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, {
  error: "names are letters, digits, '_', '-' and '.', starting with a letter or digit",
});

const phaseCommon = { name, duration };

const phase = z.discriminatedUnion(
  'shape',
  [
    strict({ ...phaseCommon, shape: z.literal('constant'), rate }),
    strict({ ...phaseCommon, shape: z.literal('ramp'), from: rate, to: rate }),
    strict({
      ...phaseCommon,
      shape: z.literal('burst'),
      rate,
      burst: strict({ rate: z.number().positive(), every: duration, for: duration }),
    }),
    strict({ ...phaseCommon, shape: z.literal('poisson'), rate, seed: seed.optional() }),
  ],
  { error: "a phase needs 'shape: constant', 'shape: ramp', 'shape: burst' or 'shape: poisson'" },
);

const faultCommon = {
  at: duration.optional(),
  after: z.int().positive().optional(),
  share: z.number().positive().max(1).default(1),
};

/** Network faults act between bench and the target (a proxy bench runs); most last a while. */
const networkCommon = { ...faultCommon, duration: duration.optional(), seed: seed.optional() };
const direction = z.enum(['up', 'down', 'both']).default('both');
const zeroOrDuration = z.union([z.literal('0'), duration]).transform((v) => (v === '0' ? 0 : v));

const fault = z.discriminatedUnion(
  'kind',
  [
    strict({
      ...faultCommon,
      kind: z.literal('disconnect'),
      cut: z.enum(['stream', 'channel']).default('stream'),
      resumeAfter: duration.default(1000),
    }),
    strict({ ...faultCommon, kind: z.literal('gap'), count: z.int().positive().default(1) }),
    strict({ ...faultCommon, kind: z.literal('duplicate'), count: z.int().positive().default(1) }),
    strict({ ...faultCommon, kind: z.literal('hold'), for: duration }),
    strict({
      ...networkCommon,
      kind: z.literal('latency'),
      delay: duration,
      jitter: zeroOrDuration.default(0),
      distribution: z.enum(['uniform', 'normal', 'pareto']).default('uniform'),
      direction,
    }),
    strict({
      ...networkCommon,
      kind: z.literal('bandwidth'),
      bytesPerSecond: z.int().positive(),
      direction,
    }),
    strict({
      ...networkCommon,
      kind: z.literal('reset'),
      every: duration.optional(),
      midFrame: z.boolean().default(false),
      direction: z.enum(['up', 'down']).default('up'),
    }),
    strict({ ...networkCommon, kind: z.literal('blackhole'), duration, direction }),
    strict({ ...networkCommon, kind: z.literal('slow-close'), delay: duration }),
    strict({ ...networkCommon, kind: z.literal('stall-reads'), duration }),
  ],
  {
    error:
      "a fault needs 'kind:' disconnect, gap, duplicate, hold, latency, bandwidth, reset, blackhole, slow-close or stall-reads",
  },
);

// Expressions are parsed when the scenario is built, where their errors get the exact path.
const threshold = z.union(
  [
    z.string(),
    strict({ expr: z.string(), scope: name.default('run'), abortOnFail: z.boolean().default(false) }),
  ],
  {
    error:
      "a threshold is 'metric op value[unit]' or { expr: 'metric op value', scope: run|PHASE, abortOnFail: true }",
  },
);

const embeddings = z.discriminatedUnion(
  'kind',
  [
    strict({ kind: z.literal('random'), seed: seed.optional() }),
    strict({
      kind: z.literal('clustered'),
      seed: seed.optional(),
      clusters: z.int().positive().default(16),
      spread: z.number().positive().max(10).default(0.1),
    }),
  ],
  { error: "embeddings need 'kind: random' or 'kind: clustered'" },
);

export const scenarioSchema = strict({
  name,
  description: z.string().default(''),
  target: strict({
    address: z
      .string()
      .regex(/^([^\s:]+:\d{1,5}|wss?:\/\/\S+)$/, {
        error: "an address is host:port (gRPC), e.g. '127.0.0.1:50051', or ws://HOST:PORT/v1/stream",
      })
      .optional(),
    transport: z
      .enum(['grpc', 'ws'], { error: "transport is 'grpc' or 'ws' (the embedded server's transport)" })
      .optional(),
    serve: z
      .record(
        z
          .string()
          .regex(/^[a-z][a-z0-9-]*$/, { error: "serve flags are written without '--', e.g. queue-capacity" }),
        z.union([z.string(), z.number(), z.boolean()], {
          error: 'a flag value is a string, a number, or true (bare flag) / false (left out)',
        }),
      )
      .default({}),
  }).default({ serve: {} }),
  memorySpaces: z
    .array(
      z.string().regex(/^[a-z0-9_-]{3,64}$/, {
        error: "a memory space id is 3 to 64 characters of a-z, 0-9, '_' and '-'",
      }),
    )
    .min(1),
  dim: z.int().positive().max(65_536).default(768),
  embeddings: embeddings.optional(),
  seed: seed.default(1),
  sessions: z.int().positive().max(100_000),
  sendWindow: z.int().positive().default(1000),
  indexAcks: z.boolean().default(true),
  phases: z.array(phase).min(1),
  faults: z.array(fault).default([]),
  keepalive: strict({ time: duration, timeout: duration }).optional(),
  probes: strict({
    share: z.number().min(0).max(1).default(0),
    pollInterval: duration.default(5),
    timeout: duration.default(10_000),
  }).default({ share: 0, pollInterval: 5, timeout: 10_000 }),
  thresholds: z.array(threshold).default([]),
  // Checked when the scenario is built, where each tolerance's error gets its exact path.
  compare: strict({
    tolerances: z.record(z.string(), z.union([z.string(), z.number()]), {
      error: "tolerances are a map of metric: change, e.g. 'staleness.p99: +10%'",
    }),
  }).optional(),
  close: strict({ drain: z.boolean().default(true) }).default({ drain: true }),
});

export type RawScenario = z.output<typeof scenarioSchema>;
