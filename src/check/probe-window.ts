// The outcome of the most recent sends, by session and episode id, so that a probe
// event (read your own write) can be judged: found and accepted gives a staleness
// sample, found but rejected is a violation, accepted but never found is a lost
// write. Bounded: the oldest entries fall out and their probes count as unmatched.
import type { SessionKey } from './history.js';

export type EpisodeState = 'pending' | 'accepted' | 'rejected' | 'not-received' | 'indeterminate';

export interface EpisodeRecord {
  seq: bigint;
  state: EpisodeState;
  /** Time of the ACCEPTED ack; undefined when acceptance was learnt from a resume. */
  acceptedT?: number;
}

export class ProbeWindow {
  private readonly entries = new Map<string, EpisodeRecord>();

  constructor(private readonly capacity: number) {}

  /** A send of this episode: a retry refreshes its place; an accepted episode stays accepted. */
  sent(session: SessionKey, episodeId: string, seq: bigint): void {
    if (episodeId === '' || this.capacity === 0) return;
    const key = keyOf(session, episodeId);
    const previous = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, previous?.state === 'accepted' ? previous : { seq, state: 'pending' });
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  /** The outcome of a send; an accepted episode is never downgraded by a later outcome of a copy. */
  settled(session: SessionKey, episodeId: string, state: EpisodeState, acceptedT?: number): void {
    if (episodeId === '') return;
    const record = this.entries.get(keyOf(session, episodeId));
    if (!record || record.state === 'accepted') return;
    record.state = state;
    if (acceptedT !== undefined) record.acceptedT = acceptedT;
  }

  get(session: SessionKey, episodeId: string): EpisodeRecord | undefined {
    return this.entries.get(keyOf(session, episodeId));
  }
}

function keyOf(session: SessionKey, episodeId: string): string {
  return `${session}\u0000${episodeId}`;
}
