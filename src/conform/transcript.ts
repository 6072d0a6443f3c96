// A case's wire transcript: one line per history event (and per note), times
// since the case started. Long transcripts keep their head and tail; what is left
// out is counted, never silently dropped.
import type { HistoryEvent } from '../history/history.js';
import type { TranscriptEntry } from '../results/results.js';
import { describeEvent } from './describe-event.js';

export const TRANSCRIPT_HEAD = 150;
export const TRANSCRIPT_TAIL = 50;

const OUTGOING = new Set<HistoryEvent['type']>([
  'init-sent',
  'send',
  'other-sent',
  'close-sent',
  'stream-open',
]);

function entryOf(e: HistoryEvent): TranscriptEntry | undefined {
  if (e.type === 'end') return undefined;
  const dir: TranscriptEntry['dir'] = OUTGOING.has(e.type)
    ? 'out'
    : e.type === 'probe' || e.type === 'net-fault'
      ? 'note'
      : 'in';
  const entry: TranscriptEntry = { t: e.t, dir, text: describeEvent(e) };
  if ('stream' in e) entry.stream = e.stream;
  return entry;
}

export function buildTranscript(
  events: readonly HistoryEvent[],
  notes: readonly { t: number; text: string }[],
): { transcript: TranscriptEntry[]; omitted: number } {
  const all: TranscriptEntry[] = [];
  for (const e of events) {
    const entry = entryOf(e);
    if (entry) all.push(entry);
  }
  for (const n of notes) all.push({ t: n.t, dir: 'note', text: n.text });
  // Stable sort: notes land after the events of the same instant.
  all.sort((a, b) => a.t - b.t);
  if (all.length <= TRANSCRIPT_HEAD + TRANSCRIPT_TAIL) return { transcript: all, omitted: 0 };
  const omitted = all.length - TRANSCRIPT_HEAD - TRANSCRIPT_TAIL;
  const gapAt = (all[TRANSCRIPT_HEAD] as TranscriptEntry).t;
  return {
    transcript: [
      ...all.slice(0, TRANSCRIPT_HEAD),
      { t: gapAt, dir: 'note', text: `... ${omitted} entries left out ...` },
      ...all.slice(-TRANSCRIPT_TAIL),
    ],
    omitted,
  };
}
