// The checker's findings, each with its most telling examples.

import type { Finding } from '../../check/findings.js';
import { escapeMarkup } from '../escape.js';
import { FINDING_TITLES, formatExample } from '../finding-titles.js';

export function findingList(findings: Finding[]): string {
  const items = findings.map((f) => {
    const examples =
      f.examples.length > 0
        ? `<p>Examples (${f.examples.length} of ${f.count}):</p><ul class="examples">${f.examples
            .map((e) => `<li><code>${escapeMarkup(formatExample(e))}</code></li>`)
            .join('')}</ul>`
        : '';
    return (
      `<li class="finding finding-${f.severity}"><p><span class="badge badge-${f.severity === 'fail' ? 'FAIL' : 'NON-STRICT'}">` +
      `${f.severity === 'fail' ? 'failure' : 'warning'}</span> <strong>${escapeMarkup(f.kind)}</strong> ` +
      `(${f.count} in all): ${escapeMarkup(f.message)}</p>` +
      `<p class="how">Expected: ${escapeMarkup(FINDING_TITLES[f.kind])}.</p>${examples}</li>`
    );
  });
  return `<ul class="findings">${items.join('')}</ul>`;
}

export function findingsSection(findings: Finding[]): string {
  const body =
    findings.length > 0
      ? findingList(findings)
      : `<p>The checker found nothing wrong. It checked that:</p><ul>${Object.values(FINDING_TITLES)
          .map((t) => `<li>${escapeMarkup(t)}</li>`)
          .join('')}</ul>`;
  return `<section id="findings"><h2>What the checker found</h2>${body}</section>`;
}
