// One self-contained HTML file per results file: inline SVG charts, inline styles, no
// network requests. Everything shown comes from the results JSON.

import type { BenchResults, ConformResults, Results } from '../results/results.js';
import { overTimeCharts, spectrumCharts } from './html/bench-charts.js';
import {
  eventsSection,
  figuresSection,
  generatorSection,
  thresholdsSection,
  unavailableSection,
} from './html/bench-tables.js';
import {
  CASES_SCRIPT,
  caseDetailsSection,
  casesTableSection,
  countsSection,
} from './html/conform-sections.js';
import { findingsSection } from './html/findings-section.js';
import { page } from './html/page.js';
import { runDetailsSection } from './html/run-details.js';
import { verdictSection } from './html/verdict.js';

function benchBody(r: BenchResults): string {
  const charts =
    r.series.length > 0
      ? overTimeCharts(r)
      : '<p>The run recorded no per-second series, so there is nothing to draw over time.</p>';
  const shard = r.shard.count > 1 ? `; this is shard ${r.shard.index}/${r.shard.count} only` : '';
  return [
    verdictSection(r),
    thresholdsSection(r),
    `<section id="over-time"><h2>Over time</h2><p class="how">Vertical lines mark phase changes (grey) and injected faults (red, dashed)${shard}.</p>${charts}</section>`,
    `<section id="spectra"><h2>Percentile spectra</h2>${spectrumCharts(r) || '<p>No latency or staleness samples were recorded.</p>'}</section>`,
    figuresSection(r),
    findingsSection(r.findings),
    unavailableSection(r),
    eventsSection(r),
    generatorSection(r),
    runDetailsSection(r),
  ].join('');
}

function conformBody(r: ConformResults): string {
  return [
    verdictSection(r),
    countsSection(r),
    casesTableSection(r),
    r.findings.length > 0 ? findingsSection(r.findings) : '',
    caseDetailsSection(r),
    runDetailsSection(r),
  ].join('');
}

export function renderHtml(results: Results): string {
  if (results.kind === 'bench') {
    return page({
      title: `Benchmark: ${results.scenario.name}`,
      subtitle: `engram-stream bench against ${results.target.address}, ${results.startedAt}${results.mergedShards ? `, merged from ${results.mergedShards} shards` : ''}`,
      body: benchBody(results),
    });
  }
  return page({
    title: 'Conformance report',
    subtitle: `engram-stream conform against ${results.target.address}, ${results.startedAt}`,
    body: conformBody(results),
    script: CASES_SCRIPT,
  });
}
