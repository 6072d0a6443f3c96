// Where a SessionGroup runs: in a worker thread (the normal case, so sessions use
// the cores the generator is given) or on the main thread (workers: 0, for small
// runs and for tests that need the generator in their own process).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TargetError } from '../driver/session-driver.js';
import type { HostMessage, WorkerMessage } from './group-messages.js';
import { type GroupReport, type GroupSpec, SessionGroup } from './session-group.js';
import type { SecondSnapshot } from './worker-metrics.js';

export interface GroupHost {
  /** Resolves once every session is connected; rejects with TargetError when the target fails. */
  readonly ready: Promise<void>;
  run(epochOrigin: number): Promise<GroupReport>;
  stop(): void;
  /** Ends the worker without a report (after a failure elsewhere). */
  dispose(): Promise<void>;
}

type OnSeconds = (s: SecondSnapshot[]) => void;

/**
 * The compiled worker beside this module. When this module runs from src/ (vitest
 * or tsx load the TypeScript), a worker cannot load TypeScript, so the built copy
 * in dist/ is used: `npm run build` first, as `npm test` does.
 */
function workerUrl(): URL {
  const here = new URL('./bench-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../../dist/load/run/bench-worker.js', import.meta.url);
}

export function hostInWorker(spec: GroupSpec, onSeconds: OnSeconds): GroupHost {
  const worker = new Worker(workerUrl(), { workerData: spec });
  let onReport: ((r: GroupReport) => void) | undefined;
  let onError: ((e: Error) => void) | undefined;
  let readyResolve: () => void = () => {};
  let readyReject: (e: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  const fail = (e: Error) => {
    readyReject(e);
    onError?.(e);
  };
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'ready') readyResolve();
    else if (m.type === 'seconds') onSeconds(m.seconds);
    else if (m.type === 'done') onReport?.(m.report);
    else fail(m.target ? new TargetError(m.message) : new Error(`bench worker failed: ${m.message}`));
  });
  worker.on('error', (e) => fail(new Error(`bench worker crashed: ${e.stack ?? e.message}`)));
  worker.on('exit', (code) => {
    if (code !== 0) fail(new Error(`bench worker exited with code ${code}`));
  });
  const post = (m: HostMessage) => worker.postMessage(m);
  return {
    ready,
    run(epochOrigin) {
      return new Promise<GroupReport>((resolve, reject) => {
        onReport = resolve;
        onError = reject;
        post({ type: 'start', epochOrigin });
      });
    },
    stop: () => post({ type: 'stop' }),
    dispose: async () => {
      await worker.terminate();
    },
  };
}

export function hostInProcess(spec: GroupSpec, onSeconds: OnSeconds): GroupHost {
  const opened = SessionGroup.open(spec, onSeconds);
  let stopRequested = false;
  return {
    ready: opened.then(() => undefined),
    async run(epochOrigin) {
      const group = await opened;
      if (stopRequested) group.stop();
      return group.run(epochOrigin);
    },
    stop() {
      stopRequested = true;
      void opened.then(
        (g) => g.stop(),
        () => {},
      );
    },
    dispose: async () => {},
  };
}
