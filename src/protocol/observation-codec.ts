// Hand-written codec for ObserveStream's two messages: the hot path of server and
// generator. It reads packed embeddings straight into a Float32Array and lets a
// client write pre-encoded episodes (see encodeObservationFrame), which is several
// times faster than protobufjs' element-by-element repeated floats.
import type {
  Confidence,
  Episode,
  FlowControl,
  ObservationAck,
  ObservationRequest,
  ObservationResponse,
  Operation,
  StreamCapabilities,
  StreamClose,
  StreamInit,
  StreamInitAck,
  StreamStatus,
} from './messages.js';
import { emptyAck, emptyEpisode, emptyStatus, noCapabilities } from './messages.js';
import { WireError, WireReader } from './wire-reader.js';
import { WIRE_FIXED32, WIRE_LEN, WIRE_VARINT, WireWriter } from './wire-writer.js';

export { WireError };

// ---- Timestamp (google.protobuf.Timestamp) ----

function encodeTimestamp(ms: number): Uint8Array {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return new WireWriter(16).uint64(1, BigInt(seconds)).int32(2, Math.min(nanos, 999_999_999)).finish();
}

function decodeTimestamp(r: WireReader): number {
  let seconds = 0n;
  let nanos = 0;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_VARINT) seconds = BigInt.asIntN(64, r.varint64());
    else if (field === 2 && wire === WIRE_VARINT) nanos = r.int32();
    else r.skip(wire);
  }
  return Number(seconds) * 1000 + nanos / 1e6;
}

// ---- Episode ----

function encodeConfidence(c: Confidence): Uint8Array {
  return new WireWriter(32).float(1, c.value).uint32(2, c.category).string(3, c.reasoning).finish();
}

function decodeConfidence(r: WireReader): Confidence {
  const c: Confidence = { value: 0, category: 0, reasoning: '' };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_FIXED32) c.value = r.float();
    else if (field === 2 && wire === WIRE_VARINT) c.category = r.varint32();
    else if (field === 3 && wire === WIRE_LEN) c.reasoning = r.string();
    else r.skip(wire);
  }
  return c;
}

export function encodeEpisode(e: Episode): Buffer {
  const w = new WireWriter(64 + e.embedding.length * 4).string(1, e.id);
  if (e.whenMs !== undefined) w.bytes(2, encodeTimestamp(e.whenMs));
  w.string(3, e.what).packedFloats(4, e.embedding);
  if (e.encodingConfidence) w.bytes(5, encodeConfidence(e.encodingConfidence));
  w.string(10, e.whereLocation);
  for (const who of e.who) w.bytes(11, new TextEncoder().encode(who));
  return w
    .string(12, e.why)
    .string(13, e.how)
    .float(20, e.decayRate)
    .float(21, e.emotionalValence)
    .float(22, e.importance)
    .finish();
}

function decodeEpisode(r: WireReader): Episode {
  const e = emptyEpisode();
  let unpacked: number[] | undefined;
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        r.expect(wire, WIRE_LEN, 'Episode.id');
        e.id = r.string();
        break;
      case 2:
        r.expect(wire, WIRE_LEN, 'Episode.when');
        e.whenMs = decodeTimestamp(r.sub());
        break;
      case 3:
        r.expect(wire, WIRE_LEN, 'Episode.what');
        e.what = r.string();
        break;
      case 4:
        // One packed run is the norm; anything else (unpacked, or split runs) is merged.
        if (wire === WIRE_LEN && unpacked === undefined && e.embedding.length === 0) {
          e.embedding = r.packedFloatArray();
        } else {
          unpacked ??= Array.from(e.embedding);
          r.floats(wire, unpacked);
        }
        break;
      case 5:
        r.expect(wire, WIRE_LEN, 'Episode.encoding_confidence');
        e.encodingConfidence = decodeConfidence(r.sub());
        break;
      case 10:
        r.expect(wire, WIRE_LEN, 'Episode.where_location');
        e.whereLocation = r.string();
        break;
      case 11:
        r.expect(wire, WIRE_LEN, 'Episode.who');
        e.who.push(r.string());
        break;
      case 12:
        r.expect(wire, WIRE_LEN, 'Episode.why');
        e.why = r.string();
        break;
      case 13:
        r.expect(wire, WIRE_LEN, 'Episode.how');
        e.how = r.string();
        break;
      case 20:
        r.expect(wire, WIRE_FIXED32, 'Episode.decay_rate');
        e.decayRate = r.float();
        break;
      case 21:
        r.expect(wire, WIRE_FIXED32, 'Episode.emotional_valence');
        e.emotionalValence = r.float();
        break;
      case 22:
        r.expect(wire, WIRE_FIXED32, 'Episode.importance');
        e.importance = r.float();
        break;
      default:
        r.skip(wire);
    }
  }
  if (unpacked) e.embedding = Float32Array.from(unpacked);
  return e;
}

// ---- ObservationRequest ----

function encodeInit(i: StreamInit): Uint8Array {
  return new WireWriter(16)
    .uint32(1, i.clientBufferSize)
    .bool(2, i.enableBackpressure)
    .uint32(3, i.maxBatchSize)
    .bool(20, i.resume)
    .bool(21, i.indexAcks)
    .finish();
}

function decodeInit(r: WireReader): StreamInit {
  const i: StreamInit = {
    clientBufferSize: 0,
    enableBackpressure: false,
    maxBatchSize: 0,
    resume: false,
    indexAcks: false,
  };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (wire !== WIRE_VARINT) {
      r.skip(wire);
      continue;
    }
    if (field === 1) i.clientBufferSize = r.varint32();
    else if (field === 2) i.enableBackpressure = r.varint64() !== 0n;
    else if (field === 3) i.maxBatchSize = r.varint32();
    else if (field === 20) i.resume = r.varint64() !== 0n;
    else if (field === 21) i.indexAcks = r.varint64() !== 0n;
    else r.skip(wire);
  }
  return i;
}

function encodeFlow(f: FlowControl): Uint8Array {
  return new WireWriter(32)
    .uint32(1, f.action)
    .int32(2, f.bufferRemaining)
    .float(3, f.preferredRate)
    .string(4, f.reason)
    .finish();
}

function decodeFlow(r: WireReader): FlowControl {
  const f: FlowControl = { action: 0, bufferRemaining: 0, preferredRate: 0, reason: '' };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_VARINT) f.action = r.varint32();
    else if (field === 2 && wire === WIRE_VARINT) f.bufferRemaining = r.int32();
    else if (field === 3 && wire === WIRE_FIXED32) f.preferredRate = r.float();
    else if (field === 4 && wire === WIRE_LEN) f.reason = r.string();
    else r.skip(wire);
  }
  return f;
}

function encodeClose(c: StreamClose): Uint8Array {
  return new WireWriter(16).bool(1, c.drainQueue).uint64(2, c.lastSequence).finish();
}

function decodeClose(r: WireReader): StreamClose {
  const c: StreamClose = { drainQueue: false, lastSequence: 0n };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_VARINT) c.drainQueue = r.varint64() !== 0n;
    else if (field === 2 && wire === WIRE_VARINT) c.lastSequence = r.varint64();
    else r.skip(wire);
  }
  return c;
}

export function encodeObservationRequest(m: ObservationRequest): Buffer {
  const w = new WireWriter(64).string(1, m.memorySpaceId);
  const op = m.operation;
  if (op) {
    switch (op.case) {
      case 'init':
        w.bytes(2, encodeInit(op.init));
        break;
      case 'observation':
        w.bytes(3, encodeEpisode(op.observation));
        break;
      case 'flow':
        w.bytes(4, encodeFlow(op.flow));
        break;
      case 'close':
        w.bytes(5, encodeClose(op.close));
        break;
    }
  }
  return w.string(10, m.sessionId).uint64(11, m.sequenceNumber).finish();
}

/**
 * An observation request from parts encoded once: the memory space, session id
 * and the episode bytes (encodeEpisode) are reused, only the sequence changes.
 */
export function encodeObservationFrame(
  memorySpaceId: string,
  sessionId: string,
  sequence: bigint,
  episodeBytes: Uint8Array,
): Buffer {
  return new WireWriter(episodeBytes.length + memorySpaceId.length + sessionId.length + 32)
    .string(1, memorySpaceId)
    .bytes(3, episodeBytes)
    .string(10, sessionId)
    .uint64(11, sequence)
    .finish();
}

/** An episode from its own bytes (encodeEpisode), for a transport that re-encodes it. */
export function decodeEpisodeBytes(buf: Uint8Array): Episode {
  return decodeEpisode(new WireReader(buf));
}

export function decodeObservationRequest(buf: Uint8Array): ObservationRequest {
  const r = new WireReader(buf);
  const m: ObservationRequest = { memorySpaceId: '', sessionId: '', sequenceNumber: 0n };
  let op: Operation | undefined;
  while (!r.done()) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        r.expect(wire, WIRE_LEN, 'memory_space_id');
        m.memorySpaceId = r.string();
        break;
      case 2:
        r.expect(wire, WIRE_LEN, 'init');
        op = { case: 'init', init: decodeInit(r.sub()) };
        break;
      case 3:
        r.expect(wire, WIRE_LEN, 'observation');
        op = { case: 'observation', observation: decodeEpisode(r.sub()) };
        break;
      case 4:
        r.expect(wire, WIRE_LEN, 'flow');
        op = { case: 'flow', flow: decodeFlow(r.sub()) };
        break;
      case 5:
        r.expect(wire, WIRE_LEN, 'close');
        op = { case: 'close', close: decodeClose(r.sub()) };
        break;
      case 10:
        r.expect(wire, WIRE_LEN, 'session_id');
        m.sessionId = r.string();
        break;
      case 11:
        r.expect(wire, WIRE_VARINT, 'sequence_number');
        m.sequenceNumber = r.varint64();
        break;
      default:
        r.skip(wire);
    }
  }
  if (op) m.operation = op;
  return m;
}

// ---- ObservationResponse ----

function encodeCapabilities(c: StreamCapabilities): Uint8Array {
  return new WireWriter(32)
    .uint32(1, c.maxObservationsPerSecond)
    .uint32(2, c.queueCapacity)
    .bool(3, c.supportsBackpressure)
    .bool(4, c.supportsSnapshotIsolation)
    .uint32(20, c.embeddingDim)
    .bool(21, c.supportsResume)
    .bool(22, c.supportsIndexAcks)
    .uint32(23, c.sessionIdleTimeoutMs)
    .uint32(24, c.maxTextBytes)
    .finish();
}

function decodeCapabilities(r: WireReader): StreamCapabilities {
  const c = noCapabilities();
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (wire !== WIRE_VARINT) {
      r.skip(wire);
      continue;
    }
    const v = r.varint32();
    if (field === 1) c.maxObservationsPerSecond = v;
    else if (field === 2) c.queueCapacity = v;
    else if (field === 3) c.supportsBackpressure = v !== 0;
    else if (field === 4) c.supportsSnapshotIsolation = v !== 0;
    else if (field === 20) c.embeddingDim = v;
    else if (field === 21) c.supportsResume = v !== 0;
    else if (field === 22) c.supportsIndexAcks = v !== 0;
    else if (field === 23) c.sessionIdleTimeoutMs = v;
    else if (field === 24) c.maxTextBytes = v;
  }
  return c;
}

function encodeInitAck(a: StreamInitAck): Uint8Array {
  const w = new WireWriter(64).string(1, a.sessionId).uint64(2, a.initialSequence);
  if (a.capabilities) w.bytes(3, encodeCapabilities(a.capabilities));
  return w.finish();
}

function decodeInitAck(r: WireReader): StreamInitAck {
  const a: StreamInitAck = { sessionId: '', initialSequence: 0n };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) a.sessionId = r.string();
    else if (field === 2 && wire === WIRE_VARINT) a.initialSequence = r.varint64();
    else if (field === 3 && wire === WIRE_LEN) a.capabilities = decodeCapabilities(r.sub());
    else r.skip(wire);
  }
  return a;
}

function encodeAck(a: ObservationAck): Uint8Array {
  const w = new WireWriter(32).uint32(1, a.status).string(2, a.memoryId);
  if (a.committedAtMs !== undefined) w.bytes(3, encodeTimestamp(a.committedAtMs));
  return w
    .uint32(20, a.reason)
    .uint64(21, a.expectedSequence)
    .uint32(22, a.retryAfterMs)
    .string(23, a.detail)
    .finish();
}

function decodeAck(r: WireReader): ObservationAck {
  const a = emptyAck();
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_VARINT) a.status = r.varint32();
    else if (field === 2 && wire === WIRE_LEN) a.memoryId = r.string();
    else if (field === 3 && wire === WIRE_LEN) a.committedAtMs = decodeTimestamp(r.sub());
    else if (field === 20 && wire === WIRE_VARINT) a.reason = r.varint32();
    else if (field === 21 && wire === WIRE_VARINT) a.expectedSequence = r.varint64();
    else if (field === 22 && wire === WIRE_VARINT) a.retryAfterMs = r.varint32();
    else if (field === 23 && wire === WIRE_LEN) a.detail = r.string();
    else r.skip(wire);
  }
  return a;
}

function encodeStatus(s: StreamStatus): Uint8Array {
  return new WireWriter(48)
    .uint32(1, s.state)
    .string(2, s.message)
    .uint32(3, s.queueDepth)
    .uint32(4, s.queueCapacity)
    .float(5, s.pressure)
    .uint32(20, s.retryAfterMs)
    .uint64(21, s.lastAcceptedSequence)
    .uint64(22, s.indexedThroughSequence)
    .finish();
}

function decodeStatus(r: WireReader): StreamStatus {
  const s = emptyStatus();
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_VARINT) s.state = r.varint32();
    else if (field === 2 && wire === WIRE_LEN) s.message = r.string();
    else if (field === 3 && wire === WIRE_VARINT) s.queueDepth = r.varint32();
    else if (field === 4 && wire === WIRE_VARINT) s.queueCapacity = r.varint32();
    else if (field === 5 && wire === WIRE_FIXED32) s.pressure = r.float();
    else if (field === 20 && wire === WIRE_VARINT) s.retryAfterMs = r.varint32();
    else if (field === 21 && wire === WIRE_VARINT) s.lastAcceptedSequence = r.varint64();
    else if (field === 22 && wire === WIRE_VARINT) s.indexedThroughSequence = r.varint64();
    else r.skip(wire);
  }
  return s;
}

export function encodeObservationResponse(m: ObservationResponse): Buffer {
  const w = new WireWriter(64);
  const res = m.result;
  if (res) {
    if (res.case === 'initAck') w.bytes(1, encodeInitAck(res.initAck));
    else if (res.case === 'ack') w.bytes(2, encodeAck(res.ack));
    else w.bytes(3, encodeStatus(res.status));
  }
  w.string(10, m.sessionId).uint64(11, m.sequenceNumber);
  if (m.serverTimestampMs !== undefined) w.bytes(12, encodeTimestamp(m.serverTimestampMs));
  return w.finish();
}

export function decodeObservationResponse(buf: Uint8Array): ObservationResponse {
  const r = new WireReader(buf);
  const m: ObservationResponse = { sessionId: '', sequenceNumber: 0n };
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LEN) m.result = { case: 'initAck', initAck: decodeInitAck(r.sub()) };
    else if (field === 2 && wire === WIRE_LEN) m.result = { case: 'ack', ack: decodeAck(r.sub()) };
    else if (field === 3 && wire === WIRE_LEN) m.result = { case: 'status', status: decodeStatus(r.sub()) };
    else if (field === 10 && wire === WIRE_LEN) m.sessionId = r.string();
    else if (field === 11 && wire === WIRE_VARINT) m.sequenceNumber = r.varint64();
    else if (field === 12 && wire === WIRE_LEN) m.serverTimestampMs = decodeTimestamp(r.sub());
    else r.skip(wire);
  }
  return m;
}
