// Many WebSockets on GET /v1/stream (proto dialect), each with its session init'ed:
// idle ones, and slow readers that stop reading their socket and then push observations
// until the server stops reading theirs (their own sends stop going out).
import WebSocket from 'ws';
import { initRequest } from '../../src/protocol/init-request.js';
import { emptyEpisode } from '../../src/protocol/messages.js';
import {
  decodeObservationResponse,
  encodeEpisode,
  encodeObservationFrame,
  encodeObservationRequest,
} from '../../src/protocol/observation-codec.js';
import { PROTO_SUBPROTOCOL } from '../../src/protocol/ws/subprotocols.js';
import { episodeEmbedding } from './reliable-sender.js';

export interface FleetSocket {
  ws: WebSocket;
  sessionId: string;
  /** Responses read so far (the init ack and the first status included). */
  received: number;
}

/**
 * A session id of `bytes` characters. Every response carries its session id, so a long
 * one makes each ack about as large as the request it answers: a slow reader reaches the
 * server's per-socket bound after some hundreds of acks instead of tens of thousands.
 */
export function paddedSessionId(name: string, bytes: number): string {
  return `${name}-`.padEnd(bytes, 'x');
}

/** Opens a socket, inits `sessionId` and waits for the init ack. */
export async function openFleetSocket(url: string, space: string, sessionId: string): Promise<FleetSocket> {
  const ws = new WebSocket(url, [PROTO_SUBPROTOCOL], { perMessageDeflate: false });
  const s: FleetSocket = { ws, sessionId, received: 0 };
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`socket closed (${code}) before it opened`)));
  });
  const acked = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      s.received++;
      if (decodeObservationResponse(data).result?.case === 'initAck') resolve();
    });
    ws.once('close', (code, reason) =>
      reject(new Error(`socket closed (${code} ${reason}) before init_ack`)),
    );
  });
  ws.send(encodeObservationRequest(initRequest({ memorySpaceId: space, sessionId })));
  await acked;
  return s;
}

/** Opens `count` sockets, `parallel` opening at a time; `sessionId(i)` names each session. */
export async function openFleet(
  url: string,
  space: string,
  count: number,
  sessionId: (i: number) => string,
  parallel = 50,
): Promise<FleetSocket[]> {
  const sockets: FleetSocket[] = new Array(count);
  let next = 0;
  const opener = async () => {
    while (next < count) {
      const i = next++;
      sockets[i] = await openFleetSocket(url, space, sessionId(i));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, opener));
  return sockets;
}

export interface Push {
  /** Bytes handed to ws.send. */
  pushed: number;
  /** Observation frames handed to ws.send. */
  frames: number;
  /** The client's sends stopped going out (the server stopped reading) before `maxBytes`. */
  stalled: boolean;
}

export interface PushOptions {
  space: string;
  dim: number;
  /** Give up after this many bytes: a server that never stops reading takes them all. */
  maxBytes: number;
  /** Stalled: none of the client's bytes went out for this long. */
  stallMs: number;
}

/** The client keeps at most about this many bytes unsent, so its own memory stays small. */
const CLIENT_BUFFER_BYTES = 256 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops reading the socket (pauses the client's TCP socket, so responses pile up in the
 * kernel and then in the server), then sends observation 1 and resends it again and again:
 * each resend is answered with a DUPLICATE_SEQUENCE rejection, so the server answers every
 * frame without growing its index, which would blur its memory figures.
 */
export async function pushWhileNotReading(s: FleetSocket, o: PushOptions): Promise<Push> {
  socketOf(s.ws).pause();
  const frame = encodeObservationFrame(
    o.space,
    s.sessionId,
    1n,
    encodeEpisode({
      ...emptyEpisode(),
      id: `${s.sessionId}-1`,
      embedding: episodeEmbedding(s.sessionId, 1n, o.dim),
    }),
  );
  const push: Push = { pushed: 0, frames: 0, stalled: false };
  let out = 0;
  let progressAt = Date.now();
  while (push.pushed < o.maxBytes && s.ws.readyState === WebSocket.OPEN) {
    while (s.ws.bufferedAmount < CLIENT_BUFFER_BYTES && push.pushed < o.maxBytes) {
      s.ws.send(frame);
      push.pushed += frame.length;
      push.frames++;
    }
    await sleep(50);
    // Only the server reading lets the client's bytes go out.
    const nowOut = push.pushed - s.ws.bufferedAmount;
    if (nowOut > out) {
      out = nowOut;
      progressAt = Date.now();
    } else if (Date.now() - progressAt >= o.stallMs) {
      push.stalled = true;
      break;
    }
  }
  return push;
}

/** Reads the socket again. */
export function resumeReading(s: FleetSocket): void {
  socketOf(s.ws).resume();
}

function socketOf(ws: WebSocket): { pause(): void; resume(): void } {
  return (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
}

/** Closes every socket and waits for each close. */
export async function closeFleet(sockets: readonly FleetSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.ws.readyState === WebSocket.CLOSED) return resolve();
          s.ws.once('close', () => resolve());
          s.ws.terminate();
        }),
    ),
  );
}
