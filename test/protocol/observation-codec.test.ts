import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { ObservationRequest, ObservationResponse } from '../../src/protocol/messages.js';
import { AckStatus, emptyEpisode, RejectReason } from '../../src/protocol/messages.js';
import {
  decodeObservationRequest,
  decodeObservationResponse,
  encodeEpisode,
  encodeObservationFrame,
  encodeObservationRequest,
  encodeObservationResponse,
  WireError,
} from '../../src/protocol/observation-codec.js';
import { PROTO_DIR, SERVICE_PROTO } from '../../src/protocol/service-definition.js';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => (target.startsWith('google/') ? target : `${PROTO_DIR}/${target}`);
root.loadSync(SERVICE_PROTO, { keepCase: false });
const RequestType = root.lookupType('engram.v1.ObservationRequest');
const ResponseType = root.lookupType('engram.v1.ObservationResponse');

describe('observation codec', () => {
  it('round-trips an observation with a sequence past 2^53 exactly', () => {
    const episode = { ...emptyEpisode(), id: 'e1', what: 'hello', importance: 0.5 };
    episode.embedding = Float32Array.from([0.25, -1.5, 3]);
    const seq = 2n ** 53n + 7n;
    const req: ObservationRequest = {
      memorySpaceId: 'space_1',
      sessionId: 's',
      sequenceNumber: seq,
      operation: { case: 'observation', observation: episode },
    };
    const back = decodeObservationRequest(encodeObservationRequest(req));
    expect(back.sequenceNumber).toBe(seq);
    expect(back.operation?.case).toBe('observation');
    if (back.operation?.case !== 'observation') return;
    expect(Array.from(back.operation.observation.embedding)).toEqual([0.25, -1.5, 3]);
    expect(back.operation.observation.importance).toBe(0.5);
  });

  it('pre-encoded frames equal the full encoding', () => {
    const episode = { ...emptyEpisode(), id: 'x' };
    episode.embedding = Float32Array.from([1, 2]);
    const full = encodeObservationRequest({
      memorySpaceId: 'abc',
      sessionId: 'sid',
      sequenceNumber: 300n,
      operation: { case: 'observation', observation: episode },
    });
    expect(encodeObservationFrame('abc', 'sid', 300n, encodeEpisode(episode))).toEqual(full);
  });

  it('is wire-compatible with protobufjs decoding of the .proto', () => {
    const episode = { ...emptyEpisode(), id: 'ep', who: ['a', 'b'] };
    episode.embedding = Float32Array.from([0.5, 0.75]);
    const bytes = encodeObservationRequest({
      memorySpaceId: 'abc',
      sessionId: 'sid',
      sequenceNumber: 18446744073709551615n,
      operation: { case: 'observation', observation: episode },
    });
    const obj = RequestType.toObject(RequestType.decode(bytes), { longs: String }) as Record<string, unknown>;
    expect(obj.sequenceNumber).toBe('18446744073709551615');
    expect((obj.observation as { embedding: number[] }).embedding).toEqual([0.5, 0.75]);
    expect((obj.observation as { who: string[] }).who).toEqual(['a', 'b']);
  });

  it('reads unpacked repeated floats written by other encoders', () => {
    // protobufjs writes proto3 repeated floats packed; force an unpacked run by hand.
    const bytes = RequestType.encode(
      RequestType.fromObject({ memorySpaceId: 'abc', observation: { id: 'q', embedding: [1, 2, 3] } }),
    ).finish();
    const back = decodeObservationRequest(bytes);
    expect(
      back.operation?.case === 'observation' && Array.from(back.operation.observation.embedding),
    ).toEqual([1, 2, 3]);
  });

  it('round-trips responses and protobufjs agrees', () => {
    const resp: ObservationResponse = {
      sessionId: 'sid',
      sequenceNumber: 5n,
      serverTimestampMs: 1_700_000_000_123.5,
      result: {
        case: 'ack',
        ack: {
          status: AckStatus.REJECTED,
          memoryId: '',
          reason: RejectReason.SEQUENCE_GAP,
          expectedSequence: 3n,
          retryAfterMs: 0,
          detail: 'gap',
        },
      },
    };
    const bytes = encodeObservationResponse(resp);
    const back = decodeObservationResponse(bytes);
    expect(back).toMatchObject({ sessionId: 'sid', sequenceNumber: 5n });
    expect(back.result?.case === 'ack' && back.result.ack.expectedSequence).toBe(3n);
    expect(back.serverTimestampMs).toBeCloseTo(1_700_000_000_123.5, 3);
    const obj = ResponseType.toObject(ResponseType.decode(bytes), { longs: String, enums: String }) as {
      ack: { status: string; reason: string; expectedSequence: string };
    };
    expect(obj.ack).toMatchObject({
      status: 'STATUS_REJECTED',
      reason: 'REJECT_REASON_SEQUENCE_GAP',
      expectedSequence: '3',
    });
  });

  it('rejects truncated and malformed input with a WireError', () => {
    const good = encodeObservationRequest({ memorySpaceId: 'abc', sessionId: 'x', sequenceNumber: 1n });
    expect(() => decodeObservationRequest(good.subarray(0, good.length - 1))).toThrow(WireError);
    expect(() => decodeObservationRequest(Uint8Array.from([0x0a, 0xff, 0x01]))).toThrow(WireError);
    expect(() => decodeObservationRequest(Uint8Array.from([0x5f]))).toThrow(WireError);
  });
});
