// The text `bench --dry-run FILE` prints: what the run would do, computed by the same
// functions the run uses (arrivals, fault schedule, shard split), so the two never disagree.
import { formatDuration } from '../../util/duration.js';
import { isNetworkFault, type Phase, type PhaseShape, type Scenario } from '../scenario/scenario.js';
import { phaseArrivalCounts, phaseArrivalCountsFor } from './arrivals.js';
import { resolveFaults, type ScheduledFault } from './faults.js';
import { describeNetworkFault, type ScheduledNetworkFault } from './network-timeline.js';
import { type Shard, shardSessions, WHOLE_RUN } from './shard.js';

export function describeShape(shape: PhaseShape): string {
  switch (shape.kind) {
    case 'constant':
      return `constant ${rate(shape.rate)}`;
    case 'ramp':
      return `ramp ${rate(shape.from)} -> ${rate(shape.to)}`;
    case 'burst':
      return `burst ${rate(shape.rate)}, ${rate(shape.burstRate)} for the last ${formatDuration(shape.burstMs)} of every ${formatDuration(shape.everyMs)}`;
    case 'poisson':
      return `poisson mean ${rate(shape.rate)} (seed ${shape.seed})`;
  }
}

/** A moment of the run: formatDuration, but 0 reads as 0s rather than 0us. */
function at(ms: number): string {
  return ms === 0 ? '0s' : formatDuration(ms);
}

function rate(perSecond: number): string {
  return `${Number(perSecond.toFixed(2))}/s`;
}

/** `mine`: the sessions of this shard, when the run is sharded. */
function describeFault(scenario: Scenario, f: ScheduledFault, mine: ReadonlySet<number> | undefined): string {
  const when = f.afterCount !== undefined ? `after ${f.afterCount} obs (${at(f.atMs)})` : at(f.atMs);
  const local = mine ? ` (${f.sessions.filter((s) => mine.has(s)).length} in this shard)` : '';
  const who = `${Number((f.share * 100).toFixed(2))}% of sessions = ${f.sessions.length}${local}`;
  let what: string;
  switch (f.kind) {
    case 'disconnect':
      what = `disconnect (cut the ${f.cut}), resume after ${formatDuration(f.resumeAfterMs)}`;
      break;
    case 'gap':
      what = `${f.count} sequence gap(s) per session, expect REJECTED SEQUENCE_GAP`;
      break;
    case 'duplicate':
      what = `${f.count} duplicate(s) per session, expect REJECTED DUPLICATE_SEQUENCE`;
      break;
    case 'hold':
      what = `hold sends for ${formatDuration(f.holdMs)}, then send them at once`;
      break;
    default:
      what = describeNetworkFault(scenario, f as ScheduledNetworkFault);
  }
  return `  ${when.padEnd(24)} ${what}; ${who}`;
}

function table(rows: string[][]): string[] {
  const widths = (rows[0] as string[]).map((_, c) => Math.max(...rows.map((r) => (r[c] as string).length)));
  return rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c] as number)).join('  ')}`.trimEnd());
}

function phaseRows(scenario: Scenario, shard: Shard, sessions: number[]): string[][] {
  const all = phaseArrivalCounts(scenario);
  const local = phaseArrivalCountsFor(scenario, sessions);
  const sharded = shard.count > 1;
  const rows = [['phase', 'from', 'to', 'shape', 'observations', ...(sharded ? ['this shard'] : [])]];
  scenario.phases.forEach((p: Phase, i) => {
    rows.push([
      p.name,
      at(p.startMs),
      at(p.startMs + p.durationMs),
      describeShape(p.shape),
      String(all[i]),
      ...(sharded ? [String(local[i])] : []),
    ]);
  });
  const sum = (xs: number[]) => String(xs.reduce((a, b) => a + b, 0));
  rows.push(['total', '0s', at(scenario.totalMs), '', sum(all), ...(sharded ? [sum(local)] : [])]);
  return rows;
}

/**
 * The schedule of one shard (default: the whole run) as readable text. `target` is the
 * address the run would dial (--target, else the scenario's); absent: the embedded server.
 */
export function describeSchedule(
  scenario: Scenario,
  shard: Shard = WHOLE_RUN,
  target: string | undefined = scenario.target.address,
): string {
  const sessions = shardSessions(scenario.sessions, shard);
  const mine = shard.count > 1 ? new Set(sessions) : undefined;
  const dialled = target
    ? target
    : `embedded reference server (--dim ${scenario.dim}${scenario.target.serveArgs.length ? ` ${scenario.target.serveArgs.join(' ')}` : ''})`;
  const e = scenario.embeddings;
  const lines = [
    `Scenario ${scenario.name} (${scenario.file})${scenario.description ? `: ${scenario.description}` : ''}`,
    `Target: ${dialled}`,
    `Sessions: ${scenario.sessions}${shard.count > 1 ? `, shard ${shard.index}/${shard.count} runs ${sessions.length} of them` : ''}; send window ${scenario.sendWindow} per session; memory spaces ${scenario.memorySpaces.join(', ')}`,
    `Embeddings: ${scenario.dim}-d, ${e.kind === 'clustered' ? `clustered (${e.clusters} clusters, spread ${e.spread})` : 'random'}, seed ${e.seed}; INDEXED acks ${scenario.indexAcks ? 'requested' : 'not requested'}`,
    `Phases (rates are for the whole run; global arrival k goes to session k mod ${scenario.sessions}):`,
    ...table(phaseRows(scenario, shard, sessions)),
  ];
  const faults = resolveFaults(scenario);
  lines.push(faults.length ? 'Faults:' : 'Faults: none');
  for (const f of faults) lines.push(describeFault(scenario, f, mine));
  if (scenario.keepalive) {
    const k = scenario.keepalive;
    lines.push(
      `Keepalive: ping every ${formatDuration(k.timeMs)}, a connection silent ${formatDuration(k.timeoutMs)} after a ping is given up`,
    );
  }
  if (faults.some(isNetworkFault)) {
    lines.push('Network: each session dials the target through a fault proxy bench runs on 127.0.0.1');
  }
  const p = scenario.probes;
  lines.push(
    p.share > 0
      ? `Probes: ${Number((p.share * 100).toFixed(3))}% of observations, poll every ${formatDuration(p.pollIntervalMs)}, give up after ${formatDuration(p.timeoutMs)}`
      : 'Probes: none',
  );
  lines.push(scenario.thresholds.length ? 'Thresholds:' : 'Thresholds: none');
  for (const t of scenario.thresholds) {
    lines.push(`  ${t.scope.padEnd(12)} ${t.expression}${t.abortOnFail ? '  (abort on fail)' : ''}`);
  }
  lines.push(
    `Close: ${scenario.close.drain ? 'with drain (wait until everything accepted is indexed)' : 'without drain'}`,
  );
  return `${lines.join('\n')}\n`;
}
