// Many sessions at once, spread over a set of channels: open them, let each stream a
// few observations and close with drain, or leave them idle.
import type { HistorySink } from '../../src/history/history.js';
import { RecordedStream, type StreamEnd } from '../../src/protocol/recorded-stream.js';
import type { RunClock } from '../../src/protocol/run-clock.js';
import type { EngramClient } from '../../src/protocol/service-definition.js';
import { episodeBytes } from './reliable-sender.js';

export interface Fleet {
  clients: EngramClient[];
  memorySpaceId: string;
  sink: HistorySink;
  clock: RunClock;
}

/** Opens `count` sessions (ids `<prefix>-<i>`), `parallel` inits in flight at a time. */
export async function openSessions(
  fleet: Fleet,
  prefix: string,
  count: number,
  parallel = 200,
): Promise<RecordedStream[]> {
  const streams: RecordedStream[] = new Array(count);
  let next = 0;
  const opener = async () => {
    while (next < count) {
      const i = next++;
      const sessionId = `${prefix}-${i}`;
      const s = RecordedStream.open(fleet.clients[i % fleet.clients.length] as EngramClient, {
        stream: i,
        session: sessionId,
        sink: fleet.sink,
        clock: fleet.clock,
      });
      s.init({ memorySpaceId: fleet.memorySpaceId, sessionId, indexAcks: true });
      await s.initAck(30_000);
      streams[i] = s;
    }
  };
  await Promise.all(Array.from({ length: parallel }, opener));
  return streams;
}

/** Sends observations 1..count on an open session and closes it with drain. */
export function streamAndClose(s: RecordedStream, count: number, dim: number): Promise<StreamEnd> {
  for (let seq = 1n; seq <= BigInt(count); seq++) s.send(seq, episodeBytes(s.sessionId, seq, dim));
  s.close(true, BigInt(count));
  return s.ended;
}
