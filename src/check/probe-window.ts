// The outcome of the most recent sends, by session and episode id, so that a probe
// event (read your own write) can be judged: found and accepted gives a staleness
// sample, found but rejected is a violation, accepted but never found is a lost
// write. Bounded: the oldest episodes fall out and their probes count as unmatched.
// A re-sent episode id (a retry, or a generator's pooled episode) updates its record
// in place, so the common send costs two map look-ups and no allocation.
import type { SessionKey } from '../history/history.js';

export type EpisodeState = 'pending' | 'accepted' | 'rejected' | 'not-received' | 'indeterminate';

export interface EpisodeRecord {
  seq: bigint;
  state: EpisodeState;
  /** Time of the ACCEPTED ack; undefined when acceptance was learnt from a resume. */
  acceptedT?: number;
}

type Episodes = Map<string, EpisodeRecord>;

export class ProbeWindow {
  private readonly bySession = new Map<SessionKey, Episodes>();
  /** Insertion order of episodes across sessions, for eviction (lazily compacted). */
  private order: Array<{ episodes: Episodes; id: string }> = [];
  private head = 0;

  constructor(private readonly capacity: number) {}

  /** A send of this episode: a retry makes it pending again; an accepted episode stays accepted. */
  sent(session: SessionKey, episodeId: string, seq: bigint): void {
    if (episodeId === '' || this.capacity === 0) return;
    let episodes = this.bySession.get(session);
    if (!episodes) {
      episodes = new Map();
      this.bySession.set(session, episodes);
    }
    const record = episodes.get(episodeId);
    if (record) {
      if (record.state !== 'accepted') {
        record.state = 'pending';
        record.seq = seq;
      }
      return;
    }
    episodes.set(episodeId, { seq, state: 'pending' });
    this.order.push({ episodes, id: episodeId });
    if (this.order.length - this.head > this.capacity) this.evictOldest();
  }

  /** The outcome of a send; an accepted episode is never downgraded by a later outcome of a copy. */
  settled(session: SessionKey, episodeId: string, state: EpisodeState, acceptedT?: number): void {
    if (episodeId === '') return;
    const record = this.bySession.get(session)?.get(episodeId);
    if (!record || record.state === 'accepted') return;
    record.state = state;
    if (acceptedT !== undefined) record.acceptedT = acceptedT;
  }

  get(session: SessionKey, episodeId: string): EpisodeRecord | undefined {
    return this.bySession.get(session)?.get(episodeId);
  }

  private evictOldest(): void {
    const oldest = this.order[this.head++] as { episodes: Episodes; id: string };
    oldest.episodes.delete(oldest.id);
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
