// The fault proxy keeps what it promises: bytes arrive unaltered and in order under every
// shaping fault, delays are never shorter than configured, a black hole or a stall holds
// bounded memory and closes nothing, a mid-frame reset leaves the peer a strict prefix,
// and the same seed gives the same decisions. Timing figures are measured by
// scripts/bench-netfault.ts, not here.
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultDecision } from '../../src/netfault/active-fault.js';
import { type FaultProxy, startFaultProxy } from '../../src/netfault/fault-proxy.js';
import { HIGH_WATER } from '../../src/netfault/link.js';
import { dial, sendRandom, startTarget, type Target, until } from '../support/tcp-peers.js';

let target: Target | undefined;
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await target?.close();
  proxy = undefined;
  target = undefined;
});

async function setUp(echo: boolean, onDecision?: (d: FaultDecision) => void, routes = 1) {
  target = await startTarget(echo);
  proxy = await startFaultProxy({ target: target.address, routes, ...(onDecision ? { onDecision } : {}) });
  return { target, proxy };
}

describe('fault proxy', () => {
  it('forwards bytes unaltered and in order under latency with jitter, a bandwidth cap and a slow close', async () => {
    const { proxy } = await setUp(true);
    proxy.start(
      { kind: 'latency', delayMs: 3, jitterMs: 3, distribution: 'pareto', direction: 'both' },
      { seed: 1 },
    );
    proxy.start({ kind: 'bandwidth', bytesPerSecond: 4_000_000, direction: 'down' }, { seed: 2 });
    proxy.start({ kind: 'slow-close', delayMs: 50 }, { seed: 3 });
    const client = await dial(proxy.address());
    const sent = await sendRandom(client.socket, 1_000_000, 7);
    await until(() => client.bytes() >= sent.length, 'the echo');
    expect(Buffer.concat(client.chunks).equals(sent)).toBe(true);
    client.socket.end();
    expect(await client.closed).toBeUndefined();
  });

  it('never releases bytes before their delay (one way, both directions)', async () => {
    const { proxy } = await setUp(true);
    proxy.start(
      { kind: 'latency', delayMs: 40, jitterMs: 0, distribution: 'uniform', direction: 'both' },
      { seed: 1 },
    );
    const client = await dial(proxy.address());
    for (let i = 0; i < 5; i++) {
      const before = performance.now();
      const have = client.bytes();
      client.socket.write(Buffer.from([i]));
      await until(() => client.bytes() > have, 'the echo');
      // A lower bound holds however busy the machine is: the delay is added twice.
      expect(performance.now() - before).toBeGreaterThanOrEqual(80);
    }
  });

  it('a slow close holds the end back by its delay, after the bytes before it', async () => {
    const { proxy, target } = await setUp(false);
    proxy.start({ kind: 'slow-close', delayMs: 300 }, { seed: 1 });
    const client = await dial(proxy.address());
    client.socket.write('last words');
    await until(() => target.sockets.length === 1, 'the connection');
    const ended = new Promise<number>((resolve) =>
      target.sockets[0]?.on('end', () => resolve(performance.now())),
    );
    const before = performance.now();
    client.socket.end();
    expect((await ended) - before).toBeGreaterThanOrEqual(300);
    expect(Buffer.concat(target.received[0] ?? []).toString()).toBe('last words');
  });

  it('same seed, same decisions; another seed, other decisions', async () => {
    const run = async (seed: number) => {
      const decisions: FaultDecision[] = [];
      const { proxy } = await setUp(true, (d) => decisions.push(d));
      proxy.start(
        { kind: 'latency', delayMs: 1, jitterMs: 1, distribution: 'normal', direction: 'up' },
        { seed, id: 4 },
      );
      const client = await dial(proxy.address());
      for (let i = 0; i < 20; i++) {
        const have = client.bytes();
        client.socket.write(Buffer.alloc(100, i));
        await until(() => client.bytes() > have, 'the echo');
      }
      client.socket.destroy();
      await proxy.close();
      await target?.close();
      return decisions.map((d) => `${d.fault}/${d.route}/${d.connection} ${d.what} ${d.value}`);
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a.length).toBe(20);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('a black hole stops reading (bounded memory), closes nothing, and forwards everything intact once lifted', async () => {
    const { proxy, target } = await setUp(false);
    const client = await dial(proxy.address());
    client.socket.write('hello');
    await until(() => target.received[0]?.length === 1, 'the first bytes');
    const hole = proxy.start({ kind: 'blackhole', direction: 'both' }, { seed: 1 });
    expect(hole.connections).toBe(1);
    // Write far more than any buffer holds, without waiting for drain: Node buffers it on
    // the client's side, the proxy must not.
    const big = Buffer.alloc(16 * 1024 * 1024, 1);
    client.socket.write(big);
    await new Promise((r) => setTimeout(r, 300));
    expect(proxy.buffered()).toBeLessThanOrEqual(HIGH_WATER + 64 * 1024);
    expect(target.received[0]?.length).toBe(1);
    expect(client.socket.destroyed).toBe(false);
    expect(target.sockets[0]?.destroyed).toBe(false);
    hole.end();
    const total = () => (target.received[0] ?? []).reduce((n, b) => n + b.length, 0);
    await until(() => total() === 5 + big.length, 'everything after the black hole');
    expect(
      Buffer.concat(target.received[0] ?? [])
        .subarray(5)
        .equals(big),
    ).toBe(true);
  });

  it('stalled reads leave the target’s bytes unread with bounded memory, then deliver them', async () => {
    const { proxy, target } = await setUp(false);
    const client = await dial(proxy.address());
    client.socket.write('x');
    await until(() => target.sockets.length === 1, 'the connection');
    const stall = proxy.start({ kind: 'stall-reads' }, { seed: 1 });
    const upstream = target.sockets[0];
    const big = Buffer.alloc(8 * 1024 * 1024, 2);
    upstream?.write(big);
    client.socket.write('still going up');
    await until(
      () =>
        Buffer.concat(target.received[0] ?? [])
          .toString()
          .endsWith('still going up'),
      'upstream bytes',
    );
    expect(client.bytes()).toBe(0);
    expect(proxy.buffered()).toBeLessThanOrEqual(HIGH_WATER + 64 * 1024);
    stall.end();
    await until(() => client.bytes() === big.length, 'the stalled bytes');
    expect(Buffer.concat(client.chunks).equals(big)).toBe(true);
  });

  it('a mid-frame reset leaves the target a strict prefix of the next chunk, then resets both sides', async () => {
    const decisions: FaultDecision[] = [];
    const { proxy, target } = await setUp(false, (d) => decisions.push(d));
    const client = await dial(proxy.address());
    client.socket.write('a');
    await until(() => target.received[0]?.length === 1, 'the first byte');
    target.sockets[0]?.on('error', () => {});
    const closedAtTarget = new Promise<void>((resolve) => target.sockets[0]?.on('close', () => resolve()));
    proxy.start({ kind: 'reset', midFrame: true, direction: 'up' }, { seed: 5, id: 2 });
    const frame = Buffer.alloc(1000, 9);
    client.socket.write(frame);
    expect(await client.closed).toBe('ECONNRESET');
    await closedAtTarget;
    const got = Buffer.concat(target.received[0] ?? []).subarray(1);
    const cut = decisions.find((d) => d.what === 'up cut');
    expect(cut?.value).toBe(got.length);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(frame.length);
    expect(got.equals(frame.subarray(0, got.length))).toBe(true);
  });

  it('faults hit only the routes they name', async () => {
    const { proxy, target } = await setUp(false, undefined, 2);
    const a = await dial(proxy.address(0));
    const b = await dial(proxy.address(1));
    a.socket.write('a');
    b.socket.write('b');
    await until(() => target.received.length === 2 && target.received.every((r) => r.length > 0), 'both');
    const reset = proxy.start({ kind: 'reset', midFrame: false, direction: 'up' }, { seed: 1, routes: [1] });
    expect(reset.connections).toBe(1);
    expect(await b.closed).toBe('ECONNRESET');
    expect(a.socket.destroyed).toBe(false);
  });
});
