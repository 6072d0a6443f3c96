// The WebSocket writer over a real socket whose peer stops reading: the server stops
// reading that socket once its backlog passes the high-water mark, keeps every
// response, and reads again once the peer has caught up.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { emptyStatus, type ObservationResponse, StreamState } from '../../src/protocol/messages.js';
import { serverDialect } from '../../src/server/ws/server-dialects.js';
import { createWsResponseWriter } from '../../src/server/ws/ws-response-writer.js';

function bigStatus(i: number): ObservationResponse {
  return {
    result: {
      case: 'status',
      status: { ...emptyStatus(), state: StreamState.ACTIVE, message: `${i} ${'m'.repeat(60_000)}` },
    },
    sessionId: 's',
    sequenceNumber: 0n,
    serverTimestampMs: Date.now(),
  };
}

async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('WebSocket response writer', () => {
  let wss: WebSocketServer | undefined;
  afterEach(() => wss?.close());

  it('pauses reading a peer that does not read, loses no response, and reads again', async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss?.once('listening', r));
    const accepted = new Promise<WebSocket>((resolve) => wss?.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const server = await accepted;
    await new Promise((r) => client.once('open', r));
    let received = 0;
    client.on('message', () => received++);
    const socket = (client as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const writer = createWsResponseWriter(server, serverDialect('proto'), () => 's');
    let sent = 0;
    // Far more than socket buffers hold: the writer must pause the server's reading on the way.
    while (!server.isPaused && sent < 2000) writer.send(bigStatus(sent++));
    expect(server.isPaused).toBe(true);
    // What was sent is kept (never dropped) while the peer does not read.
    for (let i = 0; i < 5; i++) writer.send(bigStatus(sent++));
    socket.resume();
    await until(() => received === sent, `${sent} responses`);
    await until(() => !server.isPaused, 'reading again');
    client.close();
  });
});
