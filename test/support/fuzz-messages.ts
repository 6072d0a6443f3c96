// fast-check arbitraries for ObserveStream fuzzing: structured ObservationRequests
// with hostile field values, and raw frames (valid encodings mutated byte by byte,
// truncated varints, wrong wire types, huge lengths, unknown fields, oversize).
// Each step is classified with the server's own codec, so the runner knows which
// steps must be answered by an ack and which must end the stream.
import fc from 'fast-check';
import { initRequest } from '../../src/protocol/init-request.js';
import { emptyEpisode, FlowAction, type ObservationRequest } from '../../src/protocol/messages.js';
import {
  decodeObservationRequest,
  encodeEpisode,
  encodeObservationRequest,
} from '../../src/protocol/observation-codec.js';

export type SeqKind = 'next' | 'repeat' | 'gap' | 'zero' | 'random' | 'max';

/** What the server must do with a step (a property of the bytes, decided locally). */
export type StepClass =
  | 'observation' // decodes to an observation: exactly one ack while the stream is open
  | 'flow' // may be ignored (FLOW-7), must not end the stream
  | 'close' // ends the stream: OK or FAILED_PRECONDITION (CLS-1, CLS-2)
  | 'fatal'; // undecodable, oversize, no operation or a second init: ends the stream with a status

export interface FuzzStep {
  label: string;
  /** A structured request (its seq resolved by the runner), or raw bytes sent as they are. */
  request?: { seq: SeqKind; make: (seq: bigint) => ObservationRequest };
  bytes?: Buffer;
  cls: StepClass;
  /**
   * Names another session or space: a server MAY end the stream for it (SES-7), and with
   * bearer tokens a space the token does not grant ends it with PERMISSION_DENIED.
   */
  mayEnd?: boolean;
}

export interface FuzzLimits {
  dim: number;
  maxTextBytes: number;
  maxMessageBytes: number;
}

const U64_MAX = 2n ** 64n - 1n;

export function resolveSeq(kind: SeqKind, cursor: { value: bigint }, random: bigint): bigint {
  switch (kind) {
    case 'next':
      cursor.value += 1n;
      return cursor.value;
    case 'repeat':
      return cursor.value;
    case 'gap':
      return cursor.value + 2n + (random % 5n);
    case 'zero':
      return 0n;
    case 'random':
      return random;
    case 'max':
      return U64_MAX;
  }
}

const floats32 = fc.float({ noDefaultInfinity: false, noNaN: false });

function embeddingArb(dim: number): fc.Arbitrary<{ label: string; values: Float32Array }> {
  const of = (label: string, arb: fc.Arbitrary<number[]>) =>
    arb.map((v) => ({ label, values: Float32Array.from(v) }));
  return fc.oneof(
    {
      weight: 8,
      arbitrary: of(
        'emb:ok',
        fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: dim, maxLength: dim }),
      ),
    },
    { weight: 1, arbitrary: of('emb:any-floats', fc.array(floats32, { minLength: dim, maxLength: dim })) },
    { weight: 1, arbitrary: of('emb:zero', fc.constant(new Array<number>(dim).fill(0))) },
    {
      weight: 1,
      arbitrary: of(
        'emb:wrong-dim',
        fc.array(fc.float({ noNaN: true }), { maxLength: dim * 3 }).filter((a) => a.length !== dim),
      ),
    },
    { weight: 1, arbitrary: of('emb:none', fc.constant([])) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: dim, maxLength: dim }),
          fc.nat(dim - 1),
          fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        )
        .map(([v, i, bad]) => {
          v[i] = bad;
          return { label: 'emb:nan-inf', values: Float32Array.from(v) };
        }),
    },
  );
}

function textArb(maxTextBytes: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: maxTextBytes - 2, max: maxTextBytes * 2 }).map((n) => 'x'.repeat(n)),
    },
  );
}

const seqKindArb: fc.Arbitrary<SeqKind> = fc.constantFrom<SeqKind>(
  'next',
  'next',
  'next',
  'next',
  'next',
  'next',
  'repeat',
  'gap',
  'zero',
  'random',
  'max',
);

function observationStep(space: string, session: string, limits: FuzzLimits): fc.Arbitrary<FuzzStep> {
  return fc
    .record({
      seq: seqKindArb,
      embedding: embeddingArb(limits.dim),
      id: fc.oneof(fc.constant(''), fc.string({ maxLength: 80 })),
      what: textArb(limits.maxTextBytes),
      who: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
      importance: fc.oneof(fc.float({ min: 0, max: 1, noNaN: true }), floats32),
      spaceOnMessage: fc.constantFrom(space, space, space, '', 'other-space', 'NOT A SPACE'),
      sessionOnMessage: fc.constantFrom(session, session, session, '', 'someone-else'),
    })
    .map((r) => ({
      label: `observation seq:${r.seq} ${r.embedding.label}`,
      cls: 'observation' as const,
      mayEnd:
        (r.spaceOnMessage !== '' && r.spaceOnMessage !== space) ||
        (r.sessionOnMessage !== '' && r.sessionOnMessage !== session),
      request: {
        seq: r.seq,
        make: (seq: bigint): ObservationRequest => ({
          memorySpaceId: r.spaceOnMessage,
          sessionId: r.sessionOnMessage,
          sequenceNumber: seq,
          operation: {
            case: 'observation',
            observation: {
              ...emptyEpisode(),
              id: r.id,
              what: r.what,
              who: r.who,
              importance: r.importance,
              embedding: r.embedding.values,
            },
          },
        }),
      },
    }));
}

function flowStep(space: string, session: string): fc.Arbitrary<FuzzStep> {
  return fc
    .record({
      action: fc.oneof(fc.constantFrom(...Object.values(FlowAction)), fc.nat()),
      remaining: fc.integer(),
      rate: floats32,
      reason: fc.string({ maxLength: 20 }),
    })
    .map((f) => ({
      label: `flow action:${f.action}`,
      cls: 'flow' as const,
      request: {
        seq: 'zero' as const,
        make: (): ObservationRequest => ({
          memorySpaceId: space,
          sessionId: session,
          sequenceNumber: 0n,
          operation: {
            case: 'flow',
            flow: { action: f.action, bufferRemaining: f.remaining, preferredRate: f.rate, reason: f.reason },
          },
        }),
      },
    }));
}

function validFrame(space: string, session: string, dim: number, seq: bigint): Buffer {
  const episode = { ...emptyEpisode(), id: `raw-${seq}`, embedding: new Float32Array(dim).fill(0.5) };
  return encodeObservationRequest({
    memorySpaceId: space,
    sessionId: session,
    sequenceNumber: seq,
    operation: { case: 'observation', observation: episode },
  });
}

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const tag = (field: number, wire: number) => varint(BigInt((field << 3) | wire));

/** Raw byte frames built from a valid observation frame. */
function rawStep(space: string, session: string, limits: FuzzLimits): fc.Arbitrary<FuzzStep> {
  const base = (seq: bigint) => validFrame(space, session, limits.dim, seq);
  const frame = fc.bigInt({ min: 1n, max: 50n }).map(base);
  const mutations: Array<fc.Arbitrary<{ label: string; bytes: Buffer }>> = [
    fc
      .tuple(frame, fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 4 }))
      .map(([f, flips]) => {
        const b = Buffer.from(f);
        for (const [pos, bit] of flips) b[pos % b.length] = (b[pos % b.length] as number) ^ (1 << bit);
        return { label: 'raw:bit-flips', bytes: b };
      }),
    fc
      .tuple(frame, fc.nat())
      .map(([f, n]) => ({ label: 'raw:truncated', bytes: f.subarray(0, n % f.length) })),
    fc
      .tuple(
        frame,
        fc.integer({ min: 1000, max: 536_870_911 }),
        fc.constantFrom(0, 1, 2, 5),
        fc.uint8Array({ maxLength: 16 }),
      )
      .map(([f, field, wire, payload]) => {
        const body =
          wire === 0
            ? varint(BigInt(payload.length))
            : wire === 1
              ? [...payload, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8)
              : wire === 5
                ? [...payload, 0, 0, 0, 0].slice(0, 4)
                : [...varint(BigInt(payload.length)), ...payload];
        return {
          label: `raw:unknown-field-wire-${wire}`,
          bytes: Buffer.concat([f, Buffer.from([...tag(field, wire), ...body])]),
        };
      }),
    fc.uint8Array({ maxLength: 64 }).map((b) => ({ label: 'raw:random-bytes', bytes: Buffer.from(b) })),
    fc.constantFrom(3, 1, 10, 2).map((field) => ({
      label: `raw:huge-length-field-${field}`,
      bytes: Buffer.from([...tag(field, 2), ...varint(0xffffffffn), 1, 2, 3]),
    })),
    fc.tuple(frame, fc.integer({ min: 1, max: 10 })).map(([f, n]) => ({
      label: 'raw:truncated-varint',
      bytes: Buffer.concat([f, Buffer.from([...tag(11, 0), ...new Array<number>(n).fill(0xff)])]),
    })),
    fc
      .constantFrom(
        ['seq-as-len', [...tag(11, 2), 1, 7]],
        ['space-as-varint', [...tag(1, 0), 5]],
        ['observation-as-fixed32', [...tag(3, 5), 0, 0, 0, 0]],
        ['group-wire-type', [...tag(4, 3)]],
      )
      .map(([what, bytes]) => ({
        label: `raw:wrong-wire-type-${what}`,
        bytes: Buffer.from(bytes as number[]),
      })),
    fc.constant({
      label: 'raw:overlong-varint',
      bytes: Buffer.from([...tag(11, 0), ...new Array<number>(11).fill(0xff), 1]),
    }),
    fc.nat(3).map((extra) => {
      // A second packed embedding run whose byte length is not a multiple of 4.
      const episode = encodeEpisode({
        ...emptyEpisode(),
        embedding: new Float32Array(limits.dim).fill(0.25),
      });
      const odd = Buffer.concat([
        Buffer.from(tag(4, 2)),
        Buffer.from(varint(BigInt(limits.dim * 4 + 1 + extra))),
        Buffer.alloc(limits.dim * 4 + 1 + extra),
      ]);
      return {
        label: 'raw:odd-packed-floats',
        bytes: Buffer.concat([
          Buffer.from([...tag(3, 2), ...varint(BigInt(odd.length + episode.length))]),
          episode,
          odd,
        ]),
      };
    }),
    fc.constant({
      label: 'raw:oversize',
      bytes: Buffer.concat([
        Buffer.from([...tag(3, 2), ...varint(BigInt(limits.maxMessageBytes + 64))]),
        Buffer.alloc(limits.maxMessageBytes + 64),
      ]),
    }),
  ];
  return fc.oneof(...mutations).map(({ label, bytes }) => ({
    label,
    bytes,
    cls: classify(bytes, limits.maxMessageBytes),
    mayEnd: namesOther(bytes, space, session),
  }));
}

/** A flipped bit can turn the frame's own space or session id into another one. */
function namesOther(bytes: Buffer, space: string, session: string): boolean {
  try {
    const m = decodeObservationRequest(bytes);
    return (
      (m.memorySpaceId !== '' && m.memorySpaceId !== space) || (m.sessionId !== '' && m.sessionId !== session)
    );
  } catch {
    return false;
  }
}

/** What the server's own decoder makes of the bytes. */
export function classify(bytes: Buffer, maxMessageBytes: number): StepClass {
  if (bytes.length > maxMessageBytes) return 'fatal';
  let decoded: ObservationRequest;
  try {
    decoded = decodeObservationRequest(bytes);
  } catch {
    return 'fatal';
  }
  switch (decoded.operation?.case) {
    case 'observation':
      return 'observation';
    case 'flow':
      return 'flow';
    case 'close':
      return 'close';
    default:
      return 'fatal'; // no operation (SES-3) or a second init (SES-2)
  }
}

function terminatorStep(space: string, session: string, limits: FuzzLimits): fc.Arbitrary<FuzzStep> {
  const structured = (
    label: string,
    cls: StepClass,
    make: (seq: bigint) => ObservationRequest,
  ): FuzzStep => ({ label, cls, request: { seq: 'repeat', make } });
  return fc
    .oneof(
      rawStep(space, session, limits).filter((s) => s.cls === 'fatal'),
      fc.constant(
        structured('no-operation', 'fatal', () => ({
          memorySpaceId: space,
          sessionId: session,
          sequenceNumber: 0n,
        })),
      ),
      fc.constant(
        structured('second-init', 'fatal', () => initRequest({ memorySpaceId: space, sessionId: session })),
      ),
      fc.tuple(fc.boolean(), fc.boolean()).map(([drain, matching]) =>
        structured(`close drain:${drain} last:${matching ? 'cursor' : 'random'}`, 'close', (cursor) => ({
          memorySpaceId: space,
          sessionId: session,
          sequenceNumber: 0n,
          operation: {
            case: 'close',
            close: { drainQueue: drain, lastSequence: matching ? cursor : cursor + 7n },
          },
        })),
      ),
      fc.constant(undefined),
    )
    .map((s) => s ?? { label: 'half-close', cls: 'close' as const });
}

export interface FuzzScript {
  steps: FuzzStep[];
  /** Ends the stream; a `half-close` terminator has neither request nor bytes. */
  terminator: FuzzStep;
}

/** One stream's script: body steps that keep the stream open, then one that ends it. */
export function scriptArb(
  space: string,
  session: string,
  limits: FuzzLimits,
  bodyLength: number,
): fc.Arbitrary<FuzzScript> {
  const body = fc.oneof(
    { weight: 12, arbitrary: observationStep(space, session, limits) },
    { weight: 1, arbitrary: flowStep(space, session) },
    {
      weight: 4,
      arbitrary: rawStep(space, session, limits).filter((s) => s.cls === 'observation' || s.cls === 'flow'),
    },
  );
  return fc.record({
    steps: fc.array(body, { minLength: bodyLength, maxLength: bodyLength }),
    terminator: terminatorStep(space, session, limits),
  });
}
