// What a session driver reports while it runs, so the run can keep its metrics
// (histograms, counters, the per-second series) without the driver knowing them.
// Times are ms on the run clock.

/**
 * Why a first send left after its intended time: held by the in-flight window,
 * deferred (retry-after, hold fault, disconnect, transport backpressure), or
 * simply late (the generator itself was behind, beyond the lateness budget).
 */
export type SendDelay = 'window' | 'deferred' | 'late';

export interface DriverEvents {
  /** An arrival of the schedule came due (the open model's offered load). */
  offered(intendedT: number): void;
  /** An observation went on the wire; `first` false for a retry of the same sequence. */
  transmitted(t: number, intendedT: number, first: boolean, delay: SendDelay | undefined): void;
  /** Its ACCEPTED ack: latency from the intended and from the actual (last) send time. */
  accepted(t: number, intendedT: number, sentT: number): void;
  /** A REJECTED ack; `injected` true for deliberate gaps and duplicates. */
  rejected(t: number, reason: string, injected: boolean): void;
  /** A StreamStatus state from the server, e.g. 'BACKPRESSURE'. */
  serverState(t: number, state: string): void;
  /** Anything else worth counting (retries, resumes, faults ...). */
  count(name: string, n?: number): void;
  /** A measurement the target made impossible, and why (once per metric is enough). */
  unavailable(metric: string, why: string): void;
}

/** Counter names the driver uses, in one place for the run and the docs. */
export const DriverCounter = {
  injectedGaps: 'injected_gaps',
  injectedDuplicates: 'injected_duplicates',
  disconnects: 'disconnects',
  resumes: 'resumes',
  unplannedResumes: 'unplanned_resumes',
  settledByResume: 'settled_by_resume',
  holds: 'holds',
  notSent: 'not_sent',
  notOffered: 'not_offered',
  notAcceptedAtEnd: 'not_accepted_at_end',
  unresolvedAtEnd: 'unresolved_at_end',
  sessionsFailed: 'sessions_failed',
  probes: 'probes',
} as const;
