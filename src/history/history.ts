// The history model shared by bench and conform: what a client sent and what came
// back, on the client's one monotonic clock. The checker (check/checker.ts) is a
// pure fold over these events, so it can run live over millions of messages
// without keeping them, and over hand-made histories in tests.
//
// Times `t` are milliseconds (fractional) from the run's origin on the monotonic
// clock (performance.now() minus the origin). Sequence numbers are bigint.

/** A client-side name for a logical session, stable across its streams (resumes). */
export type SessionKey = string;
/** A client-side number for one ObserveStream call; unique within a history. */
export type StreamId = number;

/** What the target said about itself in its init acknowledgement. */
export interface StreamCapabilities {
  maxObservationsPerSecond: number;
  queueCapacity: number;
  supportsBackpressure: boolean;
  supportsSnapshotIsolation: boolean;
  embeddingDim: number;
  supportsResume: boolean;
  supportsIndexAcks: boolean;
  sessionIdleTimeoutMs: number;
  maxTextBytes: number;
}

export type AckStatusName = 'ACCEPTED' | 'REJECTED' | 'INDEXED' | 'UNSPECIFIED';
export type StateName =
  | 'UNSPECIFIED'
  | 'ACTIVE'
  | 'PAUSED'
  | 'BACKPRESSURE'
  | 'OVERLOADED'
  | 'ERROR'
  | 'CLOSED';

/** What the client meant by a send, so the checker knows the right outcome. */
export type SendIntent =
  | 'normal' // a valid observation at the expected sequence (or a retry of one)
  | 'gap' // deliberately ahead of the expected sequence
  | 'duplicate' // deliberately an already-accepted sequence
  | 'invalid'; // deliberately invalid payload (bad embedding, oversize text ...)

export type HistoryEvent =
  | {
      t: number;
      type: 'stream-open';
      stream: StreamId;
      session: SessionKey;
      /**
       * How the stream travels: 'grpc', or 'ws:' and the dialects offered in order of
       * preference ('ws:json', 'ws:proto,json'). Absent in histories recorded before WebSocket.
       */
      transport?: string;
    }
  | {
      t: number;
      type: 'init-sent';
      stream: StreamId;
      session: SessionKey;
      memorySpaceId: string;
      /** Empty for a new session that lets the server assign the id. */
      sessionId: string;
      resume: boolean;
      /** On resume: the client's last acknowledged sequence. */
      claimedSequence: bigint;
      indexAcks: boolean;
    }
  | {
      t: number;
      type: 'init-ack';
      stream: StreamId;
      session: SessionKey;
      sessionId: string;
      initialSequence: bigint;
      capabilities?: StreamCapabilities;
    }
  | {
      t: number;
      type: 'send';
      stream: StreamId;
      session: SessionKey;
      seq: bigint;
      intent: SendIntent;
      /** Scheduled send time (open model); equals t when not paced. */
      intendedT: number;
      /** Episode id, so probes and recall results can be matched to the send. */
      episodeId: string;
      /** Importance >= 0.8: the high-priority lane. */
      priority?: boolean;
    }
  | {
      t: number;
      type: 'ack';
      stream: StreamId;
      session: SessionKey;
      /** Response-level sequence_number: the echoed sequence, or the INDEXED mark. */
      seq: bigint;
      status: AckStatusName;
      /** RejectReason name without prefix, e.g. 'SEQUENCE_GAP'; '' when none. */
      reason: string;
      expectedSequence: bigint;
      retryAfterMs: number;
      /** The session id echoed by the server on this ack. */
      sessionId: string;
    }
  | {
      t: number;
      type: 'status';
      stream: StreamId;
      session: SessionKey;
      state: StateName;
      queueDepth: number;
      queueCapacity: number;
      pressure: number;
      retryAfterMs: number;
      lastAcceptedSequence: bigint;
      indexedThroughSequence: bigint;
      message: string;
    }
  | {
      /** Anything else the client wrote (flow control, a message without operation, raw bytes ...). */
      t: number;
      type: 'other-sent';
      stream: StreamId;
      session: SessionKey;
      what: string;
    }
  | {
      t: number;
      type: 'close-sent';
      stream: StreamId;
      session: SessionKey;
      drain: boolean;
      lastSequence: bigint;
    }
  | {
      t: number;
      type: 'stream-end';
      stream: StreamId;
      session: SessionKey;
      /** gRPC status code; 0 is OK. */
      code: number;
      details: string;
      /** True when the client itself cut the stream (fault injection, timeout). */
      byClient: boolean;
    }
  | {
      /** A recall probe: read your own write by its exact embedding. */
      t: number;
      type: 'probe';
      session: SessionKey;
      seq: bigint;
      episodeId: string;
      /** Whether the episode was among the results of any poll. */
      found: boolean;
      /** Time of the first poll whose answer contained it. */
      foundAt?: number;
      /** Number of recall polls made, and the interval between them (the resolution). */
      polls: number;
      pollIntervalMs: number;
      /** How many results carried this episode id (more than 1: visible twice). */
      occurrences: number;
    }
  | {
      /**
       * A fault on the network between this session and the target went on or off (bench's
       * fault proxy, on the same clock). A reset starts and ends at once.
       */
      t: number;
      type: 'net-fault';
      session: SessionKey;
      /** The fault's kind, e.g. 'blackhole'. */
      fault: string;
      /** Names the fault within the run (its index in the scenario). */
      id: number;
      phase: 'start' | 'end';
      /** Connections of the session it took hold of or reset when it started. */
      connections: number;
    }
  | {
      /** Closes the history: no more events will come. Outcomes still missing now are final. */
      t: number;
      type: 'end';
    };

export type HistoryEventType = HistoryEvent['type'];

/** Where a recording client puts its events: a checker fold, an array, a transcript ... */
export type HistorySink = (event: HistoryEvent) => void;
