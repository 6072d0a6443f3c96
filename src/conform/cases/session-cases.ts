// Sessions (SES): init first, one init per stream, session ids, scoping, half-close,
// idle timeout, heartbeat.
import { randomUUID } from 'node:crypto';
import { status as Grpc } from '@grpc/grpc-js';
import { type ConformCase, strictly } from '../case-types.js';
import { describeEvent } from '../describe-event.js';
import { behaved, skipped } from '../verdict.js';
import { acceptRun, detachedSession, drainClose, resumeExpecting, resumeRefused } from './case-steps.js';

/** Idle timeouts longer than this (before --timeout-scale) are not waited out. */
const LONGEST_IDLE_WAIT_MS = 10_000;
/** Longer than the reference server's default heartbeat interval (5 s). */
const HEARTBEAT_WAIT_MS = 6000;

export const SESSION_CASES: ConformCase[] = [
  {
    id: 'session.server-assigns-id',
    category: 'session',
    clauses: ['SES-5', 'SES-8', 'WIRE-2', 'WIRE-4'],
    requirement:
      'An init with an empty session_id gets a fresh server-assigned id, initial_sequence 0 and capabilities',
    acceptable: strictly(
      'init_ack with a new non-empty session_id, initial_sequence 0, capabilities, sequence_number 0',
    ),
    catches: [],
    async procedure(ctx) {
      const first = await ctx.start({ session: 'a' });
      const second = await ctx.start({ session: 'b' });
      for (const { stream, ack } of [first, second]) {
        if (!ack.sessionId) return ctx.fail('a non-empty session_id in init_ack (SES-5)', 'session_id ""');
        if (ack.initialSequence !== 0n)
          return ctx.fail(
            'initial_sequence 0 for a new session (SES-5)',
            `initial_sequence=${ack.initialSequence}`,
          );
        if (!ack.capabilities)
          return ctx.fail('capabilities in init_ack (SES-8)', 'init_ack without capabilities');
        const event = stream.events().find((e) => e.type === 'init-ack');
        const seq = event ? stream.response(event)?.sequenceNumber : undefined;
        if (seq !== 0n)
          return ctx.fail('response-level sequence_number 0 on init_ack (WIRE-4)', `sequence_number=${seq}`);
      }
      if (first.ack.sessionId === second.ack.sessionId)
        return ctx.fail(
          'a fresh session id for each new session',
          `both sessions got ${first.ack.sessionId}`,
        );
      return behaved('as-specified');
    },
  },
  {
    id: 'session.client-supplied-id',
    category: 'session',
    clauses: ['SES-5', 'WIRE-5'],
    requirement: 'A fresh client-supplied session_id is used as given and echoed on every ack',
    acceptable: strictly('init_ack and acks carry the client-supplied session id'),
    catches: [],
    async procedure(ctx) {
      const id = randomUUID();
      const { stream, ack } = await ctx.start({ sessionId: id });
      if (ack.sessionId !== id) return ctx.fail(`init_ack session_id=${id}`, `session_id=${ack.sessionId}`);
      const acks = await acceptRun(ctx, stream, 1n, 3n);
      for (const e of stream.events()) {
        if (e.type === 'ack' && e.sessionId !== id)
          return ctx.fail(`every ack echoes session_id=${id} (WIRE-5)`, describeEvent(e));
      }
      await drainClose(ctx, stream, BigInt(acks.length));
      return behaved('as-specified');
    },
  },
  {
    id: 'session.duplicate-id-rejected',
    category: 'session',
    clauses: ['SES-6'],
    requirement:
      'A new-session init with an id that already exists ends with ALREADY_EXISTS and leaves that session alone',
    acceptable: strictly('ALREADY_EXISTS on the second stream; the first session keeps working'),
    catches: [],
    provokes: [Grpc.ALREADY_EXISTS],
    async procedure(ctx) {
      const id = randomUUID();
      const { stream } = await ctx.start({ session: 'a', sessionId: id });
      await acceptRun(ctx, stream, 1n, 2n);
      const intruder = ctx.open('intruder');
      intruder.init({ memorySpaceId: ctx.space, sessionId: id });
      await intruder.expectEnd(
        [Grpc.ALREADY_EXISTS],
        'a session with this id exists and resume was not asked',
      );
      await acceptRun(ctx, stream, 3n, 3n);
      await drainClose(ctx, stream, 3n);
      return behaved('as-specified');
    },
  },
  {
    id: 'session.data-before-init',
    category: 'session',
    clauses: ['SES-1'],
    requirement: 'Anything but init as the first message ends the stream with FAILED_PRECONDITION',
    acceptable: strictly('FAILED_PRECONDITION for an observation first and for a close first'),
    catches: [],
    provokes: [Grpc.FAILED_PRECONDITION],
    async procedure(ctx) {
      const observationFirst = ctx.open('a');
      observationFirst.rs.write(
        {
          memorySpaceId: ctx.space,
          sessionId: '',
          sequenceNumber: 1n,
          operation: { case: 'observation', observation: ctx.episodes.valid() },
        },
        'observation seq=1 before any init',
      );
      await observationFirst.expectEnd([Grpc.FAILED_PRECONDITION], 'an observation before init');
      const closeFirst = ctx.open('b');
      closeFirst.rs.write(
        {
          memorySpaceId: ctx.space,
          sessionId: '',
          sequenceNumber: 0n,
          operation: { case: 'close', close: { drainQueue: true, lastSequence: 0n } },
        },
        'close before any init',
      );
      await closeFirst.expectEnd([Grpc.FAILED_PRECONDITION], 'a close before init');
      return behaved('as-specified');
    },
  },
  {
    id: 'session.second-init',
    category: 'session',
    clauses: ['SES-2'],
    requirement: 'A second init on a stream ends it with FAILED_PRECONDITION',
    acceptable: strictly('FAILED_PRECONDITION after the second init'),
    catches: [],
    provokes: [Grpc.FAILED_PRECONDITION],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      await acceptRun(ctx, stream, 1n, 1n);
      stream.init({ memorySpaceId: ctx.space });
      await stream.expectEnd([Grpc.FAILED_PRECONDITION], 'a second init on the same stream');
      return behaved('as-specified');
    },
  },
  {
    id: 'session.no-operation',
    category: 'session',
    clauses: ['SES-3'],
    requirement: 'After init, a request without an operation ends the stream with INVALID_ARGUMENT',
    acceptable: strictly('INVALID_ARGUMENT'),
    catches: [],
    provokes: [Grpc.INVALID_ARGUMENT],
    async procedure(ctx) {
      const { stream, ack } = await ctx.start();
      stream.rs.write(
        { memorySpaceId: ctx.space, sessionId: ack.sessionId, sequenceNumber: 1n },
        'request without operation (sequence_number=1)',
      );
      await stream.expectEnd([Grpc.INVALID_ARGUMENT], 'a request with no operation after init');
      return behaved('as-specified');
    },
  },
  {
    id: 'session.bad-space-id',
    category: 'session',
    clauses: ['SES-4'],
    requirement:
      'An init whose memory_space_id is not 3-64 characters of [a-z0-9_-] ends with INVALID_ARGUMENT',
    acceptable: strictly('INVALID_ARGUMENT for each malformed space id'),
    catches: [],
    provokes: [Grpc.INVALID_ARGUMENT],
    async procedure(ctx) {
      const bad = ['', 'ab', 'Upper-Case', 'has space', 'dot.ted', 'x'.repeat(65)];
      for (const [i, space] of bad.entries()) {
        const stream = ctx.open(`bad-${i}`);
        stream.init({ memorySpaceId: space });
        await stream.expectEnd([Grpc.INVALID_ARGUMENT], `memory_space_id ${JSON.stringify(space)}`);
      }
      return behaved('as-specified');
    },
  },
  {
    id: 'session.independent-sequences',
    category: 'session',
    clauses: ['SEQ-1', 'SES-7'],
    requirement: 'Two sessions in one space number their observations independently, each from 1',
    acceptable: strictly('both sessions get ACCEPTED 1..5, each ack carrying its own session id'),
    catches: [],
    async procedure(ctx) {
      const a = await ctx.start({ session: 'a' });
      const b = await ctx.start({ session: 'b' });
      for (let seq = 1n; seq <= 5n; seq++) {
        a.stream.send(seq, ctx.episodes.valid());
        b.stream.send(seq, ctx.episodes.valid());
      }
      await a.stream.expectAcceptedRun(1n, 5n);
      await b.stream.expectAcceptedRun(1n, 5n);
      for (const { stream, ack } of [a, b]) {
        for (const e of stream.events()) {
          if (e.type === 'ack' && e.sessionId !== ack.sessionId)
            return ctx.fail(`acks on this stream echo session_id=${ack.sessionId}`, describeEvent(e));
        }
      }
      await drainClose(ctx, a.stream, 5n);
      await drainClose(ctx, b.stream, 5n);
      return behaved('as-specified');
    },
  },
  {
    id: 'session.half-close-detaches',
    category: 'session',
    clauses: ['SES-10', 'SES-9'],
    requirement: 'A half-close without close ends the RPC with OK and leaves the session resumable',
    acceptable: strictly('OK; a resume then continues the session (when the server supports resume)'),
    catches: [],
    async procedure(ctx) {
      const id = randomUUID();
      const { stream } = await ctx.start({ sessionId: id });
      await acceptRun(ctx, stream, 1n, 3n);
      stream.halfClose();
      await stream.expectEnd([Grpc.OK], 'half-close without close');
      if (!ctx.caps.supportsResume)
        return behaved('as-specified', 'resume not supported: only the OK end was checked');
      const resumed = await resumeExpecting(ctx, 'a', id, 3n, 3n);
      await acceptRun(ctx, resumed.stream, 4n, 4n);
      await drainClose(ctx, resumed.stream, 4n);
      return behaved('as-specified');
    },
  },
  {
    id: 'session.idle-timeout',
    category: 'session',
    clauses: ['SES-11', 'RES-2'],
    requirement:
      'A detached session stays resumable within the idle timeout and is gone (NOT_FOUND) after it',
    acceptable: strictly('resumable at half the idle timeout; NOT_FOUND at 1.5 times it plus a second'),
    catches: [],
    needs: ['resume'],
    provokes: [Grpc.NOT_FOUND],
    budgetMs: 40_000,
    async procedure(ctx) {
      const idle = ctx.caps.sessionIdleTimeoutMs;
      if (idle === 0) return skipped('the server does not say its session_idle_timeout_ms');
      if (idle > ctx.scaled(LONGEST_IDLE_WAIT_MS)) {
        return skipped(
          `the idle timeout is ${idle} ms, longer than this case waits (${ctx.scaled(LONGEST_IDLE_WAIT_MS)} ms); raise --timeout-scale to test it`,
        );
      }
      const id = await detachedSession(ctx, 1n);
      await ctx.sleep(idle / 2);
      ctx.note(`resuming after ${idle / 2} ms detached (half the idle timeout)`);
      const again = await resumeExpecting(ctx, 'a', id, 1n, 1n);
      again.stream.halfClose();
      await again.stream.expectEnd([Grpc.OK], 'half-close');
      const wait = idle * 1.5 + ctx.scaled(1000);
      await ctx.sleep(wait);
      ctx.note(`resuming after ${wait} ms detached (past the idle timeout of ${idle} ms)`);
      await resumeRefused(ctx, 'a', id, 1n, [Grpc.NOT_FOUND], 'the session expired after its idle timeout');
      return behaved('as-specified');
    },
  },
  {
    id: 'session.heartbeat',
    category: 'session',
    clauses: ['SES-12', 'FLOW-1'],
    requirement: 'An idle attached stream receives StreamStatus heartbeats with the current state',
    acceptable: [
      {
        key: 'heartbeat',
        description: 'a well-formed StreamStatus arrives on the idle stream',
        strictness: 'strict',
      },
      {
        key: 'no-heartbeat',
        description: `no status within ${HEARTBEAT_WAIT_MS / 1000} s: a server without heartbeat (SHOULD)`,
        strictness: 'non-strict',
      },
    ],
    catches: [],
    async procedure(ctx) {
      const { stream } = await ctx.start();
      // A status said right after init (SES-13) comes before this ack; only a later one is a heartbeat.
      await acceptRun(ctx, stream, 1n, 1n);
      const idleFrom = ctx.log.events.length;
      const wait = ctx.scaled(HEARTBEAT_WAIT_MS);
      const beat = await stream.awaitStatus(() => true, wait, idleFrom);
      if (!beat) return behaved('no-heartbeat', `no StreamStatus on an idle stream within ${wait} ms`);
      if (beat.state === 'UNSPECIFIED' || beat.state === 'CLOSED' || beat.state === 'ERROR')
        return ctx.fail(
          'a heartbeat carrying the current state (ACTIVE on an idle server)',
          describeEvent(beat),
        );
      const seq = stream.response(beat)?.sequenceNumber;
      if (seq !== 0n) return ctx.fail('sequence_number 0 on StreamStatus (WIRE-4)', `sequence_number=${seq}`);
      stream.halfClose();
      return behaved(
        'heartbeat',
        `first heartbeat (${beat.state}) ${Math.round(beat.t)} ms after the stream opened`,
      );
    },
  },
  {
    id: 'session.scoped-to-space',
    category: 'session',
    clauses: ['SES-7', 'RES-2'],
    requirement: 'A session is keyed by (space, id): resuming it from another space is NOT_FOUND',
    acceptable: strictly('NOT_FOUND from the other space; the session stays resumable in its own'),
    catches: [],
    needs: ['resume'],
    provokes: [Grpc.NOT_FOUND],
    async procedure(ctx) {
      const id = await detachedSession(ctx, 2n);
      await resumeRefused(ctx, 'a', id, 0n, [Grpc.NOT_FOUND], 'the session lives in another memory space', {
        space: ctx.newSpace(),
      });
      const home = await resumeExpecting(ctx, 'a', id, 2n, 2n);
      await drainClose(ctx, home.stream, 2n);
      return behaved('as-specified');
    },
  },
];
