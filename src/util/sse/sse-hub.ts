// Server-Sent Events to any number of viewers on plain node:http: numbered events, a
// reconnection delay, replay after Last-Event-ID, and a bound on what a viewer that does
// not read may hold: past it the viewer is disconnected (and counted), so a stalled
// browser can never grow the sender's memory. EventSource then reconnects by itself.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SseEvent {
  id: number;
  event: string;
  data: string;
}

export interface SseHubOptions {
  /** Sent as `retry:`: how long a disconnected EventSource waits before reconnecting. */
  retryMs: number;
  /** Unsent bytes a viewer may hold before it is disconnected. */
  maxBufferedBytes: number;
  /** The events a viewer that last saw `lastId` (undefined: a new viewer) must get first. */
  replay: (lastId: number | undefined) => SseEvent[];
}

export function frame(e: SseEvent): string {
  const data = e.data
    .split('\n')
    .map((line) => `data: ${line}\n`)
    .join('');
  return `id: ${e.id}\nevent: ${e.event}\n${data}\n`;
}

function lastEventId(req: IncomingMessage): number | undefined {
  const header = req.headers['last-event-id'];
  const text = Array.isArray(header) ? header[0] : header;
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text);
}

export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private nextId = 1;
  /** Viewers disconnected because they held more than maxBufferedBytes unsent. */
  droppedSlow = 0;

  constructor(private readonly options: SseHubOptions) {}

  get viewers(): number {
    return this.clients.size;
  }

  /** The id the next event will get. */
  get lastId(): number {
    return this.nextId - 1;
  }

  attach(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: ${this.options.retryMs}\n\n`);
    for (const e of this.options.replay(lastEventId(req))) res.write(frame(e));
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  /** Numbers the event and writes it to every viewer; returns it for replay bookkeeping. */
  send(event: string, data: string): SseEvent {
    const e = { id: this.nextId++, event, data };
    const text = frame(e);
    for (const res of this.clients) {
      if (res.writableLength + text.length > this.options.maxBufferedBytes) {
        this.droppedSlow++;
        this.clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
    return e;
  }

  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}
