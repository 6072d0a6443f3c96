// Where a SessionGroup runs: in a worker thread (the normal case, so sessions use
// the cores the generator is given) or on the main thread (workers: 0, for small
// runs and for tests that need the generator in their own process). A host is
// made first and opened later, so worker threads load while the target starts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TargetError } from '../driver/session-driver.js';
import type { HostMessage, WorkerMessage } from './group-messages.js';
import { type GroupReport, type GroupSpec, type NetworkFaultNote, SessionGroup } from './session-group.js';
import type { SecondSnapshot } from './worker-metrics.js';

export interface GroupHost {
  /** Builds the group's sessions and connects them (init). */
  open(spec: GroupSpec): void;
  /** Resolves once every session is connected; rejects with TargetError when the target fails. */
  readonly ready: Promise<void>;
  run(epochOrigin: number): Promise<GroupReport>;
  stop(): void;
  /** A network fault went on or off: into the histories of the group's sessions. */
  netFault(note: NetworkFaultNote): void;
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

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve: (v: T) => void = () => {};
  let reject: (e: Error) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A failure is seen by whoever awaits; unobserved, it must not crash the process.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

export function hostInWorker(onSeconds: OnSeconds): GroupHost {
  const worker = new Worker(workerUrl());
  const ready = deferred<void>();
  let report = deferred<GroupReport>();
  let disposed = false;
  const fail = (e: Error) => {
    ready.reject(e);
    report.reject(e);
  };
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'ready') ready.resolve();
    else if (m.type === 'seconds') onSeconds(m.seconds);
    else if (m.type === 'done') report.resolve(m.report);
    else fail(m.target ? new TargetError(m.message) : new Error(`bench worker failed: ${m.message}`));
  });
  worker.on('error', (e) => fail(new Error(`bench worker crashed: ${e.stack ?? e.message}`)));
  worker.on('exit', (code) => {
    if (code !== 0 && !disposed) fail(new Error(`bench worker exited with code ${code}`));
  });
  const post = (m: HostMessage) => worker.postMessage(m);
  return {
    open: (spec) => post({ type: 'open', spec }),
    ready: ready.promise,
    run(epochOrigin) {
      report = deferred<GroupReport>();
      post({ type: 'start', epochOrigin });
      return report.promise;
    },
    stop: () => post({ type: 'stop' }),
    netFault: (note) => post({ type: 'net-fault', note }),
    dispose: async () => {
      disposed = true;
      await worker.terminate();
    },
  };
}

export function hostInProcess(onSeconds: OnSeconds): GroupHost {
  const opened = deferred<SessionGroup>();
  let stopRequested = false;
  let opening = false;
  return {
    open(spec) {
      opening = true;
      SessionGroup.open(spec, onSeconds).then(opened.resolve, opened.reject);
    },
    ready: opened.promise.then(() => undefined),
    async run(epochOrigin) {
      const group = await opened.promise;
      if (stopRequested) group.stop();
      return group.run(epochOrigin);
    },
    stop() {
      stopRequested = true;
      void opened.promise.then(
        (g) => g.stop(),
        () => {},
      );
    },
    netFault(note) {
      void opened.promise.then(
        (g) => g.netFault(note),
        () => {},
      );
    },
    // Sessions left open would keep the process (and the target's streams) alive.
    dispose: async () => {
      if (!opening) return;
      await opened.promise.then(
        (g) => g.abandon(),
        () => {},
      );
    },
  };
}
