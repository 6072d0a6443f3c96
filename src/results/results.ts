// The results JSON: the single record every rendering (console, HTML, JUnit, hgrm)
// is made from. bench and conform write it; `report` reads, merges and renders it.
// Changes are additive (new optional fields); a breaking change bumps the version.
import type { CheckCounts, Finding } from '../check/findings.js';
import type { EncodedHistogram } from '../stats/histogram.js';
import type { Environment } from '../util/environment.js';

export const RESULTS_SCHEMA_VERSION = 2;

export type Verdict = 'passed' | 'failed' | 'inconclusive' | 'error';

export interface ToolInfo {
  name: 'engram-stream';
  version: string;
}

export interface TargetInfo {
  /** host:port as dialled. */
  address: string;
  /** True when the tool started its embedded reference server. */
  embedded: boolean;
  tls: boolean;
  /** How the network between tool and target was shaped, when it was (bench's fault proxy). */
  network?: string;
  /** How streams reached it; absent in records from before WebSocket (gRPC). */
  transport?: 'grpc' | 'ws';
  /** WebSocket: the dialect offered first. */
  dialect?: 'json' | 'proto';
  /** What the server said about itself (init capabilities), when it said anything. */
  capabilities?: Record<string, number | boolean>;
}

export interface ResultsBase {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  tool: ToolInfo;
  /** ISO 8601 wall-clock start. */
  startedAt: string;
  durationMs: number;
  target: TargetInfo;
  environment: Environment;
  verdict: Verdict;
  /** Why the verdict is what it is, one line each. */
  verdictReasons: string[];
  findings: Finding[];
}

// ---- bench ----

/** A measurement the run could not make, and why. */
export interface Unavailable {
  metric: string;
  why: string;
}

export type ThresholdOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A threshold as the scenario stated it: `metric op value[unit]` over the run or one phase. */
export interface ThresholdSpec {
  /** As written in the scenario, e.g. "staleness.p99 < 100ms". */
  expression: string;
  /** 'run' or a phase name. */
  scope: string;
  /** Canonical metric name, e.g. "staleness.p99", "rejected{OVERLOADED}". */
  metric: string;
  op: ThresholdOp;
  /** The bound in the metric's unit. */
  value: number;
  /** The unit of value and actual: 'ms' for durations, '/s' for rates, '' for counts and ratios. */
  unit: string;
}

export interface ThresholdResult extends ThresholdSpec {
  /** The measured value in the metric's unit (ms for durations), or null when not measurable. */
  actual: number | null;
  passed: boolean | null;
  /** Why it could not be judged, when passed is null. */
  note?: string;
}

export interface SeriesPoint {
  /** Whole seconds since the run's wall-clock start (aligns shards). */
  second: number;
  /** Epoch ms of the second's start, for cross-shard alignment. */
  epochMs: number;
  phase: string;
  offered: number;
  sent: number;
  accepted: number;
  rejected: Record<string, number>;
  indexed: number;
  inFlight: number;
  /** Per-second histograms (encoded) so merged series stay exact. */
  ackLatency?: EncodedHistogram;
  staleness?: EncodedHistogram;
  /** Most severe server state seen in this second. */
  serverState: string;
}

export interface Marker {
  /** ms from run start. */
  t: number;
  kind: 'phase' | 'fault' | 'abort';
  label: string;
}

export interface PhaseResult {
  name: string;
  startMs: number;
  durationMs: number;
  shape: string;
  offeredRate: number;
  histograms: Record<string, EncodedHistogram>;
  counters: Record<string, number>;
}

export interface GeneratorHealth {
  eventLoopLagP99Ms: number;
  eventLoopLagMaxMs: number;
  cpuPercent: number;
  /** Share of sends that left more than the lateness budget after their intended time. */
  lateSendShare: number;
  lateSends: number;
  heldBySendWindow: number;
  bottleneck: boolean;
  note?: string;
}

/** A run started at a given instant (`bench --start-at`), and how well it kept to it. */
export interface StartRecord {
  /** The common instant, ISO 8601 with ms: the run's time zero (equal to startedAt). */
  at: string;
  /** How long before the instant every session was ready (ms); merged: the least of the shards. */
  readyBeforeMs: number;
  /** How late the first observation left (ms), the latest of the sending threads; absent if none was sent. Merged: the latest shard. */
  latenessMs?: number;
  /** Merged runs: how far apart the shards started (the spread of their lateness, ms). */
  spreadMs?: number;
  /** Merged runs: each shard's own figures. */
  shards?: { index: number; readyBeforeMs: number; latenessMs?: number }[];
}

export interface BenchResults extends ResultsBase {
  kind: 'bench';
  scenario: { name: string; file: string; description: string; digest: string; source: string };
  shard: { index: number; count: number };
  /** Set by `report --merge`: how many shard results these were merged from. */
  mergedShards?: number;
  /** Set when the run started at a given instant (--start-at). */
  start?: StartRecord;
  /** Histograms for the whole run: ack_latency (from intended send), ack_latency_actual, staleness, staleness_probe ... */
  histograms: Record<string, EncodedHistogram>;
  counters: Record<string, number>;
  /** The history checker's counts over the whole run. */
  checkCounts: CheckCounts;
  phases: PhaseResult[];
  series: SeriesPoint[];
  markers: Marker[];
  thresholds: ThresholdResult[];
  generator: GeneratorHealth;
  /** Measurements the target made impossible, and why (e.g. no INDEXED acks). */
  unavailable: Unavailable[];
}

// ---- conform ----

export type CaseOutcome = 'PASS' | 'NON-STRICT' | 'FAIL' | 'SKIP' | 'INCONCLUSIVE' | 'ERROR';

export interface TranscriptEntry {
  /** ms since the case started. */
  t: number;
  dir: 'out' | 'in' | 'note';
  /** Stream number within the case, when it concerns a stream. */
  stream?: number;
  text: string;
}

export interface CaseResult {
  id: string;
  category: string;
  clauses: string[];
  requirement: string;
  outcome: CaseOutcome;
  durationMs: number;
  expected?: string;
  actual?: string;
  /** Why SKIP, INCONCLUSIVE, ERROR or NON-STRICT. */
  reason?: string;
  findings: Finding[];
  transcript: TranscriptEntry[];
  /** Transcript entries dropped to keep the file small, counted, never silently. */
  transcriptOmitted?: number;
}

export interface UnexpectedOutcome {
  id: string;
  outcome: CaseOutcome;
  /** What was expected: the pattern's outcomes, or a passing outcome when no pattern matched. */
  expected: CaseOutcome[] | 'pass';
  pattern?: string;
  reason?: string;
}

/** What a run's outcomes said about its expectations file (`conform --expect`). */
export interface ExpectationReport {
  file: string;
  /** Cases that gave the deviation they were expected to. */
  asExpected: { id: string; outcome: CaseOutcome; pattern: string }[];
  unexpected: UnexpectedOutcome[];
  /** Patterns that matched no case of this run (perhaps left out with --case). */
  unused: string[];
}

export interface ConformResults extends ResultsBase {
  kind: 'conform';
  strict: boolean;
  counts: Record<CaseOutcome, number>;
  cases: CaseResult[];
  /** Set when the run was judged against known deviations. */
  expectations?: ExpectationReport;
}

export type Results = BenchResults | ConformResults;
