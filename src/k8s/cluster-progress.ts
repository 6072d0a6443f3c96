// Progress of `k8s run` on stderr: a bar of shards done on a terminal, a line per
// change otherwise, nothing with --quiet (same modes as bench's progress).
import cliProgress from 'cli-progress';
import type { ProgressMode } from '../load/output/progress.js';
import type { ClusterProgress } from './run-on-cluster.js';

export interface ClusterProgressReporter {
  update: (p: ClusterProgress) => void;
  stop: () => void;
}

function clock(p: ClusterProgress): string {
  const s = Math.round(Math.abs(p.untilStartMs) / 1000);
  return p.untilStartMs > 0 ? `start in ${s} s` : `${s} s since the start`;
}

export function createClusterProgress(
  mode: ProgressMode,
  stream: NodeJS.WriteStream = process.stderr,
): ClusterProgressReporter {
  if (mode === 'quiet') return { update: () => {}, stop: () => {} };
  if (mode === 'lines') {
    let last = '';
    return {
      update(p) {
        const line = `${p.stage}: ${p.shardsDone}/${p.shards} shards done`;
        if (line !== last) stream.write(`${line} (${clock(p)})\n`);
        last = line;
      },
      stop: () => {},
    };
  }
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(p) {
      bar ??= new cliProgress.SingleBar(
        { stream, format: '{stage} [{bar}] {value}/{total} shards done | {clock}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      if (!bar.isActive) bar.start(p.shards, p.shardsDone, { stage: p.stage, clock: clock(p) });
      bar.update(p.shardsDone, { stage: p.stage.padEnd(21), clock: clock(p) });
    },
    stop: () => bar?.stop(),
  };
}
