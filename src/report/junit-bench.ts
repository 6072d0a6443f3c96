import type { Finding, FindingKind } from '../check/findings.js';
import { FINDING_KINDS } from '../check/findings.js';
import type { BenchResults } from '../results/results.js';
import { FINDING_TITLES, formatExample } from './finding-titles.js';
import { formatThresholdActual } from './format-number.js';
import type { JunitCase, JunitSuite } from './junit-xml.js';

function thresholdCases(r: BenchResults, classname: string): JunitCase[] {
  return r.thresholds.map((t) => {
    const name = `${t.expression} [${t.scope}]`;
    const measured = formatThresholdActual(t);
    if (t.passed === null)
      return { name, classname, seconds: 0, outcome: { kind: 'skipped', message: measured } };
    if (t.passed)
      return { name, classname, seconds: 0, outcome: { kind: 'passed' }, output: `measured ${measured}` };
    return {
      name,
      classname,
      seconds: 0,
      outcome: {
        kind: 'failure',
        type: 'threshold',
        message: `${t.metric} measured ${measured}; required ${t.expression} (${t.scope})`,
        detail: `Metric ${t.metric} over ${t.scope} measured ${measured}, which breaks ${t.expression}.`,
      },
    };
  });
}

function describeFindings(findings: Finding[]): string {
  return findings
    .map((f) =>
      [
        `${f.message} (${f.count} in all, ${f.severity})`,
        ...f.examples.map((e) => `  ${formatExample(e)}`),
      ].join('\n'),
    )
    .join('\n');
}

/** One case per finding kind, found or not, so CI shows every property that was checked. */
function checkCases(r: BenchResults, classname: string): JunitCase[] {
  const byKind = new Map<FindingKind, Finding[]>();
  for (const f of r.findings) byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), f]);
  return FINDING_KINDS.map((kind) => {
    const name = `${kind}: ${FINDING_TITLES[kind]}`;
    const found = byKind.get(kind) ?? [];
    if (found.length === 0) return { name, classname, seconds: 0, outcome: { kind: 'passed' } };
    const detail = describeFindings(found);
    const failing = found.filter((f) => f.severity === 'fail');
    if (failing.length === 0)
      return { name, classname, seconds: 0, outcome: { kind: 'passed' }, output: `Warning: ${detail}` };
    const total = failing.reduce((n, f) => n + f.count, 0);
    return {
      name,
      classname,
      seconds: 0,
      outcome: { kind: 'failure', type: kind, message: `${total} x ${failing[0]?.message ?? kind}`, detail },
    };
  });
}

function runCases(r: BenchResults, classname: string): JunitCase[] {
  const reasons = r.verdictReasons.join('\n');
  const completed: JunitCase = {
    name: 'The run completed',
    classname,
    seconds: r.durationMs / 1000,
    outcome:
      r.verdict === 'error'
        ? {
            kind: 'error',
            type: 'run-error',
            message: r.verdictReasons[0] ?? 'the run broke',
            detail: reasons,
          }
        : { kind: 'passed' },
    output: `Verdict: ${r.verdict}\n${reasons}`,
  };
  const g = r.generator;
  const health = `late sends ${g.lateSends} (${(g.lateSendShare * 100).toFixed(2)}%), held by send window ${g.heldBySendWindow}, event-loop lag p99 ${g.eventLoopLagP99Ms} ms, CPU ${g.cpuPercent.toFixed(0)}%`;
  const generator: JunitCase = {
    name: 'The generator kept up with the schedule',
    classname,
    seconds: 0,
    // A bottlenecked generator makes the run inconclusive: not a server failure.
    outcome: g.bottleneck
      ? {
          kind: 'skipped',
          message: `inconclusive: the generator was the bottleneck${g.note ? ` (${g.note})` : ''}`,
        }
      : { kind: 'passed' },
    output: health,
  };
  const unavailable: JunitCase[] = r.unavailable.map((u) => ({
    name: `Measurement ${u.metric} is available`,
    classname,
    seconds: 0,
    outcome: { kind: 'skipped', message: u.why },
  }));
  return [completed, generator, ...unavailable];
}

export function benchSuites(r: BenchResults): JunitSuite[] {
  const prefix = `engram-stream.bench.${r.scenario.name}`;
  const properties: [string, string][] = [
    ['tool.version', r.tool.version],
    ['scenario', r.scenario.name],
    ['scenario.digest', r.scenario.digest],
    ['shard', `${r.shard.index}/${r.shard.count}`],
    ['target', r.target.address],
    ['verdict', r.verdict],
    ['node', r.environment.node],
  ];
  const suite = (part: string, cases: JunitCase[]): JunitSuite => ({
    name: `bench.${r.scenario.name}.${part}`,
    timestamp: r.startedAt,
    hostname: r.environment.hostname,
    properties,
    cases,
  });
  return [
    suite('thresholds', thresholdCases(r, `${prefix}.thresholds`)),
    suite('checks', checkCases(r, `${prefix}.checks`)),
    suite('run', runCases(r, `${prefix}.run`)),
  ];
}
