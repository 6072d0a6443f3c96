// One ObserveStream call: init or resume, the per-observation checks, close.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { status } from '@grpc/grpc-js';
import {
  AckStatus,
  type Episode,
  emptyAck,
  type ObservationRequest,
  RejectReason,
  rejectReasonName,
  type StreamClose,
  type StreamInit,
  StreamState,
} from '../protocol/messages.js';
import { invalidity } from './observation-validity.js';
import { createResponseWriter, type ObserveCall, type ResponseWriter } from './response-writer.js';
import { MEMORY_SPACE_ID } from './server-config.js';
import { type OpenStream, type ServerCore, SHUTTING_DOWN } from './server-core.js';
import type { AttachedStream, Session } from './session.js';

/** An ObserveStream RPC over gRPC. */
export function handleObserveStream(core: ServerCore, call: ObserveCall): void {
  const stream = new ObserveStream(core, createResponseWriter(call));
  call.on('data', (request: ObservationRequest) => stream.onRequest(request));
  call.on('end', () => stream.onHalfClose());
  call.on('finish', () => stream.onGone());
  call.on('cancelled', () => stream.onGone());
}

/**
 * One stream of requests, whatever carries it (a gRPC call, a WebSocket): the transport
 * feeds it requests and tells it when the peer half-closed or went away; every answer
 * leaves through the writer the transport made.
 */
export class ObserveStream implements AttachedStream, OpenStream {
  readonly writer: ResponseWriter;
  private session: Session | undefined;
  private closeRequested = false;
  /** Another stream resumed the session: nothing more from this one counts (RES-5). */
  private fenced = false;
  private gone = false;
  /** The client ended its side: every request it sent has been read (and answered). */
  private halfClosed = false;
  /** The close's steps are done (STATE_CLOSED sent); the RPC ends at the half-close (CLS-8). */
  private closeDone = false;
  private linger: NodeJS.Timeout | undefined;

  /**
   * `halfCloses`: whether the transport can say "nothing more is coming" while still reading
   * answers (gRPC can; WebSocket cannot, so there the stream ends as soon as a close is done).
   */
  constructor(
    private readonly core: ServerCore,
    transportWriter: ResponseWriter,
    private readonly halfCloses = true,
  ) {
    this.writer = core.components.wrapWriter(transportWriter);
    core.openStreams.add(this);
  }

  /** The session bound to this stream, once init succeeded. */
  get sessionId(): string {
    return this.session?.id ?? '';
  }

  onRequest(request: ObservationRequest): void {
    if (this.fenced || this.writer.isEnded()) return;
    if (request.malformed !== undefined) {
      this.stop(status.INVALID_ARGUMENT, `not a valid ObservationRequest: ${request.malformed}`);
      return;
    }
    const session = this.session;
    if (!session) {
      this.onFirst(request);
      return;
    }
    const op = request.operation;
    if (!op) {
      this.stop(
        status.INVALID_ARGUMENT,
        'a request without an operation; send init, observation, flow or close',
      );
      return;
    }
    switch (op.case) {
      case 'observation':
        this.onObservation(session, request.sequenceNumber, op.observation);
        return;
      case 'close':
        this.onClose(session, op.close);
        return;
      case 'init':
        this.stop(
          status.FAILED_PRECONDITION,
          'a second init on this stream; open a new stream for another session',
        );
        return;
      case 'flow':
        // FLOW-7: FlowControl messages are hints; this server paces by admission instead.
        return;
    }
  }

  private onFirst(request: ObservationRequest): void {
    const op = request.operation;
    if (op?.case !== 'init') {
      const got = op ? op.case : 'a request without an operation';
      this.stop(
        status.FAILED_PRECONDITION,
        `the first message must be init with a memory_space_id; got ${got}`,
      );
      return;
    }
    if (this.core.shuttingDown) {
      this.stop(status.UNAVAILABLE, SHUTTING_DOWN);
      return;
    }
    const space = request.memorySpaceId;
    if (!MEMORY_SPACE_ID.test(space)) {
      this.stop(
        status.INVALID_ARGUMENT,
        `memory_space_id '${space}' must be 3 to 64 characters of [a-z0-9_-]`,
      );
      return;
    }
    const session = op.init.resume
      ? this.resume(space, request.sessionId, request.sequenceNumber)
      : this.create(space, request.sessionId);
    if (session) this.attach(session, op.init);
  }

  private create(space: string, requestedId: string): Session | undefined {
    const id = requestedId || randomUUID();
    if (this.core.registry.get(space, id)) {
      this.stop(
        status.ALREADY_EXISTS,
        `session '${id}' already exists in memory space '${space}'; resume it (resume = true) or use a new id`,
      );
      return undefined;
    }
    return this.core.registry.create(space, id);
  }

  private resume(space: string, id: string, claimed: bigint): Session | undefined {
    if (!id) {
      this.stop(status.INVALID_ARGUMENT, 'resume needs the session_id of the session to resume');
      return undefined;
    }
    const session = this.core.registry.get(space, id);
    if (!session) {
      this.stop(
        status.NOT_FOUND,
        `no session '${id}' in memory space '${space}' (unknown, expired or closed); start a new session`,
      );
      return undefined;
    }
    if (claimed > session.lastAccepted) {
      this.stop(
        status.OUT_OF_RANGE,
        `resume claims sequence ${claimed} but session '${id}' accepted only through ${session.lastAccepted}`,
      );
      return undefined;
    }
    session.lastAccepted = this.core.components.resumePosition(session, claimed);
    return session;
  }

  private attach(session: Session, init: StreamInit): void {
    const core = this.core;
    this.session = session;
    session.indexAcks = init.indexAcks;
    core.registry.attach(session, this);
    this.writer.send({
      result: {
        case: 'initAck',
        initAck: {
          sessionId: session.id,
          initialSequence: session.lastAccepted,
          capabilities: core.capabilities(),
        },
      },
      sessionId: session.id,
      sequenceNumber: 0n,
      serverTimestampMs: Date.now(),
    });
    // SES-13: the state at once, not only with the first heartbeat or pressure change.
    this.writer.send(core.currentStatus(session));
    // RES-6: what became visible while the session was detached is reported on the new stream.
    core.sendIndexed(session);
  }

  /** SEQ-6: session closing, sequence, validity, admission; the first that fails answers. */
  private onObservation(session: Session, seq: bigint, episode: Episode): void {
    const core = this.core;
    const { sequencer } = core.components;
    if (this.closeRequested) {
      this.reject(session, seq, RejectReason.SESSION_CLOSING, 'this stream sent close; start a new session');
      return;
    }
    const verdict = sequencer.check(session, seq);
    if (verdict !== 'next') {
      const gap = verdict === 'gap';
      const detail = gap
        ? `sequence ${seq} skips ahead of ${session.expected}; resend from ${session.expected}`
        : `sequence ${seq} is below the expected ${session.expected} (already accepted or 0)`;
      this.reject(session, seq, gap ? RejectReason.SEQUENCE_GAP : RejectReason.DUPLICATE_SEQUENCE, detail);
      return;
    }
    const problem = invalidity(episode, core.config.dim, core.config.maxTextBytes);
    if (problem) {
      this.reject(session, seq, RejectReason.INVALID_OBSERVATION, problem);
      return;
    }
    const space = core.spaces.getOrCreate(session.memorySpaceId);
    const highPriority = core.components.isHighPriority(episode);
    const refusal = core.refusal(space, highPriority);
    if (refusal) {
      this.reject(session, seq, refusal.reason, refusal.detail, refusal.retryAfterMs);
      return;
    }
    const episodeId = episode.id || randomUUID();
    // What recall returns of it (content, confidence, created_at) is kept from here on.
    const label = space.assign(
      episodeId,
      episode.what,
      episode.encodingConfidence,
      episode.whenMs ?? Date.now(),
    );
    const visibility = session.track(seq);
    sequencer.accepted(session, seq);
    this.writer.send({
      result: { case: 'ack', ack: { ...emptyAck(), status: AckStatus.ACCEPTED, memoryId: episodeId } },
      sessionId: session.id,
      sequenceNumber: seq,
      serverTimestampMs: Date.now(),
    });
    core.enqueue(
      { space, label, embedding: episode.embedding, session, visibility, acceptedAt: performance.now() },
      highPriority,
    );
  }

  private reject(
    session: Session,
    seq: bigint,
    reason: RejectReason,
    detail: string,
    retryAfterMs = 0,
  ): void {
    this.core.components.sequencer.rejected(session, seq, reason);
    this.core.metrics.rejected.inc({ reason: rejectReasonName[reason].toLowerCase() });
    this.writer.send({
      result: {
        case: 'ack',
        ack: {
          ...emptyAck(),
          status: AckStatus.REJECTED,
          reason,
          expectedSequence: session.expected,
          retryAfterMs,
          detail,
        },
      },
      sessionId: session.id,
      sequenceNumber: seq,
      serverTimestampMs: Date.now(),
    });
  }

  private onClose(session: Session, close: StreamClose): void {
    if (this.closeRequested) return; // CLS-5
    if (!close.lastSequenceUnnamed && close.lastSequence !== session.lastAccepted) {
      this.stop(
        status.FAILED_PRECONDITION,
        `close: last_sequence is ${close.lastSequence} but the session's last accepted sequence is ${session.lastAccepted}; the session stays resumable`,
      );
      return;
    }
    this.closeRequested = true;
    const core = this.core;
    core.registry.remove(session); // CLS-6
    void core.components.close({
      drain: close.drainQueue,
      waitVisible: () => session.drained(),
      sendFinalIndexed: () => core.sendIndexed(session, true),
      sendClosed: () => this.writer.send(core.statusResponse(session, StreamState.CLOSED, 'session closed')),
      end: () => this.onCloseDone(),
    });
  }

  /**
   * CLS-8: only the client's half-close says that nothing more is on its way; ending the RPC
   * before it would drop, unanswered, what the client sent after close that is still in the
   * transport. So the RPC ends at the half-close, or after the linger for a client that never
   * half-closes.
   */
  private onCloseDone(): void {
    this.closeDone = true;
    if (this.halfClosed || !this.halfCloses) {
      this.writer.end();
      return;
    }
    this.linger = setTimeout(() => this.writer.end(), this.core.config.closeLingerMs);
    this.linger.unref();
  }

  /** SES-10: a half-close without close ends the RPC with OK; the session stays resumable. */
  onHalfClose(): void {
    this.halfClosed = true;
    if (this.closeRequested) {
      // A close still running ends the RPC when its steps are done; a finished one waited for this.
      if (this.closeDone) {
        clearTimeout(this.linger);
        this.writer.end();
      }
      return;
    }
    if (this.session) this.core.registry.detach(this.session, this);
    this.writer.end();
  }

  onGone(): void {
    if (this.gone) return;
    this.gone = true;
    clearTimeout(this.linger);
    this.core.openStreams.delete(this);
    if (this.session) this.core.registry.detach(this.session, this);
  }

  private stop(code: status, details: string): void {
    this.writer.fail(code, details);
  }

  fence(): void {
    this.fenced = true;
    this.stop(status.ABORTED, 'the session was resumed on another stream');
  }

  endForShutdown(): void {
    this.stop(status.UNAVAILABLE, SHUTTING_DOWN);
  }
}
