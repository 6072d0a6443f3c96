// The JSON dialect's server messages (init_ack, ack, status, heartbeat, error) to and
// from ObservationResponse. init_ack, ack, heartbeat and error carry the public Engram
// server's fields; the rest are added fields and the added `status` type.
import {
  AckStatus,
  emptyAck,
  emptyStatus,
  noCapabilities,
  type ObservationResponse,
  RejectReason,
  rejectReasonName,
  type StreamCapabilities,
  StreamState,
  streamStateName,
} from '../messages.js';
import {
  JsonMessageError,
  type JsonObject,
  optionalBool,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalTime,
  optionalUint32,
  optionalUint64,
  parseJsonObject,
  stringifyExact,
} from './json-fields.js';

const ACK_STATUS: Record<number, string> = {
  [AckStatus.ACCEPTED]: 'accepted',
  [AckStatus.INDEXED]: 'indexed',
  [AckStatus.REJECTED]: 'rejected',
};

function time(ms: number | undefined): string {
  return new Date(ms ?? Date.now()).toISOString();
}

function capabilitiesJson(c: StreamCapabilities): JsonObject {
  return {
    max_observations_per_second: c.maxObservationsPerSecond,
    queue_capacity: c.queueCapacity,
    supports_backpressure: c.supportsBackpressure,
    supports_snapshot_isolation: c.supportsSnapshotIsolation,
    embedding_dim: c.embeddingDim,
    supports_resume: c.supportsResume,
    supports_index_acks: c.supportsIndexAcks,
    session_idle_timeout_ms: c.sessionIdleTimeoutMs,
    max_text_bytes: c.maxTextBytes,
  };
}

export function encodeJsonResponse(r: ObservationResponse): string {
  const res = r.result;
  const base = { session_id: r.sessionId };
  if (!res)
    return stringifyExact({
      type: 'status',
      ...base,
      state: 'unspecified',
      timestamp: time(r.serverTimestampMs),
    });
  switch (res.case) {
    case 'initAck':
      return stringifyExact({
        type: 'init_ack',
        session_id: res.initAck.sessionId,
        initial_sequence: res.initAck.initialSequence,
        capabilities: capabilitiesJson(res.initAck.capabilities ?? noCapabilities()),
      });
    case 'ack': {
      const a = res.ack;
      const o: JsonObject = {
        type: 'ack',
        ...base,
        sequence_number: r.sequenceNumber,
        status: ACK_STATUS[a.status] ?? 'unspecified',
        memory_id: a.memoryId,
        committed_at: time(a.committedAtMs ?? r.serverTimestampMs),
      };
      if (a.status === AckStatus.REJECTED) {
        o.reason = (rejectReasonName[a.reason] ?? 'UNSPECIFIED').toLowerCase();
        o.expected_sequence = a.expectedSequence;
        o.retry_after_ms = a.retryAfterMs;
        o.detail = a.detail;
      }
      return stringifyExact(o);
    }
    case 'status': {
      const s = res.status;
      return stringifyExact({
        type: 'status',
        ...base,
        state: (streamStateName[s.state] ?? 'UNSPECIFIED').toLowerCase(),
        message: s.message,
        queue_depth: s.queueDepth,
        queue_capacity: s.queueCapacity,
        pressure: s.pressure,
        retry_after_ms: s.retryAfterMs,
        last_accepted_sequence: s.lastAcceptedSequence,
        indexed_through_sequence: s.indexedThroughSequence,
        timestamp: time(r.serverTimestampMs),
      });
    }
  }
}

export function encodeJsonHeartbeat(sessionId: string): string {
  return JSON.stringify({ type: 'heartbeat', session_id: sessionId, timestamp: time(undefined) });
}

/** The error message; `code` is the gRPC status name the stream ends with. */
export function encodeJsonError(e: JsonError): string {
  const o: JsonObject = { type: 'error', message: e.message, session_id: e.sessionId, code: e.code };
  if (e.sequence !== undefined) o.sequence_number = e.sequence;
  return stringifyExact(o);
}

export interface JsonError {
  message: string;
  sessionId: string;
  code: string;
  sequence?: bigint;
}

/** What a client reads from one text frame. */
export type JsonServerMessage =
  | { kind: 'response'; response: ObservationResponse }
  | { kind: 'heartbeat'; sessionId: string }
  | { kind: 'error'; error: JsonError };

const REJECT_REASONS: Record<string, number> = Object.fromEntries(
  rejectReasonName.map((name, value) => [name.toLowerCase(), value]),
);
const STATES: Record<string, number> = Object.fromEntries(
  streamStateName.map((name, value) => [name.toLowerCase(), value]),
);
const ACK_STATUS_VALUE: Record<string, number> = Object.fromEntries(
  Object.entries(ACK_STATUS).map(([value, name]) => [name, Number(value)]),
);

export function decodeJsonServerMessage(text: string): JsonServerMessage {
  const m = parseJsonObject(text);
  const sessionId = optionalString(m, 'session_id');
  const timestamp = optionalTime(m, 'timestamp');
  const base = { sessionId, serverTimestampMs: timestamp ?? Date.now() };
  switch (m.type) {
    case 'init_ack': {
      const c = optionalObject(m, 'capabilities') ?? {};
      return {
        kind: 'response',
        response: {
          ...base,
          sequenceNumber: 0n,
          result: {
            case: 'initAck',
            initAck: {
              sessionId,
              initialSequence: optionalUint64(m, 'initial_sequence', text),
              capabilities: {
                maxObservationsPerSecond: optionalUint32(c, 'max_observations_per_second'),
                queueCapacity: optionalUint32(c, 'queue_capacity'),
                supportsBackpressure: optionalBool(c, 'supports_backpressure', false),
                supportsSnapshotIsolation: optionalBool(c, 'supports_snapshot_isolation', false),
                embeddingDim: optionalUint32(c, 'embedding_dim'),
                supportsResume: optionalBool(c, 'supports_resume', false),
                supportsIndexAcks: optionalBool(c, 'supports_index_acks', false),
                sessionIdleTimeoutMs: optionalUint32(c, 'session_idle_timeout_ms'),
                maxTextBytes: optionalUint32(c, 'max_text_bytes'),
              },
            },
          },
        },
      };
    }
    case 'ack': {
      const status = ACK_STATUS_VALUE[optionalString(m, 'status')] ?? AckStatus.UNSPECIFIED;
      const committed = optionalTime(m, 'committed_at');
      return {
        kind: 'response',
        response: {
          ...base,
          sequenceNumber: optionalUint64(m, 'sequence_number', text),
          result: {
            case: 'ack',
            ack: {
              ...emptyAck(),
              status,
              memoryId: optionalString(m, 'memory_id'),
              ...(committed !== undefined && status === AckStatus.INDEXED
                ? { committedAtMs: committed }
                : {}),
              reason: REJECT_REASONS[optionalString(m, 'reason')] ?? RejectReason.UNSPECIFIED,
              expectedSequence: optionalUint64(m, 'expected_sequence', text),
              retryAfterMs: optionalUint32(m, 'retry_after_ms'),
              detail: optionalString(m, 'detail'),
            },
          },
        },
      };
    }
    case 'status':
      return {
        kind: 'response',
        response: {
          ...base,
          sequenceNumber: 0n,
          result: {
            case: 'status',
            status: {
              ...emptyStatus(),
              state: STATES[optionalString(m, 'state')] ?? StreamState.UNSPECIFIED,
              message: optionalString(m, 'message'),
              queueDepth: optionalUint32(m, 'queue_depth'),
              queueCapacity: optionalUint32(m, 'queue_capacity'),
              pressure: optionalNumber(m, 'pressure'),
              retryAfterMs: optionalUint32(m, 'retry_after_ms'),
              lastAcceptedSequence: optionalUint64(m, 'last_accepted_sequence', text),
              indexedThroughSequence: optionalUint64(m, 'indexed_through_sequence', text),
            },
          },
        },
      };
    case 'heartbeat':
      return { kind: 'heartbeat', sessionId };
    case 'error': {
      const error: JsonError = {
        message: optionalString(m, 'message'),
        sessionId,
        code: optionalString(m, 'code'),
      };
      if (m.sequence_number !== undefined) error.sequence = optionalUint64(m, 'sequence_number', text);
      return { kind: 'error', error };
    }
    default:
      throw new JsonMessageError(`unknown server message type ${JSON.stringify(m.type)}`);
  }
}
