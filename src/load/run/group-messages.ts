// Messages between the main thread and a bench worker thread.
import type { GroupReport, GroupSpec, NetworkFaultNote } from './session-group.js';
import type { SecondSnapshot } from './worker-metrics.js';

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'seconds'; seconds: SecondSnapshot[] }
  | { type: 'done'; report: GroupReport }
  /** `target`: the target failed (exit 2); otherwise a bug in the generator. */
  | { type: 'error'; message: string; target: boolean };

export type HostMessage =
  | { type: 'open'; spec: GroupSpec }
  | { type: 'start'; epochOrigin: number }
  | { type: 'stop' }
  | { type: 'net-fault'; note: NetworkFaultNote };
