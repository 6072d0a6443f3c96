import { describe, expect, it } from 'vitest';
import { buildTranscript, TRANSCRIPT_HEAD, TRANSCRIPT_TAIL } from '../../src/conform/transcript.js';
import type { HistoryEvent } from '../../src/history/history.js';

function sends(n: number): HistoryEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    t: i,
    type: 'send' as const,
    stream: 1,
    session: 'a',
    seq: BigInt(i + 1),
    intent: 'normal' as const,
    intendedT: i,
    episodeId: `e${i + 1}`,
  }));
}

describe('wire transcript', () => {
  it('has one line per event, both directions, with notes in time order', () => {
    const events: HistoryEvent[] = [
      ...sends(1),
      {
        t: 2,
        type: 'ack',
        stream: 1,
        session: 'a',
        seq: 1n,
        status: 'REJECTED',
        reason: 'SEQUENCE_GAP',
        expectedSequence: 1n,
        retryAfterMs: 0,
        sessionId: 'sid',
      },
      { t: 3, type: 'stream-end', stream: 1, session: 'a', code: 9, details: 'bad', byClient: false },
      { t: 4, type: 'end' },
    ];
    const { transcript, omitted } = buildTranscript(events, [{ t: 1, text: 'a note' }]);
    expect(omitted).toBe(0);
    expect(transcript.map((e) => [e.dir, e.text])).toEqual([
      ['out', 'observation seq=1 id=e1'],
      ['note', 'a note'],
      ['in', 'ack REJECTED seq=1 reason=SEQUENCE_GAP expected_sequence=1 session_id=sid'],
      ['in', 'stream ended FAILED_PRECONDITION: bad'],
    ]);
    expect(transcript[0]?.stream).toBe(1);
  });

  it('keeps the head and the tail of a long transcript and counts what it left out', () => {
    const n = TRANSCRIPT_HEAD + TRANSCRIPT_TAIL + 500;
    const { transcript, omitted } = buildTranscript(sends(n), []);
    expect(omitted).toBe(500);
    expect(transcript.length).toBe(TRANSCRIPT_HEAD + TRANSCRIPT_TAIL + 1);
    expect(transcript[TRANSCRIPT_HEAD]?.text).toBe('... 500 entries left out ...');
    expect(transcript[0]?.text).toContain('seq=1 ');
    expect(transcript.at(-1)?.text).toContain(`seq=${n} `);
  });
});
