// Runs fuzz scripts against a server, many streams in parallel, and checks that every
// stream is answered: each observation step before the stream's end gets exactly one
// ack, and the stream ends with a gRPC status from the expected set.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { AckStatus, type ObservationResponse } from '../../src/protocol/messages.js';
import { RecordedStream, type StreamEnd } from '../../src/protocol/recorded-stream.js';
import { runClock } from '../../src/protocol/run-clock.js';
import type { EngramClient } from '../../src/protocol/service-definition.js';
import { type FuzzLimits, type FuzzScript, resolveSeq, type StepClass, scriptArb } from './fuzz-messages.js';

export interface FuzzOptions {
  clients: EngramClient[];
  limits: FuzzLimits;
  streams: number;
  /** Body steps per stream (each stream also gets one terminating step). */
  stepsPerStream: number;
  parallel: number;
  seed: number;
  /** How long a stream may take to end after its last step. */
  endTimeoutMs: number;
  /** Sent with every call, e.g. a bearer token for a server run with --auth-tokens. */
  metadata?: grpc.Metadata;
}

export interface FuzzReport {
  streams: number;
  /** Messages written on the bidi streams (init excluded). */
  messages: number;
  rawFrames: number;
  observationSteps: number;
  acks: number;
  accepted: number;
  /** Step labels and how often each was sent. */
  labels: Record<string, number>;
  /** gRPC status names and how many streams ended with each. */
  endCodes: Record<string, number>;
  /** Sessions resumed and closed cleanly after a stream ended on a bad frame. */
  resumed: number;
  /** Broken expectations; empty when the server passed. */
  violations: string[];
  elapsedMs: number;
}

/** End codes a correct server may give for the way the stream was ended. */
const ALLOWED_END: Record<StepClass | 'half-close', number[]> = {
  fatal: [
    grpc.status.INVALID_ARGUMENT, // WIRE-8: the bytes are not an ObservationRequest
    grpc.status.RESOURCE_EXHAUSTED, // VAL-5: over the transport limit
    // (INVALID_ARGUMENT is also SES-3: no operation)
    grpc.status.FAILED_PRECONDITION, // SES-2: a second init
  ],
  close: [grpc.status.OK, grpc.status.FAILED_PRECONDITION],
  'half-close': [grpc.status.OK],
  observation: [],
  flow: [],
};

const statusName = (code: number) => grpc.status[code] ?? `code ${code}`;

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const report: FuzzReport = {
    streams: 0,
    messages: 0,
    rawFrames: 0,
    observationSteps: 0,
    acks: 0,
    accepted: 0,
    labels: {},
    endCodes: {},
    resumed: 0,
    violations: [],
    elapsedMs: 0,
  };
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < o.streams) {
      const i = next++;
      await runStream(i, o, report);
    }
  };
  await Promise.all(Array.from({ length: o.parallel }, worker));
  report.elapsedMs = performance.now() - started;
  return report;
}

async function runStream(index: number, o: FuzzOptions, report: FuzzReport): Promise<void> {
  const space = `fuzz-${index % 7}`;
  const session = randomUUID();
  const [script] = fc.sample(scriptArb(space, session, o.limits, o.stepsPerStream), {
    seed: o.seed + index,
    numRuns: 1,
  }) as [FuzzScript];
  let acks = 0;
  const acceptedSeqs: bigint[] = [];
  const client = o.clients[index % o.clients.length] as EngramClient;
  const s = RecordedStream.open(client, {
    stream: index,
    session,
    sink: () => {},
    clock: runClock(),
    metadata: o.metadata?.clone(),
    onResponse: (r: ObservationResponse) => {
      if (r.result?.case !== 'ack') return;
      const status = r.result.ack.status;
      if (status === AckStatus.ACCEPTED || status === AckStatus.REJECTED) acks++;
      if (status === AckStatus.ACCEPTED) acceptedSeqs.push(r.sequenceNumber);
    },
  });
  const where = `stream ${index} (seed ${o.seed + index})`;
  s.init({ memorySpaceId: space, sessionId: session, indexAcks: index % 2 === 0 });
  try {
    await s.initAck(o.endTimeoutMs);
  } catch (err) {
    report.violations.push(`${where}: no init ack: ${(err as Error).message}`);
    s.cut();
    return;
  }
  report.streams++;
  const cursor = { value: 0n };
  const random = fc.sample(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), {
    seed: o.seed + index,
    numRuns: script.steps.length + 1,
  });
  let observations = 0;
  /** Acks a server may have sent if it ended the stream at a step naming another session (SES-7). */
  const endedEarly = new Set<number>();
  const steps = [...script.steps, script.terminator];
  for (const [k, step] of steps.entries()) {
    report.labels[step.label] = (report.labels[step.label] ?? 0) + 1;
    let room = true;
    if (step.bytes) {
      room = s.write(step.bytes, step.label);
      report.rawFrames++;
    } else if (step.request) {
      const seq = resolveSeq(step.request.seq, cursor, random[k] ?? 0n);
      room = s.write(step.request.make(seq), step.label);
    } else {
      s.halfClose();
      continue;
    }
    report.messages++;
    if (step.mayEnd) endedEarly.add(observations);
    if (step.cls === 'observation') observations++;
    if (!room) await s.drained();
  }
  // Nothing follows the terminator; after a close the server ends the RPC at the half-close (CLS-8).
  s.halfClose();
  report.observationSteps += observations;
  const end = await Promise.race([
    s.ended,
    new Promise<StreamEnd | undefined>((r) => setTimeout(() => r(undefined), o.endTimeoutMs)),
  ]);
  if (!end) {
    report.violations.push(
      `${where}: no status within ${o.endTimeoutMs} ms after "${script.terminator.label}"`,
    );
    s.cut();
    return;
  }
  report.acks += acks;
  report.accepted += acceptedSeqs.length;
  report.endCodes[statusName(end.code)] = (report.endCodes[statusName(end.code)] ?? 0) + 1;
  const how = script.terminator.label === 'half-close' ? 'half-close' : script.terminator.cls;
  const early = end.code === grpc.status.INVALID_ARGUMENT && endedEarly.size > 0;
  // A step naming a space the token does not grant: the interceptor ends the call as soon as
  // it reads it, and (as after a fatal frame) acks still in flight are lost with the call.
  const denied = end.code === grpc.status.PERMISSION_DENIED && endedEarly.size > 0;
  if (!early && !denied && !ALLOWED_END[how].includes(end.code)) {
    report.violations.push(
      `${where}: ended by "${script.terminator.label}" with ${statusName(end.code)} (${end.details})`,
    );
  }
  if ((how === 'fatal' && !early) || denied) {
    // The transport may end the call before the server read what was queued behind the
    // bad frame (VAL-5), and acks in flight then are lost with the call: the client learns
    // the truth by resuming (RES-4), which must work and agree with what it saw.
    if (acks > observations)
      report.violations.push(`${where}: ${observations} observation steps got ${acks} acks`);
    const problem = await resumeAndClose(
      client,
      space,
      session,
      BigInt(acceptedSeqs.length),
      o.endTimeoutMs,
      o.metadata,
    );
    if (problem) report.violations.push(`${where}: after ${statusName(end.code)}: ${problem}`);
    else report.resumed++;
  } else if (acks !== observations && !(early && endedEarly.has(acks))) {
    // ACK-1: every observation step the server read before the stream ended has its one ack.
    report.violations.push(
      `${where}: ${observations} observation steps got ${acks} acks (${statusName(end.code)}: ${end.details})`,
    );
  }
  // ACK-3: ACCEPTED sequences of a session run 1, 2, 3 ... once each.
  const dense = acceptedSeqs.every((seq, i) => seq === BigInt(i + 1));
  if (!dense) report.violations.push(`${where}: ACCEPTED sequences not dense: ${acceptedSeqs.join(',')}`);
}

async function resumeAndClose(
  client: EngramClient,
  space: string,
  session: string,
  seenAccepted: bigint,
  timeoutMs: number,
  metadata: grpc.Metadata | undefined,
): Promise<string | undefined> {
  const s = RecordedStream.open(client, {
    stream: -1,
    session,
    sink: () => {},
    clock: runClock(),
    metadata: metadata?.clone(),
  });
  s.init({ memorySpaceId: space, sessionId: session, resume: true, claimedSequence: seenAccepted });
  try {
    const ack = await s.initAck(timeoutMs);
    if (ack.initialSequence < seenAccepted) {
      return `resume says ${ack.initialSequence} accepted, the client saw ${seenAccepted} ACCEPTED acks`;
    }
    s.close(true, ack.initialSequence);
  } catch (err) {
    s.cut();
    return `resume failed: ${(err as Error).message}`;
  }
  const end = await s.ended;
  return end.code === grpc.status.OK ? undefined : `close after resume ended with ${statusName(end.code)}`;
}

/** `serve` flags for a fuzz target: the limits the generated messages probe, one index worker. */
export function fuzzServerArgs(limits: FuzzLimits, extra: string[] = []): string[] {
  return [
    '--dim',
    String(limits.dim),
    '--max-text-bytes',
    String(limits.maxTextBytes),
    '--max-message-bytes',
    String(limits.maxMessageBytes),
    '--index-workers',
    '1',
    ...extra,
  ];
}
