// What the checker takes and gives: its options and its report. Kept apart from
// checker.ts so that bench and conform can name the types without the fold.

import type { HistoryEvent, SessionKey } from '../history/history.js';
import type { Histogram } from '../stats/histogram.js';
import type { CheckCounts, Finding } from './findings.js';
import type { NetworkMeasure } from './network-windows.js';

export type StreamEndEvent = Extract<HistoryEvent, { type: 'stream-end' }>;

/** Where a staleness sample came from. */
export type StalenessSource = 'indexed' | 'probe';

export interface CheckerOptions {
  /** P99 staleness above this (ms) is a finding; no bound, no check. */
  stalenessBoundMs?: number;
  /** Examples kept per finding kind (default 5). */
  maxExamples?: number;
  /**
   * Stream ends the caller provoked on purpose (a conformance case expecting
   * FAILED_PRECONDITION, a shutdown expecting UNAVAILABLE). Client cuts and
   * ABORTED after a resume fenced the stream are always expected.
   */
  isExpectedEnd?: (end: StreamEndEvent) => boolean;
  /** Called for every recovery or detection time after a network fault (see network-windows.ts). */
  onNetworkMeasure?: (what: NetworkMeasure, ms: number, t: number) => void;
  /** Called for every staleness sample, so bench can bucket them per second. */
  onStaleness?: (ms: number, session: SessionKey, seq: bigint, t: number, source: StalenessSource) => void;
  /**
   * How many of the most recent sends are remembered by episode id so that probe
   * events can be matched to their outcome (default 100,000). Probes of older
   * sends are counted as unmatched, never guessed.
   */
  probeWindow?: number;
  /**
   * Outstanding sends kept per stream (default 100,000). Beyond it the oldest
   * outstanding send is a silent drop: that many later sends were answered first.
   */
  maxPendingPerStream?: number;
  /** Accepted-but-not-yet-indexed entries kept per session for staleness (default 1,000,000). */
  maxStalenessBacklog?: number;
}

export interface CheckReport {
  findings: Finding[];
  counts: CheckCounts;
  /** Staleness in microseconds: ACCEPTED ack to first covering INDEXED mark. */
  staleness: Histogram;
  /** Staleness in microseconds: ACCEPTED ack to the first recall poll that found it. */
  stalenessProbe: Histogram;
}

export interface Checker {
  observe(e: HistoryEvent): void;
  /** Final report; an 'end' event is implied if none was observed. Call once. */
  finish(): CheckReport;
}
