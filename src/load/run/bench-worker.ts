// Entry of a bench worker thread: runs one SessionGroup and talks to the main
// thread by messages (see group-host.ts for the other side).
import { parentPort } from 'node:worker_threads';
import { TargetError } from '../driver/session-driver.js';
import type { HostMessage, WorkerMessage } from './group-messages.js';
import { SessionGroup } from './session-group.js';

const port = parentPort;
if (!port) throw new Error('bench-worker.ts runs only as a worker thread');
const post = (m: WorkerMessage) => port.postMessage(m);
let group: SessionGroup | undefined;

port.on('message', (m: HostMessage) => {
  if (m.type === 'open') {
    SessionGroup.open(m.spec, (seconds) => post({ type: 'seconds', seconds })).then(
      (g) => {
        group = g;
        post({ type: 'ready' });
      },
      (err: Error) => post({ type: 'error', message: err.message, target: err instanceof TargetError }),
    );
  } else if (m.type === 'stop') {
    group?.stop();
  } else if (m.type === 'net-fault') {
    group?.netFault(m.note);
  } else if (group) {
    group.run(m.epochOrigin).then(
      (report) => {
        post({ type: 'done', report });
        port.close();
      },
      (err: Error) => post({ type: 'error', message: err.stack ?? err.message, target: false }),
    );
  }
});
