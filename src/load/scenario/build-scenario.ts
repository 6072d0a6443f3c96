// From the schema's output to the Scenario the run uses, with the checks that span several
// keys (unique phase names, threshold scopes, fault times). Each problem keeps its key path.
import { parseToleranceRule, type ToleranceRule } from '../../judge/compare/tolerance.js';
import { resolveMetric } from '../../judge/thresholds/metrics.js';
import { parseThresholdExpression } from '../../judge/thresholds/parse-threshold.js';
import type { Threshold } from '../../judge/thresholds/threshold.js';
import { UserError } from '../../util/user-error.js';
import { totalArrivals } from '../schedule/arrivals.js';
import type { FaultEvent, NetworkFaultBody, Phase, PhaseShape, Scenario } from './scenario.js';
import type { RawScenario } from './schema.js';
import type { KeyPath } from './yaml-location.js';

export interface BuildIssue {
  path: KeyPath;
  /** Point at this key inside the map at path rather than at its value. */
  key?: string;
  message: string;
}

/** Poisson arrival times are kept in memory (8 bytes each) in every worker: 160 MB at most. */
const MAX_POISSON_ARRIVALS = 20_000_000;

/** Flags bench sets on the embedded server itself. */
const RESERVED_SERVE_FLAGS = ['dim', 'host', 'port'];

type RawPhase = RawScenario['phases'][number];
type RawFault = RawScenario['faults'][number];

export function buildScenario(
  raw: RawScenario,
  file: string,
  source: string,
): { scenario: Scenario; issues: BuildIssue[] } {
  const issues: BuildIssue[] = [];
  const phases = buildPhases(raw, issues);
  const scenario: Scenario = {
    name: raw.name,
    description: raw.description.trim(),
    file,
    source,
    target: {
      ...(raw.target.address ? { address: raw.target.address } : {}),
      ...(raw.target.transport ? { transport: raw.target.transport } : {}),
      serveArgs: serveArgs(raw.target.serve, issues),
    },
    memorySpaces: raw.memorySpaces,
    dim: raw.dim,
    embeddings:
      raw.embeddings?.kind === 'clustered'
        ? { ...raw.embeddings, seed: raw.embeddings.seed ?? raw.seed }
        : { kind: 'random', seed: raw.embeddings?.seed ?? raw.seed },
    seed: raw.seed,
    sessions: raw.sessions,
    sendWindow: raw.sendWindow,
    indexAcks: raw.indexAcks,
    phases,
    totalMs: phases.reduce((sum, p) => sum + p.durationMs, 0),
    faults: [],
    ...(raw.keepalive ? { keepalive: { timeMs: raw.keepalive.time, timeoutMs: raw.keepalive.timeout } } : {}),
    probes: {
      share: raw.probes.share,
      pollIntervalMs: raw.probes.pollInterval,
      timeoutMs: raw.probes.timeout,
    },
    thresholds: buildThresholds(raw, phases, issues),
    compareTolerances: buildTolerances(raw, issues),
    close: raw.close,
  };
  // Fault checks need the finished schedule (a count maps to a time through the arrivals).
  if (issues.length === 0) scenario.faults = raw.faults.map((f, i) => buildFault(f, i, scenario, issues));
  return { scenario, issues };
}

/** The compare: block's tolerances, parsed by the same code that `compare --tolerance` uses. */
function buildTolerances(raw: RawScenario, issues: BuildIssue[]): ToleranceRule[] {
  return Object.entries(raw.compare?.tolerances ?? {}).flatMap(([metric, change]) => {
    try {
      return [parseToleranceRule(`${metric}=${String(change)}`, undefined, 'scenario')];
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      issues.push({ path: ['compare', 'tolerances', metric], message: err.message });
      return [];
    }
  });
}

function buildPhases(raw: RawScenario, issues: BuildIssue[]): Phase[] {
  const seen = new Set<string>();
  let startMs = 0;
  return raw.phases.map((p, index) => {
    if (p.name === 'run') {
      issues.push({
        path: ['phases', index, 'name'],
        message: "'run' names the whole run; give the phase another name",
      });
    } else if (seen.has(p.name)) {
      issues.push({
        path: ['phases', index, 'name'],
        message: `phase name '${p.name}' is used twice; names must be unique`,
      });
    }
    seen.add(p.name);
    const phase: Phase = {
      name: p.name,
      index,
      startMs,
      durationMs: p.duration,
      shape: shapeOf(p, index, raw.seed, issues),
    };
    startMs += p.duration;
    return phase;
  });
}

function shapeOf(p: RawPhase, index: number, seed: number, issues: BuildIssue[]): PhaseShape {
  switch (p.shape) {
    case 'constant':
      return { kind: 'constant', rate: p.rate };
    case 'ramp':
      return { kind: 'ramp', from: p.from, to: p.to };
    case 'poisson':
      if ((p.rate * p.duration) / 1000 > MAX_POISSON_ARRIVALS) {
        issues.push({
          path: ['phases', index, 'rate'],
          message: `a Poisson phase's arrivals are drawn up front and are limited to ${MAX_POISSON_ARRIVALS} (rate x duration); split the phase or use 'shape: constant'`,
        });
      }
      return { kind: 'poisson', rate: p.rate, seed: p.seed ?? seed + index };
    case 'burst':
      if (p.burst.for >= p.burst.every) {
        issues.push({
          path: ['phases', index, 'burst', 'for'],
          message: `a burst must be shorter than its period (every: ${p.burst.every}ms); write e.g. 'every: 10s, for: 1s'`,
        });
      }
      return {
        kind: 'burst',
        rate: p.rate,
        burstRate: p.burst.rate,
        everyMs: p.burst.every,
        burstMs: p.burst.for,
      };
  }
}

function buildThresholds(raw: RawScenario, phases: Phase[], issues: BuildIssue[]): Threshold[] {
  const scopes = ['run', ...phases.map((p) => p.name)];
  const built: Threshold[] = [];
  raw.thresholds.forEach((t, i) => {
    const written = typeof t === 'string' ? t : t.expr;
    const outcome = parseThresholdExpression(written);
    if (!outcome.ok) {
      issues.push({
        path: typeof t === 'string' ? ['thresholds', i] : ['thresholds', i, 'expr'],
        message: outcome.message,
      });
      return;
    }
    const scope = typeof t === 'string' ? 'run' : t.scope;
    if (scope !== 'run' && resolveMetric(outcome.parsed.metric)?.runOnly) {
      issues.push({
        path: ['thresholds', i, 'scope'],
        message: `${outcome.parsed.metric} is judged over the whole run by the history checker; write 'scope: run' or leave scope out`,
      });
      return;
    }
    if (!scopes.includes(scope)) {
      issues.push({
        path: ['thresholds', i, 'scope'],
        message: `unknown scope '${scope}'; write 'run' or a phase name: ${scopes.join(', ')}`,
      });
      return;
    }
    built.push({
      expression: written.trim(),
      ...outcome.parsed,
      scope,
      abortOnFail: typeof t === 'string' ? false : t.abortOnFail,
    });
  });
  return built;
}

function buildFault(f: RawFault, index: number, scenario: Scenario, issues: BuildIssue[]): FaultEvent {
  const path = ['faults', index];
  if ((f.at === undefined) === (f.after === undefined)) {
    issues.push({
      path,
      message: "a fault needs exactly one of 'at: 20s' (a time) or 'after: 5000' (observations sent)",
    });
  } else if (f.at !== undefined && f.at >= scenario.totalMs) {
    issues.push({
      path: [...path, 'at'],
      message: `at ${f.at}ms is not before the end of the phases (${scenario.totalMs}ms); pick an earlier time`,
    });
  } else if (f.after !== undefined && f.after > totalArrivals(scenario)) {
    issues.push({
      path: [...path, 'after'],
      message: `after ${f.after} observations, but the phases send only ${totalArrivals(scenario)}; pick a smaller count`,
    });
  }
  const trigger = {
    ...(f.at !== undefined ? { atMs: f.at } : {}),
    ...(f.after !== undefined ? { afterCount: f.after } : {}),
    share: f.share,
    index,
  };
  switch (f.kind) {
    case 'disconnect':
      return { ...trigger, kind: 'disconnect', cut: f.cut, resumeAfterMs: f.resumeAfter };
    case 'gap':
      return { ...trigger, kind: 'gap', count: f.count };
    case 'duplicate':
      return { ...trigger, kind: 'duplicate', count: f.count };
    case 'hold':
      return { ...trigger, kind: 'hold', holdMs: f.for };
    default:
      return { ...trigger, ...networkFault(f, index, scenario, issues) };
  }
}

type RawNetworkFault = Exclude<RawFault, { kind: 'disconnect' | 'gap' | 'duplicate' | 'hold' }>;

/** Resets closer together than this would only measure reconnecting. */
const MIN_RESET_EVERY_MS = 100;

/** Seeds of network faults default apart from the scenario's other seeds. */
const NETWORK_SEED_OFFSET = 1000;

function networkFault(
  f: RawNetworkFault,
  index: number,
  scenario: Scenario,
  issues: BuildIssue[],
): NetworkFaultBody {
  const common = {
    kind: f.kind,
    seed: f.seed ?? scenario.seed + NETWORK_SEED_OFFSET + index,
    ...(f.duration !== undefined ? { durationMs: f.duration } : {}),
  };
  switch (f.kind) {
    case 'latency':
      return {
        ...common,
        network: {
          kind: 'latency',
          delayMs: f.delay,
          jitterMs: f.jitter,
          distribution: f.distribution,
          direction: f.direction,
        },
      };
    case 'bandwidth':
      return {
        ...common,
        network: { kind: 'bandwidth', bytesPerSecond: f.bytesPerSecond, direction: f.direction },
      };
    case 'reset':
      if (f.every !== undefined && f.every < MIN_RESET_EVERY_MS) {
        issues.push({
          path: ['faults', index, 'every'],
          message: `resets at most every ${MIN_RESET_EVERY_MS}ms: a connection needs time to come back between them; write e.g. 'every: 1s'`,
        });
      }
      if (f.duration !== undefined && f.every === undefined) {
        issues.push({
          path: ['faults', index, 'duration'],
          message:
            "a single reset has no duration; add 'every: 5s' to repeat it while the duration lasts, or remove 'duration'",
        });
      }
      return {
        ...common,
        ...(f.every !== undefined ? { everyMs: f.every } : { durationMs: 0 }),
        network: { kind: 'reset', midFrame: f.midFrame, direction: f.direction },
      };
    case 'blackhole':
      return { ...common, network: { kind: 'blackhole', direction: f.direction } };
    case 'slow-close':
      return { ...common, network: { kind: 'slow-close', delayMs: f.delay } };
    case 'stall-reads':
      return { ...common, network: { kind: 'stall-reads' } };
  }
}

function serveArgs(serve: Record<string, string | number | boolean>, issues: BuildIssue[]): string[] {
  const args: string[] = [];
  for (const [flag, value] of Object.entries(serve)) {
    if (RESERVED_SERVE_FLAGS.includes(flag)) {
      issues.push({
        path: ['target', 'serve'],
        key: flag,
        message: `'${flag}' is set by bench itself (dim from the scenario's 'dim', host and port chosen free); remove it`,
      });
    } else if (value === true) {
      args.push(`--${flag}`);
    } else if (value !== false) {
      args.push(`--${flag}`, String(value));
    }
  }
  return args;
}
