// An ObserveStream over a WebSocket (GET /v1/stream), as an ObserveDuplex: frames in
// the chosen dialect, the socket's close as the stream's end in gRPC status terms
// (close-codes.ts), a refused upgrade as the status its HTTP code stands for.
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { status } from '@grpc/grpc-js';
import WebSocket from 'ws';
import { type Episode, type ObservationRequest, type ObservationResponse, StreamState } from '../messages.js';
import {
  decodeEpisodeBytes,
  decodeObservationResponse,
  encodeObservationFrame,
  encodeObservationRequest,
} from '../observation-codec.js';
import {
  type DuplexEnd,
  episodeBytes,
  type ObserveDuplex,
  type PreEncodedEpisode,
} from '../observe-duplex.js';
import { statusOfClose } from './close-codes.js';
import { encodeJsonEpisode, encodeJsonObservationFrame, encodeJsonRequest } from './json-requests.js';
import { decodeJsonServerMessage } from './json-responses.js';
import { dialectOfSubprotocol, offeredSubprotocols, type WsDialect } from './subprotocols.js';

export interface WsConnectOptions {
  /** ws:// or wss:// URL of the endpoint. */
  url: string;
  /** In order of preference; the server picks the first it serves. */
  dialects: readonly WsDialect[];
  /** Upgrade headers (authorization, --header). */
  headers?: Record<string, string>;
  /** PEM CA to trust for wss://. */
  ca?: Buffer;
  maxPayload?: number;
}

/** Above this many bytes waiting to be written, write() says wait for 'drain'. */
const HIGH_WATER_BYTES = 1024 * 1024;

const HTTP_STATUS: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.UNIMPLEMENTED,
  426: status.UNIMPLEMENTED,
  503: status.UNAVAILABLE,
};

/** JSON text of each episode, made once per episode object (pooled episodes are sent many times). */
const jsonEpisodes = new WeakMap<object, string>();

function jsonEpisode(episode: Episode | PreEncodedEpisode): string {
  let text = jsonEpisodes.get(episode);
  if (text === undefined) {
    text = encodeJsonEpisode('bytes' in episode ? decodeEpisodeBytes(episode.bytes) : episode);
    jsonEpisodes.set(episode, text);
  }
  return text;
}

export class WsDuplex implements ObserveDuplex {
  /** The dialect the server chose; known once the socket is open. */
  dialect: WsDialect | undefined;
  readonly transport: string;
  private readonly ws: WebSocket;
  private readonly events = new EventEmitter();
  private readonly pending: Array<string | Buffer> = [];
  private ended: DuplexEnd | undefined;
  private cancelled = false;
  /** A close request went out: the server ends the socket once it has drained. */
  private closeSent = false;
  /** The last error message the server sent (JSON `error`, proto ERROR status): the end's details. */
  private lastError: string | undefined;

  constructor(private readonly o: WsConnectOptions) {
    this.transport = `ws:${o.dialects.join(',')}`;
    this.ws = new WebSocket(o.url, offeredSubprotocols(o.dialects), {
      headers: o.headers ?? {},
      perMessageDeflate: false,
      ...(o.ca ? { ca: o.ca } : {}),
      ...(o.maxPayload ? { maxPayload: o.maxPayload } : {}),
    });
    this.ws.on('open', () => {
      this.dialect = dialectOfSubprotocol(this.ws.protocol) ?? 'json';
      for (const frame of this.pending.splice(0)) this.ws.send(frame);
    });
    this.ws.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    this.ws.on('unexpected-response', (req, res: IncomingMessage) => this.onRefused(req, res));
    this.ws.on('error', (err) => this.finish({ code: status.UNAVAILABLE, details: err.message }));
    this.ws.on('close', (code: number, reason: Buffer) => {
      if (this.cancelled) return this.finish({ code: status.CANCELLED, details: 'Cancelled on client' });
      const details = this.lastError ?? reason.toString('utf8');
      this.finish({ code: statusOfClose(code), details });
    });
  }

  private get chosen(): WsDialect {
    return this.dialect ?? (this.o.dialects[0] as WsDialect);
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    try {
      if (isBinary) {
        const r = decodeObservationResponse(data);
        if (r.result?.case === 'status' && r.result.status.state === StreamState.ERROR)
          this.lastError = r.result.status.message;
        this.events.emit('data', r);
        return;
      }
      const m = decodeJsonServerMessage(data.toString('utf8'));
      if (m.kind === 'response') this.events.emit('data', m.response);
      else if (m.kind === 'error') this.lastError = m.error.message;
    } catch (err) {
      this.lastError = `undecodable frame from the server: ${(err as Error).message}`;
      this.ws.close(1007);
    }
  }

  private onRefused(req: { destroy(): void }, res: IncomingMessage): void {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8').trim();
      const code = HTTP_STATUS[res.statusCode ?? 0] ?? status.UNKNOWN;
      this.finish({ code, details: `HTTP ${res.statusCode}: ${body}` });
      req.destroy();
    });
    res.on('error', () => {});
  }

  private finish(end: DuplexEnd): void {
    if (this.ended) return;
    this.ended = end;
    this.events.emit('end', end);
    this.events.emit('drain');
  }

  private sendFrame(frame: string | Buffer): boolean {
    if (this.ended) return true;
    if (this.ws.readyState === WebSocket.CONNECTING) {
      this.pending.push(frame);
      return this.pending.length < 1024;
    }
    if (this.ws.readyState !== WebSocket.OPEN) return true;
    const full = this.ws.bufferedAmount > HIGH_WATER_BYTES;
    this.ws.send(frame, full ? () => this.onWritten() : undefined);
    return !full;
  }

  private onWritten(): void {
    if (this.ws.bufferedAmount < HIGH_WATER_BYTES / 2) this.events.emit('drain');
  }

  write(message: ObservationRequest | Buffer): boolean {
    if (Buffer.isBuffer(message)) return this.sendFrame(message);
    if (message.operation?.case === 'close') this.closeSent = true;
    return this.sendFrame(
      this.chosen === 'proto' ? encodeObservationRequest(message) : encodeJsonRequest(message),
    );
  }

  writeObservation(
    space: string,
    session: string,
    seq: bigint,
    episode: Episode | PreEncodedEpisode,
  ): boolean {
    if (this.chosen === 'proto')
      return this.sendFrame(encodeObservationFrame(space, session, seq, episodeBytes(episode)));
    return this.sendFrame(encodeJsonObservationFrame(space, session, seq, jsonEpisode(episode)));
  }

  /**
   * WebSocket has no half-close. After a close request the server ends the socket itself
   * once its final answers are out (closing from here would cut them off); without one,
   * the client's close handshake stands for the half-close (the session detaches).
   */
  end(): void {
    if (this.closeSent) return;
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.once('open', () => this.ws.close(1000));
    else this.ws.close(1000);
  }

  cancel(): void {
    if (this.ended) return;
    this.cancelled = true;
    this.ws.terminate();
  }

  onResponse(listener: (r: ObservationResponse) => void): void {
    this.events.on('data', listener);
  }

  onEnd(listener: (end: DuplexEnd) => void): void {
    this.events.once('end', listener);
  }

  once(event: 'drain', listener: () => void): void {
    this.events.once(event, listener);
  }

  off(event: 'drain', listener: () => void): void {
    this.events.off(event, listener);
  }
}
