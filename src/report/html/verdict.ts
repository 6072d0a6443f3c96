// The verdict comes first: the word, a symbol (so it does not rely on colour) and why.

import type { Results, Verdict } from '../../results/results.js';
import { escapeMarkup } from '../escape.js';

const MEANING: Record<Verdict, { symbol: string; word: string; meaning: string }> = {
  passed: { symbol: '✓', word: 'PASSED', meaning: 'Every threshold and check passed.' },
  failed: { symbol: '✗', word: 'FAILED', meaning: 'At least one threshold, check or case failed.' },
  inconclusive: {
    symbol: '?',
    word: 'INCONCLUSIVE',
    meaning: 'Nothing failed, but the evidence was not enough to pass.',
  },
  error: { symbol: '!', word: 'ERROR', meaning: 'The run broke before it could be judged.' },
};

export function verdictSection(r: Results): string {
  const m = MEANING[r.verdict];
  const reasons =
    r.verdictReasons.length > 0
      ? `<ul class="reasons">${r.verdictReasons.map((x) => `<li>${escapeMarkup(x)}</li>`).join('')}</ul>`
      : '';
  return (
    `<section class="verdict verdict-${r.verdict}" id="verdict" aria-label="Verdict">` +
    `<p class="verdict-word"><span class="verdict-symbol" aria-hidden="true">${m.symbol}</span> ${m.word}</p>` +
    `<p>${escapeMarkup(m.meaning)}</p>${reasons}</section>`
  );
}
