// Whether two bench runs can be compared at all (one scenario, whole runs), and what
// differs between them that a reader should know (machine, target, tool).
import { isDeepStrictEqual } from 'node:util';
import { parse } from 'yaml';
import type { BenchResults, Results } from '../../results/results.js';
import { UserError } from '../../util/user-error.js';

/**
 * Keys of a scenario that do not change the load it offers: how a run is judged, and
 * the target (comparing one load against two servers is the point of a comparison;
 * the difference is reported as a warning).
 */
const NOT_LOAD_KEYS = ['description', 'thresholds', 'compare', 'target'];

function parsed(source: string): Record<string, unknown> | undefined {
  try {
    const doc = parse(source) as unknown;
    return doc && typeof doc === 'object' ? (doc as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function loadDefinition(source: string): unknown {
  try {
    const doc = parse(source) as Record<string, unknown> | null;
    if (!doc || typeof doc !== 'object') return doc;
    return Object.fromEntries(Object.entries(doc).filter(([k]) => !NOT_LOAD_KEYS.includes(k)));
  } catch {
    return source;
  }
}

/** Refuses (UserError) runs that are not two whole bench runs of one scenario. */
export function assertComparable(
  baseline: BenchResults,
  current: BenchResults,
  files: { baseline: string; current: string },
): void {
  for (const [r, file] of [
    [baseline, files.baseline],
    [current, files.current],
  ] as const) {
    if (r.shard.count > 1 && r.mergedShards === undefined) {
      throw new UserError(
        `${file}: shard ${r.shard.index}/${r.shard.count} is a part of a run; merge the shards first with 'engram-stream report SHARDS... --merge FILE'`,
      );
    }
  }
  if (baseline.scenario.digest === current.scenario.digest) return;
  if (
    baseline.scenario.name === current.scenario.name &&
    isDeepStrictEqual(loadDefinition(baseline.scenario.source), loadDefinition(current.scenario.source))
  ) {
    return;
  }
  throw new UserError(
    `${files.current}: scenario '${current.scenario.name}' (digest ${current.scenario.digest.slice(0, 12)}) is not the scenario of ${files.baseline} ('${baseline.scenario.name}', digest ${baseline.scenario.digest.slice(0, 12)}); compare runs of one scenario`,
  );
}

/** One line per difference between the runs' machines, targets and tools. */
export function environmentWarnings(baseline: Results, current: Results): string[] {
  const out: string[] = [];
  const diff = (what: string, a: unknown, b: unknown) => {
    if (a !== b) out.push(`${what} differs: baseline ${String(a)}, current ${String(b)}`);
  };
  diff('cores', baseline.environment.cpus, current.environment.cpus);
  diff('CPU model', baseline.environment.cpuModel, current.environment.cpuModel);
  diff('Node.js', baseline.environment.node, current.environment.node);
  diff('tool version', baseline.tool.version, current.tool.version);
  const target = (r: Results) => (r.target.embedded ? 'the embedded server' : r.target.address);
  diff('target', target(baseline), target(current));
  diff('TLS', baseline.target.tls, current.target.tls);
  if (baseline.kind === 'bench' && current.kind === 'bench') {
    const serve = (r: BenchResults) => JSON.stringify(parsed(r.scenario.source)?.target ?? {});
    diff("the scenario's target block", serve(baseline), serve(current));
  }
  return out;
}
