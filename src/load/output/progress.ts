// Live progress of a bench run: a cli-progress bar per phase on a terminal, plain
// periodic lines when stderr is not a TTY or CI is set, nothing with --quiet.
// Everything goes to stderr so stdout stays clean for scripts.
import cliProgress from 'cli-progress';
import type { BenchProgress } from '../run/run-bench.js';
import type { Scenario } from '../scenario/scenario.js';

export type ProgressMode = 'bars' | 'lines' | 'quiet';

/** What the progress display reads of each tick. */
type ProgressTick = Pick<BenchProgress, 'tMs' | 'phase' | 'totals'>;

export interface ProgressReporter {
  update(p: ProgressTick): void;
  stop(): void;
}

export function progressMode(quiet: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY && !process.env.CI ? 'bars' : 'lines';
}

interface Rates {
  acceptedPerSecond: number;
  offeredPerSecond: number;
  p99Ms: number;
}

/** Rates over the time since the previous update. */
function rateTracker(): (p: ProgressTick) => Rates {
  let last = { t: 0, accepted: 0, offered: 0 };
  return (p) => {
    const dt = Math.max(1, p.tMs - last.t) / 1000;
    const rates: Rates = {
      acceptedPerSecond: (p.totals.accepted - last.accepted) / dt,
      offeredPerSecond: (p.totals.offered - last.offered) / dt,
      p99Ms: p.totals.ackLatency.totalCount > 0 ? p.totals.ackLatency.getValueAtPercentile(99) / 1000 : 0,
    };
    last = { t: p.tMs, accepted: p.totals.accepted, offered: p.totals.offered };
    return rates;
  };
}

export function createProgress(
  mode: ProgressMode,
  scenario: Scenario,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressReporter {
  if (mode === 'quiet') return { update: () => {}, stop: () => {} };
  // UNSPECIFIED: the target has not said a state yet (no stream open yet, or a target that speaks
  // only on changes and heartbeats); the column stays out until it has something to show.
  const stateColumn = (state: string, separator: string) =>
    state === 'UNSPECIFIED' ? '' : `${separator}${state}`;
  const rates = rateTracker();
  if (mode === 'lines') {
    return {
      update(p) {
        const r = rates(p);
        const t = p.totals;
        stream.write(
          `[${(p.tMs / 1000).toFixed(0).padStart(4)}s] ${p.phase?.name ?? 'closing'}: ` +
            `offered ${r.offeredPerSecond.toFixed(0)}/s, accepted ${r.acceptedPerSecond.toFixed(0)}/s, ` +
            `acks ${t.accepted}, rejected ${t.rejected}, in flight ${t.inFlight}, ` +
            `ack p99 ${r.p99Ms.toFixed(2)} ms${stateColumn(t.serverState, ', server ')}\n`,
        );
      },
      stop: () => {},
    };
  }
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format:
        '{phase} [{bar}] {value}/{total}s | {rate}/s accepted | acks {acks} | rejected {rejected} | p99 {p99} ms{state}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let current: { index: number; bar: cliProgress.SingleBar } | undefined;
  return {
    update(p) {
      const r = rates(p);
      const phase = p.phase;
      if (phase && current?.index !== phase.index) {
        if (current) current.bar.update(current.bar.getTotal());
        const total = Math.round(phase.durationMs / 1000);
        current = {
          index: phase.index,
          bar: bars.create(total, 0, { phase: phase.name.padEnd(pad(scenario)) }),
        };
      }
      if (!current) return;
      const inPhase = phase ? (p.tMs - phase.startMs) / 1000 : current.bar.getTotal();
      current.bar.update(Math.min(current.bar.getTotal(), Math.round(inPhase)), {
        rate: r.acceptedPerSecond.toFixed(0),
        acks: p.totals.accepted,
        rejected: p.totals.rejected,
        p99: r.p99Ms.toFixed(2),
        state: stateColumn(p.totals.serverState, ' | '),
      });
    },
    stop() {
      if (current) current.bar.update(current.bar.getTotal());
      bars.stop();
    },
  };
}

function pad(scenario: Scenario): number {
  return Math.max(...scenario.phases.map((p) => p.name.length));
}
