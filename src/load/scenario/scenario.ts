// The validated, normalized scenario: what the pacer, the drivers and the run work from.
// Every duration is in milliseconds, every rate in observations per second across all
// sessions of the run (all shards together).
import type { ToleranceRule } from '../../judge/compare/tolerance.js';
import type { Threshold } from '../../judge/thresholds/threshold.js';
import type { NetworkFault, NetworkFaultKind } from '../../netfault/network-fault.js';

export interface TargetDefaults {
  /** host:port (gRPC) or ws://... to benchmark; absent means the embedded reference server. */
  address?: string;
  /** The embedded server's transport: gRPC unless 'ws'. */
  transport?: 'grpc' | 'ws';
  /**
   * Extra flags for the embedded server, e.g. ['--queue-capacity', '2000'].
   * --dim, --host and --port are set by bench itself (dim from the scenario).
   */
  serveArgs: string[];
}

export type EmbeddingDistribution =
  | { kind: 'random'; seed: number }
  /** Points around `clusters` seeded centres; `spread` is the per-dimension noise relative to the centre. */
  | { kind: 'clustered'; seed: number; clusters: number; spread: number };

/** How the rate of one phase varies over the phase (t is ms since the phase started). */
export type PhaseShape =
  /** rate for the whole phase. */
  | { kind: 'constant'; rate: number }
  /** Linear from `from` at the phase start to `to` at its end. */
  | { kind: 'ramp'; from: number; to: number }
  /**
   * `rate` most of the time; in each period of `everyMs`, the last `burstMs` run at `burstRate`
   * (so a phase starts at the base rate and a burst closes each period).
   */
  | { kind: 'burst'; rate: number; burstRate: number; everyMs: number; burstMs: number }
  /** Poisson arrivals with mean `rate`: exponential gaps drawn from a PRNG seeded with `seed`. */
  | { kind: 'poisson'; rate: number; seed: number };

export interface Phase {
  name: string;
  /** Position in Scenario.phases. */
  index: number;
  /** ms from run start. */
  startMs: number;
  durationMs: number;
  shape: PhaseShape;
}

export type FaultKind = 'disconnect' | 'gap' | 'duplicate' | 'hold' | NetworkFaultKind;

/**
 * When a fault happens: at a time (`atMs`, ms from run start) or after a number of
 * observations of the run's global schedule (`afterCount`); exactly one is set.
 * resolveFaults() (src/load/schedule/faults.ts) turns both into a time and a set of sessions.
 */
interface FaultTrigger {
  atMs?: number;
  afterCount?: number;
  /** Share of the run's sessions affected, 0 < share <= 1. */
  share: number;
  /** Position in Scenario.faults. */
  index: number;
}

export type FaultEvent = FaultTrigger &
  (
    | {
        kind: 'disconnect';
        /** 'stream' cancels the ObserveStream call; 'channel' closes the whole gRPC channel. */
        cut: 'stream' | 'channel';
        /** Time from the cut to the resume (init with resume = true). */
        resumeAfterMs: number;
      }
    /** Each affected session sends `count` observations with a sequence gap (must come back SEQUENCE_GAP). */
    | { kind: 'gap'; count: number }
    /** Each affected session resends `count` already-acknowledged sequences (must come back DUPLICATE_SEQUENCE). */
    | { kind: 'duplicate'; count: number }
    /** Affected sessions hold their sends for `holdMs`, then send everything due at once (a burst). */
    | { kind: 'hold'; holdMs: number }
    | NetworkFaultBody
  );

/**
 * A fault on the wire between the affected sessions and the target, put there by the proxy
 * bench dials through. On for `durationMs` (a reset happens once, or every `everyMs` while
 * the duration lasts); its random choices come from `seed`.
 */
export interface NetworkFaultBody {
  kind: NetworkFaultKind;
  network: NetworkFault;
  /** Absent: until the end of the phases. */
  durationMs?: number;
  everyMs?: number;
  seed: number;
}

export type NetworkFaultEvent = Extract<FaultEvent, { network: NetworkFault }>;

export function isNetworkFault(f: FaultEvent): f is NetworkFaultEvent {
  return 'network' in f;
}

/** gRPC keepalive on bench's connections: a silent connection is given up after time + timeout. */
export interface Keepalive {
  timeMs: number;
  timeoutMs: number;
}

export interface ProbeSettings {
  /** Share of observations probed by recall for visibility, 0..1 (0: no probes). */
  share: number;
  pollIntervalMs: number;
  /** A probe not visible after this long counts as not visible (a lost write if it was accepted). */
  timeoutMs: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** The file it was loaded from, as given. */
  file: string;
  /** The YAML text as read, kept in the results (with a digest). */
  source: string;
  target: TargetDefaults;
  /** Session i writes to memorySpaces[i % memorySpaces.length]. */
  memorySpaces: string[];
  dim: number;
  embeddings: EmbeddingDistribution;
  /** Root seed of the run; Poisson phases default to seed + phase index. */
  seed: number;
  /** Sessions of the whole run (all shards together). */
  sessions: number;
  /** Maximum observations in flight (sent, not yet ACCEPTED/REJECTED) per session. */
  sendWindow: number;
  /** Ask the server for INDEXED acks at init. */
  indexAcks: boolean;
  phases: Phase[];
  /** Sum of phase durations. */
  totalMs: number;
  faults: FaultEvent[];
  /** Absent: no keepalive pings (gRPC's default). */
  keepalive?: Keepalive;
  probes: ProbeSettings;
  thresholds: Threshold[];
  /** The compare: block's tolerances, for `compare` and `bench --baseline`. */
  compareTolerances: ToleranceRule[];
  close: { drain: boolean };
}
