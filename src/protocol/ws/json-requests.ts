// The JSON dialect's client messages (init, observation, flow_control, close) to and
// from ObservationRequest. A superset of the public Engram server's messages: its
// fields mean the same here, and extensions are only added fields.
import {
  type Confidence,
  type Episode,
  emptyEpisode,
  FlowAction,
  type ObservationRequest,
  type Operation,
} from '../messages.js';
import {
  JsonMessageError,
  type JsonObject,
  numberArray,
  optionalBool,
  optionalNumber,
  optionalObject,
  optionalString,
  optionalTime,
  optionalUint32,
  optionalUint64,
  parseJsonObject,
  stringArray,
  stringifyExact,
} from './json-fields.js';

const FLOW_ACTIONS: Record<string, number> = {
  pause: FlowAction.PAUSE,
  resume: FlowAction.RESUME,
  slow_down: FlowAction.SLOW_DOWN,
  speed_up: FlowAction.SPEED_UP,
  buffer_status: FlowAction.BUFFER_STATUS,
};
const FLOW_ACTION_NAMES = Object.fromEntries(Object.entries(FLOW_ACTIONS).map(([k, v]) => [v, k]));

/**
 * Parses one text frame. Throws JsonMessageError saying what is wrong; `sequence` is
 * the frame's sequence number when it could be read, so an error can name it.
 */
export function decodeJsonRequest(text: string): ObservationRequest {
  const m = parseJsonObject(text);
  const type = m.type;
  if (typeof type !== 'string') {
    throw new JsonMessageError('a message without a "type"; send init, observation, flow_control or close');
  }
  const base = {
    memorySpaceId: optionalString(m, 'memory_space_id'),
    sessionId: optionalString(m, 'session_id'),
  };
  switch (type) {
    case 'init':
      return {
        ...base,
        sequenceNumber: optionalUint64(m, 'last_sequence', text),
        operation: {
          case: 'init',
          init: {
            clientBufferSize: optionalUint32(m, 'client_buffer_size'),
            enableBackpressure: optionalBool(m, 'enable_backpressure', false),
            maxBatchSize: optionalUint32(m, 'max_batch_size'),
            resume: optionalBool(m, 'resume', false),
            indexAcks: optionalBool(m, 'index_acks', false),
          },
        },
      };
    case 'observation': {
      const sequenceNumber = optionalUint64(m, 'sequence_number', text);
      const episode = optionalObject(m, 'episode');
      if (!episode)
        throw new SequencedJsonError('an observation without an "episode" object', sequenceNumber);
      return { ...base, sequenceNumber, operation: observation(episode, sequenceNumber) };
    }
    case 'flow_control': {
      const name = optionalString(m, 'action');
      const action = FLOW_ACTIONS[name];
      if (action === undefined) {
        throw new JsonMessageError(
          `flow_control action '${name}' is not one of ${Object.keys(FLOW_ACTIONS).join(', ')}`,
        );
      }
      return {
        ...base,
        sequenceNumber: 0n,
        operation: {
          case: 'flow',
          flow: {
            action,
            bufferRemaining: optionalNumber(m, 'buffer_remaining'),
            preferredRate: optionalNumber(m, 'preferred_rate'),
            reason: optionalString(m, 'reason'),
          },
        },
      };
    }
    case 'close': {
      // A client of the public server sends a bare close: it drains and takes what was accepted.
      const named = m.last_sequence !== undefined && m.last_sequence !== null;
      return {
        ...base,
        sequenceNumber: 0n,
        operation: {
          case: 'close',
          close: {
            drainQueue: optionalBool(m, 'drain_queue', true),
            lastSequence: optionalUint64(m, 'last_sequence', text),
            ...(named ? {} : { lastSequenceUnnamed: true }),
          },
        },
      };
    }
    default:
      throw new JsonMessageError(
        `unknown message type '${type}'; send init, observation, flow_control or close`,
      );
  }
}

/** A decoding problem of an observation whose sequence number was read. */
export class SequencedJsonError extends JsonMessageError {
  constructor(
    message: string,
    readonly sequence: bigint,
  ) {
    super(message);
  }
}

function observation(e: JsonObject, seq: bigint): Operation {
  try {
    const episode: Episode = {
      ...emptyEpisode(),
      id: optionalString(e, 'id', 'episode.'),
      what: optionalString(e, 'what', 'episode.'),
      embedding: numberArray(e, 'embedding', 'episode.'),
      whereLocation: optionalString(e, 'where_location', 'episode.'),
      who: stringArray(e, 'who', 'episode.'),
      why: optionalString(e, 'why', 'episode.'),
      how: optionalString(e, 'how', 'episode.'),
      decayRate: optionalNumber(e, 'decay_rate', 'episode.'),
      emotionalValence: optionalNumber(e, 'emotional_valence', 'episode.'),
      importance: optionalNumber(e, 'importance', 'episode.'),
    };
    const when = optionalTime(e, 'when', 'episode.');
    if (when !== undefined) episode.whenMs = when;
    const confidence = encodingConfidence(e);
    if (confidence) episode.encodingConfidence = confidence;
    return { case: 'observation', observation: episode };
  } catch (err) {
    if (err instanceof JsonMessageError) throw new SequencedJsonError(err.message, seq);
    throw err;
  }
}

/** The public server sends a bare number; the proto form is an object. */
function encodingConfidence(e: JsonObject): Confidence | undefined {
  const v = e.encoding_confidence;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return { value: v, category: 0, reasoning: '' };
  const o = optionalObject(e, 'encoding_confidence') as JsonObject;
  return {
    value: optionalNumber(o, 'value', 'episode.encoding_confidence.'),
    category: optionalUint32(o, 'category', 'episode.encoding_confidence.'),
    reasoning: optionalString(o, 'reasoning', 'episode.encoding_confidence.'),
  };
}

/** The episode part of an observation frame, encoded once and reused under new sequences. */
export function encodeJsonEpisode(e: Episode): string {
  const o: JsonObject = { id: e.id, what: e.what, embedding: Array.from(e.embedding) };
  if (e.whenMs !== undefined) o.when = new Date(e.whenMs).toISOString();
  if (e.encodingConfidence) o.encoding_confidence = e.encodingConfidence.value;
  if (e.whereLocation) o.where_location = e.whereLocation;
  if (e.who.length > 0) o.who = e.who;
  if (e.why) o.why = e.why;
  if (e.how) o.how = e.how;
  if (e.decayRate) o.decay_rate = e.decayRate;
  if (e.emotionalValence) o.emotional_valence = e.emotionalValence;
  if (e.importance) o.importance = e.importance;
  return JSON.stringify(o);
}

/** An observation frame from a pre-encoded episode (encodeJsonEpisode). */
export function encodeJsonObservationFrame(
  memorySpaceId: string,
  sessionId: string,
  sequence: bigint,
  episodeJson: string,
): string {
  return `{"type":"observation","memory_space_id":${JSON.stringify(memorySpaceId)},"session_id":${JSON.stringify(sessionId)},"sequence_number":${sequence},"episode":${episodeJson}}`;
}

export function encodeJsonRequest(r: ObservationRequest): string {
  const op = r.operation;
  const base: JsonObject = { memory_space_id: r.memorySpaceId, session_id: r.sessionId };
  // A request without an operation is a message without a type: the server says so.
  if (!op) return stringifyExact(base);
  switch (op.case) {
    case 'init': {
      const o: JsonObject = {
        type: 'init',
        ...base,
        client_buffer_size: op.init.clientBufferSize,
        enable_backpressure: op.init.enableBackpressure,
      };
      if (op.init.maxBatchSize) o.max_batch_size = op.init.maxBatchSize;
      if (op.init.resume) o.resume = true;
      if (op.init.indexAcks) o.index_acks = true;
      if (r.sequenceNumber !== 0n) o.last_sequence = r.sequenceNumber;
      return stringifyExact(o);
    }
    case 'observation':
      return encodeJsonObservationFrame(
        r.memorySpaceId,
        r.sessionId,
        r.sequenceNumber,
        encodeJsonEpisode(op.observation),
      );
    case 'flow':
      return stringifyExact({
        type: 'flow_control',
        ...base,
        action: FLOW_ACTION_NAMES[op.flow.action] ?? 'pause',
        ...(op.flow.reason ? { reason: op.flow.reason } : {}),
      });
    case 'close':
      return stringifyExact({
        type: 'close',
        ...base,
        drain_queue: op.close.drainQueue,
        last_sequence: op.close.lastSequence,
      });
  }
}
