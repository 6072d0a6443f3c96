// A client process for the kill test: delivers observations of one session with
// sendReliably and prints every ACCEPTED sequence as it comes, so the parent knows
// what this process saw before it was killed. Run with `node --import tsx`.
// argv: address memorySpaceId sessionId total dim rate [resumeFrom]
import { runClock } from '../../src/protocol/run-clock.js';
import { makeEngramClient } from '../../src/protocol/service-definition.js';
import { sendReliably } from '../support/reliable-sender.js';

const [address, memorySpaceId, sessionId, total, dim, rate, resumeFrom] = process.argv.slice(2) as string[];
const client = makeEngramClient(address as string);
let streams = 0;
const result = await sendReliably({
  client: () => client,
  memorySpaceId: memorySpaceId as string,
  sessionId: sessionId as string,
  dim: Number(dim),
  total: Number(total),
  window: 32,
  rate: Number(rate),
  resumeFrom: resumeFrom === undefined ? undefined : BigInt(resumeFrom),
  sink: () => {},
  clock: runClock(),
  streamId: () => streams++,
  onAccepted: (seq) => process.stdout.write(`accepted ${seq}\n`),
});
process.stdout.write(`closed accepted=${result.accepted} indexed=${result.indexed}\n`);
client.close();
