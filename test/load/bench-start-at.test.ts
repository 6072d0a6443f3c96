// bench --start-at: the instant is every shard's time zero. Shards started together
// share their origin exactly (so their first intended sends and their seconds are
// those of one schedule); a shard whose process is busy at the instant starts late
// and says so; an instant that cannot be kept (in the past, unreadable, or passed
// before the sessions were ready) is exit 2 with one line and nothing sent.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type AckSink, startAckSink } from '../../scripts/ack-sink-server.js';
import { mergeResults } from '../../src/judge/merge/merge-results.js';
import { runBench } from '../../src/load/run/run-bench.js';
import { parseStartAt } from '../../src/load/run/start-at.js';
import { epochNow } from '../../src/load/run/start-clock.js';
import { parseScenario } from '../../src/load/scenario/load-scenario.js';
import { totalArrivals } from '../../src/load/schedule/arrivals.js';
import { renderSummary } from '../../src/report/console/bench-summary.js';
import { UserError } from '../../src/util/user-error.js';
import { runCli } from '../support/cli-process.js';

let sink: AckSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

const scenario = () =>
  parseScenario(
    [
      'name: start-at',
      'memorySpaces: [start-space]',
      'dim: 8',
      'sessions: 4',
      'indexAcks: false',
      'phases: [{ name: steady, duration: 800ms, shape: constant, rate: 100 }]',
      'close: { drain: false }',
    ].join('\n'),
    'start-at.yaml',
  );

function userError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('parseStartAt', () => {
  const now = Date.UTC(2026, 11, 2, 18, 0, 0);
  it('reads a delay from now and RFC 3339 instants with any offset', () => {
    expect(parseStartAt('+30s', now)).toBe(now + 30_000);
    expect(parseStartAt('+1.5m', now)).toBe(now + 90_000);
    expect(parseStartAt('2026-12-02T18:00:05Z', now)).toBe(now + 5000);
    expect(parseStartAt('2026-12-02T18:00:05.250z', now)).toBe(now + 5250);
    expect(parseStartAt('2026-12-02T19:00:05+01:00', now)).toBe(now + 5000);
  });
  it('refuses unreadable times, instants in the past and ones more than a day ahead', () => {
    for (const bad of [
      'soon',
      '30s',
      '2026-12-02 18:00:05',
      '2026-12-02T18:00:05',
      '+30',
      '2026-13-02T18:00:05Z',
    ]) {
      expect(userError(() => parseStartAt(bad, now))).toMatch(/is not (a time|a duration)/);
    }
    expect(userError(() => parseStartAt('2026-12-02T17:59:00Z', now))).toContain('1m in the past');
    expect(userError(() => parseStartAt('+0s', now))).toContain('in the past');
    expect(userError(() => parseStartAt('+25h', now))).toContain('more than 24h ahead');
  });
});

describe('runBench with startAt', () => {
  it('starts every shard on the instant: one origin, one schedule, the spread reported when merged', async () => {
    sink = await startAckSink({ dim: 8 });
    const s = scenario();
    // Far enough ahead for two in-process shards to connect on a busy machine.
    const startAt = Math.ceil(epochNow()) + 4000;
    const shards = await Promise.all(
      [0, 1].map((index) =>
        runBench({
          scenario: s,
          target: (sink as AckSink).address,
          workers: 0,
          shard: { index, count: 2 },
          startAt,
        }),
      ),
    );
    const at = new Date(startAt).toISOString();
    for (const r of shards) {
      // The origin is the instant itself, so every intended send is the global schedule's.
      expect(r.startedAt).toBe(at);
      expect(r.start?.at).toBe(at);
      expect(r.series[0]?.epochMs).toBe(startAt);
      expect(r.start?.readyBeforeMs).toBeGreaterThan(0);
      expect(r.start?.latenessMs).toBeTypeOf('number');
    }
    const merged = mergeResults(shards, ['a.json', 'b.json']);
    expect(merged.counters.offered).toBe(totalArrivals(s));
    expect(merged.startedAt).toBe(at);
    expect(merged.series.length).toBe(Math.max(...shards.map((r) => r.series.length)));
    const late = shards.map((r) => r.start?.latenessMs as number);
    expect(merged.start?.shards?.map((x) => x.latenessMs)).toEqual(late);
    expect(merged.start?.spreadMs).toBeCloseTo(Math.abs((late[0] as number) - (late[1] as number)), 2);
    expect(merged.start?.latenessMs).toBe(Math.max(...late));
  }, 30_000);

  it('reports a shard whose process was busy at the instant as started late', async () => {
    sink = await startAckSink({ dim: 8 });
    const startAt = Math.ceil(epochNow()) + 2000;
    const r = await runBench({
      scenario: scenario(),
      target: sink.address,
      workers: 0,
      startAt,
      // The sessions run on this thread: hold it past the instant, as a GC pause or a starved CPU would.
      onStart: (origin) => {
        while (epochNow() < origin + 300) {}
      },
    });
    expect(r.startedAt).toBe(new Date(startAt).toISOString());
    // The first arrival is due within its session's first 10 ms, and left at 300 ms or later.
    expect(r.start?.latenessMs).toBeGreaterThanOrEqual(290);
    expect(renderSummary(r)).toContain('STARTED LATE');
  }, 30_000);

  it('refuses to run when the sessions are ready only after the instant', async () => {
    sink = await startAckSink({ dim: 8 });
    const run = runBench({ scenario: scenario(), target: sink.address, workers: 0, startAt: epochNow() + 1 });
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(/not ready in time: the sessions were ready .* after --start-at/);
  });
});

describe('bench --start-at (CLI)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'start-at-'));
  const file = path.join(dir, 'start-at.yaml');
  writeFileSync(file, `${scenario().source}\n`);
  const json = path.join(dir, 'never.json');

  it.each([
    ['a time in the past', '2020-01-01T00:00:00Z', /--start-at '2020-01-01T00:00:00Z' is .* in the past/],
    ['an unreadable time', 'tomorrow', /--start-at 'tomorrow' is not a time; write an RFC 3339 instant/],
    // The embedded server alone takes longer than a millisecond to start.
    ['an instant passed before the sessions were ready', '+1ms', /not ready in time/],
  ])(
    'exits 2 with one line for %s',
    async (_what, time, message) => {
      const run = await runCli(['bench', file, '--start-at', time, '--json', json, '--quiet']);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    },
    60_000,
  );
});
