// A comparison as JUnit: one test case per metric (bench) or per changed case
// (conform); a regression is a failure, an undecided decisive metric is skipped.
import type { Comparison, MetricChange } from '../../judge/compare/comparison.js';
import { type JunitCase, writeJunitXml } from '../junit-xml.js';
import { formatChange, formatInterval, formatTolerance, formatValue } from './format-change.js';

function metricCase(m: MetricChange): JunitCase {
  const name = m.metric;
  const classname = `compare.${m.group}`;
  const summary = `baseline ${formatValue(m.baseline, m.unit)}, current ${formatValue(m.current, m.unit)}, change ${formatChange(m)}, interval ${formatInterval(m)}, tolerance ${formatTolerance(m)}`;
  const output = `${m.verdict}: ${summary}${m.note ? `; ${m.note}` : ''}`;
  if (m.verdict === 'REGRESSED') {
    return {
      name,
      classname,
      seconds: 0,
      outcome: {
        kind: 'failure',
        type: 'regression',
        message: `${m.metric} regressed: ${formatChange(m)}`,
        detail: output,
      },
    };
  }
  if (m.verdict === 'INCONCLUSIVE') {
    return {
      name,
      classname,
      seconds: 0,
      outcome: { kind: 'skipped', message: m.note ?? 'inconclusive' },
      output,
    };
  }
  return { name, classname, seconds: 0, outcome: { kind: 'passed' }, output };
}

export function renderCompareJunit(c: Comparison): string {
  const timestamp = c.current.startedAt;
  const properties: [string, string][] = [
    ['baseline', c.baseline.file],
    ['current', c.current.file],
    ['verdict', c.verdict],
    ...c.warnings.map((w, i): [string, string] => [`warning.${i + 1}`, w]),
  ];
  if (c.kind === 'bench') {
    return writeJunitXml(`engram-stream compare ${c.scenario}`, [
      {
        name: `compare ${c.scenario}`,
        timestamp,
        hostname: 'engram-stream',
        properties,
        cases: c.metrics.map(metricCase),
      },
    ]);
  }
  const cases: JunitCase[] = c.changes.map((x) => {
    const text = `${x.baseline ?? 'absent'} → ${x.current ?? 'absent'}${x.detail ? `: ${x.detail}` : ''}`;
    const outcome: JunitCase['outcome'] =
      x.verdict === 'REGRESSED'
        ? {
            kind: 'failure',
            type: 'regression',
            message: `${x.id}: ${x.baseline} → ${x.current}`,
            detail: text,
          }
        : x.verdict === 'INCONCLUSIVE'
          ? { kind: 'skipped', message: text }
          : { kind: 'passed' };
    return { name: x.id, classname: 'compare.conform', seconds: 0, outcome, output: text };
  });
  return writeJunitXml('engram-stream compare conform', [
    { name: 'compare conform', timestamp, hostname: 'engram-stream', properties, cases },
  ]);
}
