import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../src/judge/merge/merge-results.js';
import { hgrmFiles } from '../../src/report/hgrm.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJunit } from '../../src/report/junit.js';
import { readResults } from '../../src/report/run-report.js';
import type { BenchResults } from '../../src/results/results.js';
import { decodeHistogram } from '../../src/stats/histogram.js';
import { BENCH_CHARTS } from './chart-ids.js';
import { benchFixture, conformFixture, SHARDS } from './fixtures.js';
import { hasXmllint, validateJunit } from './xmllint.js';

describe('reports from real runs', () => {
  it('bench HTML: verdict first with its reasons, every threshold, every chart drawn', () => {
    const r = benchFixture();
    const html = renderHtml(r);
    expect(html.indexOf('id="verdict"')).toBeLessThan(html.indexOf('id="thresholds"'));
    expect(html).toContain(r.verdict.toUpperCase());
    for (const reason of r.verdictReasons) expect(html).toContain(reason.replaceAll('>', '&gt;'));
    expect(html.match(/<tr><td><code>/g)).toHaveLength(r.thresholds.length);
    for (const id of BENCH_CHARTS)
      expect(html).toMatch(new RegExp(`data-chart="${id}"[^>]*>.*?<path [^>]*d="M`));
    expect(html).toContain(r.scenario.digest);
    expect(html).toContain(r.environment.cpuModel);
  });

  it('conform HTML: one row and one folded case per case, transcripts, counts', () => {
    const r = conformFixture();
    const html = renderHtml(r);
    expect(html.match(/<tr data-outcome="/g)).toHaveLength(r.cases.length);
    expect(html.match(/<details class="case"/g)).toHaveLength(r.cases.length);
    const withTranscript = r.cases.filter((c) => c.transcript.length > 0).length;
    expect(html.match(/<details class="transcript">/g)).toHaveLength(withTranscript);
    expect(html.match(/<tr data-outcome="FAIL"/g)).toHaveLength(r.counts.FAIL);
  });

  it.skipIf(!hasXmllint)('JUnit of real bench and conform results validates against the schema', () => {
    validateJunit(renderJunit(benchFixture()));
    validateJunit(renderJunit(conformFixture()));
  });

  it('conform JUnit: FAIL cases are failures, SKIP is skipped with its reason', () => {
    const r = conformFixture();
    const xml = renderJunit(r);
    expect(xml.match(/<failure /g)).toHaveLength(r.counts.FAIL);
    expect(xml.match(/<skipped /g)).toHaveLength(r.counts.SKIP + r.counts.INCONCLUSIVE);
  });

  it('hgrm: one percentile-distribution file per histogram, run and phases', () => {
    const r = benchFixture();
    const files = hgrmFiles(r);
    const expected =
      Object.keys(r.histograms).length + r.phases.reduce((n, p) => n + Object.keys(p.histograms).length, 0);
    expect(files).toHaveLength(expected);
    const ack = files.find((f) => f.name === 'ack_latency.hgrm');
    expect(ack?.text).toMatch(/^\s+Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)/);
    const total = decodeHistogram(r.histograms.ack_latency as never).totalCount;
    expect(ack?.text).toMatch(new RegExp(`Total count\\s+=\\s+${total}`));
    expect(files.some((f) => f.name.startsWith('phase-steady.'))).toBe(true);
  });

  it('merging the two shards of a real run: histograms add, thresholds judged again on the whole', () => {
    const shards = SHARDS.map((f) => readResults(f) as BenchResults);
    const merged = mergeResults(shards, SHARDS);
    const count = (r: BenchResults) => r.histograms.ack_latency?.summary.count ?? 0;
    expect(count(merged)).toBe(count(shards[0] as BenchResults) + count(shards[1] as BenchResults));
    expect(merged.counters.accepted).toBe(
      (shards[0]?.counters.accepted ?? 0) + (shards[1]?.counters.accepted ?? 0),
    );
    // Each shard injected 2 of the scenario's 4 gaps: alone it fails, merged it passes.
    const gap = (r: BenchResults) => r.thresholds.find((t) => t.expression === 'rejected{SEQUENCE_GAP} >= 4');
    expect(shards.map((s) => gap(s)?.passed)).toEqual([false, false]);
    expect(gap(merged)).toMatchObject({ actual: 4, passed: true });
    expect(merged.series.reduce((n, p) => n + p.sent, 0)).toBe(merged.counters.sent);
  });
});
