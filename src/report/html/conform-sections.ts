// The conformance report: counts by outcome, the case table (filterable by outcome) and
// each case's requirement, expected, actual and wire transcript, folded until opened.

import type { CaseOutcome, CaseResult, ConformResults } from '../../results/results.js';
import { escapeMarkup } from '../escape.js';
import { formatTranscript } from '../transcript-text.js';
import { findingList } from './findings-section.js';
import { type RowSpec, table } from './table.js';

export const OUTCOMES: CaseOutcome[] = ['PASS', 'NON-STRICT', 'FAIL', 'SKIP', 'INCONCLUSIVE', 'ERROR'];

const OUTCOME_MEANING: Record<CaseOutcome, string> = {
  PASS: 'meets the requirement',
  'NON-STRICT': 'allowed by the protocol but not recommended',
  FAIL: 'breaks the requirement',
  SKIP: 'the server lacks an optional feature',
  INCONCLUSIVE: 'too little evidence to judge',
  ERROR: 'the tester or the connection broke',
};

const caseAnchor = (c: CaseResult): string => `case-${c.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
const badge = (o: CaseOutcome): string => `<span class="badge badge-${o}">${o}</span>`;

export function countsSection(r: ConformResults): string {
  const cards = OUTCOMES.map(
    (o) =>
      `<li class="count">${badge(o)}<span class="count-number">${r.counts[o] ?? 0}</span>` +
      `<span class="count-meaning">${escapeMarkup(OUTCOME_MEANING[o])}</span></li>`,
  );
  return `<section id="counts"><h2>Cases by outcome</h2><ul class="counts">${cards.join('')}</ul></section>`;
}

export function casesTableSection(r: ConformResults): string {
  const buttons = ['ALL', ...OUTCOMES].map(
    (o) =>
      `<button type="button" data-filter="${o}" aria-pressed="${o === 'ALL'}">${o === 'ALL' ? 'All' : o} ` +
      `(${o === 'ALL' ? r.cases.length : r.cases.filter((c) => c.outcome === o).length})</button>`,
  );
  const rows: RowSpec[] = r.cases.map((c) => ({
    attrs: `data-outcome="${c.outcome}"`,
    cells: [
      { html: `<a class="nowrap" href="#${caseAnchor(c)}">${escapeMarkup(c.id)}</a>` },
      { html: c.clauses.map((x) => `<span class="nowrap">${escapeMarkup(x)}</span>`).join(', ') },
      c.requirement,
      { html: badge(c.outcome) },
    ],
  }));
  return (
    `<section id="cases"><h2>Cases</h2><div class="filters" role="group" aria-label="Show cases by outcome">${buttons.join('')}</div>` +
    `${table('Every case run: its ID, the protocol clauses it checks, the requirement and the outcome', ['Case', 'Clauses', 'Requirement', 'Outcome'], rows, 'cases')}</section>`
  );
}

function field(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<dt>${escapeMarkup(name)}</dt><dd>${escapeMarkup(value)}</dd>`;
}

function caseDetails(c: CaseResult): string {
  const facts =
    field('Requirement', c.requirement) +
    field('Clauses', c.clauses.join(', ')) +
    field('Expected', c.expected) +
    field('Actual', c.actual) +
    field('Why', c.reason) +
    field('Took', `${c.durationMs.toFixed(1)} ms`);
  const findings = c.findings.length > 0 ? findingList(c.findings) : '';
  const transcript =
    c.transcript.length > 0
      ? `<details class="transcript"><summary>Wire transcript (${c.transcript.length} entries; -&gt; sent, &lt;- received)</summary>` +
        `<pre>${escapeMarkup(formatTranscript(c))}</pre></details>`
      : '<p class="how">No wire transcript was recorded.</p>';
  return (
    `<details class="case" id="${caseAnchor(c)}" data-outcome="${c.outcome}"><summary>${badge(c.outcome)} ` +
    `<strong>${escapeMarkup(c.id)}</strong> ${escapeMarkup(c.requirement)}</summary>` +
    `<dl class="details">${facts}</dl>${findings}${transcript}</details>`
  );
}

export function caseDetailsSection(r: ConformResults): string {
  return `<section id="case-details"><h2>Case details</h2><p class="how">Open a case to see what was expected, what happened, and the messages on the wire.</p>${r.cases.map(caseDetails).join('')}</section>`;
}

/** Filters case rows and details by outcome, and opens a case linked from the table. Without script every case stays visible. */
export const CASES_SCRIPT = `for (const b of document.querySelectorAll('[data-filter]')) {
  b.addEventListener('click', () => {
    const want = b.dataset.filter;
    for (const e of document.querySelectorAll('[data-outcome]')) e.hidden = want !== 'ALL' && e.dataset.outcome !== want;
    for (const x of document.querySelectorAll('[data-filter]')) x.setAttribute('aria-pressed', String(x === b));
  });
}
const openLinked = () => {
  const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target instanceof HTMLDetailsElement) target.open = true;
};
addEventListener('hashchange', openLinked);
openLinked();`;
