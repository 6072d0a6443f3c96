// Entry of a bench worker thread: runs one SessionGroup and talks to the main
// thread by messages (see group-host.ts for the other side).
import { parentPort, workerData } from 'node:worker_threads';
import { TargetError } from '../driver/session-driver.js';
import type { HostMessage, WorkerMessage } from './group-messages.js';
import { type GroupSpec, SessionGroup } from './session-group.js';

const port = parentPort;
if (!port) throw new Error('bench-worker.ts runs only as a worker thread');
const post = (m: WorkerMessage) => port.postMessage(m);

try {
  const group = await SessionGroup.open(workerData as GroupSpec, (seconds) =>
    post({ type: 'seconds', seconds }),
  );
  port.on('message', (m: HostMessage) => {
    if (m.type === 'stop') group.stop();
    else
      group.run(m.epochOrigin).then(
        (report) => {
          post({ type: 'done', report });
          port.close();
        },
        (err: Error) => post({ type: 'error', message: err.stack ?? err.message, target: false }),
      );
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'error', message: (err as Error).message, target: err instanceof TargetError });
}
