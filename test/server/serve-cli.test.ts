import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { describe, expect, it } from 'vitest';
import { serverConfigFromFlags } from '../../src/server/server-flags.js';
import { UserError } from '../../src/util/user-error.js';
import { freePort } from '../support/free-port.js';
import { episode, startTestServer, TestStream } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/engram-stream.js', import.meta.url));

describe('serve flags', () => {
  it('parses durations and numbers into the config', () => {
    const c = serverConfigFromFlags({
      port: '0',
      dim: '16',
      sessionIdleTimeout: '1.5s',
      heartbeatInterval: '250ms',
      queueCapacity: '500',
      maxElements: '10',
    });
    expect(c).toMatchObject({
      port: 0,
      dim: 16,
      sessionIdleTimeoutMs: 1500,
      heartbeatIntervalMs: 250,
      queueCapacity: 500,
      maxElements: 10,
    });
    expect(c.indexWorkers).toBeGreaterThanOrEqual(1);
  });

  it.each([
    [{ dim: 'abc' }, /--dim: 'abc' is not a whole number/],
    [{ port: '70000' }, /--port/],
    [{ queueCapacity: '5' }, /--queue-capacity: '5'.*10/],
    [{ indexWorkers: '0' }, /--index-workers/],
    [{ indexNice: '20' }, /--index-nice: '20' is not a whole number from 0 to 19/],
    [{ sessionIdleTimeout: '5x' }, /--session-idle-timeout: '5x' is not a duration/],
    [{ heartbeatInterval: '1ms' }, /--heartbeat-interval/],
    [{ maxMessageBytes: '1.5' }, /--max-message-bytes/],
    [{ httpPort: '65536' }, /--http-port: '65536' is not a whole number from 0 to 65535/],
  ])('rejects %j with a UserError naming the flag', (flags, message) => {
    expect(() => serverConfigFromFlags(flags)).toThrow(UserError);
    expect(() => serverConfigFromFlags(flags)).toThrow(message);
  });

  it('the CLI prints one line on a bad flag and exits 2', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--dim', 'x'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--dim');
  });

  it('the CLI prints exactly `listening on HOST:PORT` with the real port when ready', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--dim', '8'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('\n')) resolve(out);
      });
    });
    expect(line).toMatch(/^listening on 127\.0\.0\.1:\d+\n$/);
    expect(line).not.toContain(':0\n');
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<string>((resolve) =>
      child.on('exit', (code, signal) => resolve(`${code}/${signal}`)),
    );
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe('0/null');
  });

  it('with --http-port, the next line is `http listening on HOST:PORT`; a taken HTTP port is one line and exit 2', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--http-port', '0', '--dim', '8'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const lines = await new Promise<string>((resolve) => {
      let out = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        if (out.split('\n').length > 2) resolve(out);
      });
    });
    const [grpcLine, httpLine] = lines.split('\n');
    expect(grpcLine).toMatch(/^listening on 127\.0\.0\.1:\d+$/);
    expect(httpLine).toMatch(/^http listening on 127\.0\.0\.1:\d+$/);
    const httpPort = (httpLine as string).split(':').at(-1) as string;
    const taken = spawnSync(process.execPath, [BIN, 'serve', '--port', '0', '--http-port', httpPort], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(taken.status).toBe(2);
    expect(taken.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/cannot serve HTTP on 127\.0\.0\.1:\d+: .*; pick another --http-port$/),
    ]);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  it('a port in use is a one-line error and exit 2', async () => {
    const t = await startTestServer();
    try {
      const r = spawnSync(process.execPath, [BIN, 'serve', '--port', String(t.server.port)], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+/);
    } finally {
      await t.stop();
    }
  });
});

describe('metrics, health and reflection', () => {
  it('serves Prometheus metrics under the public server names', async () => {
    const metricsPort = await freePort();
    const t = await startTestServer({ metricsPort });
    try {
      const s = await TestStream.init(t.client, { indexAcks: true });
      s.send(1, episode(70_001));
      s.send(3, episode(70_003));
      s.rs.close(true, 1n);
      await s.rs.ended;
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(text).toMatch(/^engram_streaming_observations_total 1$/m);
      expect(text).toMatch(/^engram_streaming_observations_rejected_total\{reason="sequence_gap"\} 1$/m);
      expect(text).toMatch(/^engram_streaming_queue_depth 0$/m);
      expect(text).toMatch(/^engram_streaming_active_sessions_total \d+$/m);
      expect(text).toMatch(/^engram_streaming_backpressure_state 1$/m);
      expect(text).toMatch(/^engram_streaming_observation_latency_seconds_count 1$/m);
      expect(text).toMatch(/^engram_streaming_batch_size_count 1$/m);
      expect(text).toMatch(/^engram_streaming_batch_insert_seconds_count 1$/m);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
    } finally {
      await t.stop();
    }
  });

  it('registers the gRPC health service (SERVING) and server reflection', async () => {
    const t = await startTestServer();
    try {
      const Health = grpc.makeGenericClientConstructor(healthService as grpc.ServiceDefinition, 'Health');
      const health = new Health(
        t.server.address,
        grpc.credentials.createInsecure(),
      ) as unknown as grpc.Client & {
        check(
          req: unknown,
          cb: (err: grpc.ServiceError | null, res: { status: string | number }) => void,
        ): void;
      };
      const res = await new Promise<{ status: string | number }>((resolve, reject) =>
        health.check({ service: 'engram.v1.EngramService' }, (err, r) => (err ? reject(err) : resolve(r))),
      );
      expect(['SERVING', 1]).toContain(res.status);
      health.close();

      const require = createRequire(import.meta.url);
      const reflectionProto = require.resolve(
        '@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto',
      );
      const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(reflectionProto)) as unknown as {
        grpc: {
          reflection: {
            v1: { ServerReflection: new (a: string, c: grpc.ChannelCredentials) => grpc.Client };
          };
        };
      };
      const reflection = new pkg.grpc.reflection.v1.ServerReflection(
        t.server.address,
        grpc.credentials.createInsecure(),
      ) as grpc.Client & {
        ServerReflectionInfo(): grpc.ClientDuplexStream<unknown, Record<string, unknown>>;
      };
      const call = reflection.ServerReflectionInfo();
      const answer = new Promise<Record<string, unknown>>((resolve) => call.on('data', resolve));
      call.write({ listServices: '' });
      const listed = JSON.stringify(await answer);
      call.end();
      reflection.close();
      expect(listed).toContain('engram.v1.EngramService');
    } finally {
      await t.stop();
    }
  });
});
