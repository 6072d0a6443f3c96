// Percentile spectrum as HdrHistogram plots it: value against percentile on a
// 1/(1-p) log axis, so the tail (99%, 99.9%, ...) gets as much room as the median.

import { decodeHistogram, type EncodedHistogram } from '../../stats/histogram.js';
import { escapeMarkup } from '../escape.js';
import { formatNumber } from '../format-number.js';
import { type Bound, boundSvg, valuesWithBound } from './bound-line.js';
import { chartSvg, linePath, PLOT } from './chart-frame.js';
import { figure, type LegendItem } from './figure.js';
import { OKABE_ITO } from './palette.js';
import { linearScale, type Scale } from './scale.js';

export interface SpectrumLine {
  label: string;
  colour: string;
  histogram: EncodedHistogram;
}

export interface SpectrumSpec {
  id: string;
  title: string;
  how: string;
  yLabel: string;
  lines: SpectrumLine[];
  bound?: Bound;
}

const STEPS_PER_DECADE = 40;

/** "nines" = log10(1/(1-p)): 0 is p0, 1 is p90, 2 is p99, 3 is p99.9 ... */
function percentileOfNines(n: number): number {
  return 100 * (1 - 10 ** -n);
}

function ninesLabel(n: number): string {
  return `${Number(percentileOfNines(n).toPrecision(n + 2))}%`;
}

/** As many nines as the sample count supports, at least p90 and at most p99.9999. */
function maxNines(lines: SpectrumLine[]): number {
  const count = Math.max(...lines.map((l) => l.histogram.summary.count));
  return Math.min(6, Math.max(1, Math.ceil(Math.log10(Math.max(count, 10)))));
}

export function spectrumChart(spec: SpectrumSpec): string {
  const present = spec.lines.filter((l) => l.histogram.summary.count > 0);
  const top = maxNines(present.length > 0 ? present : spec.lines);
  const xs: number[] = [];
  for (let i = 0; i <= top * STEPS_PER_DECADE; i++) xs.push(i / STEPS_PER_DECADE);
  const valuesMs = present.map((l) => {
    const h = decodeHistogram(l.histogram);
    return xs.map((n) => h.getValueAtPercentile(percentileOfNines(n)) / 1000);
  });
  const all = valuesMs.flat();

  // Linear, as HdrHistogram plots it: the 1/(1-p) axis already gives the tail its room.
  const y = linearScale(0, Math.max(0, ...valuesWithBound(all, spec.bound)), PLOT.bottom, PLOT.top);
  const x: Scale = {
    toPx: (n) => PLOT.left + (n / top) * (PLOT.right - PLOT.left),
    ticks: Array.from({ length: top + 1 }, (_, n) => ({ value: n, label: ninesLabel(n) })),
    log: false,
  };
  const paths = present
    .map((l, i) => {
      const d = linePath(xs, valuesMs[i] as number[], x, y);
      return `<path class="series" d="${d}" stroke="${l.colour}"><title>${escapeMarkup(l.label)}</title></path>`;
    })
    .join('');
  const svg = chartSvg({
    id: spec.id,
    title: spec.title,
    x,
    y,
    xLabel: 'Percentile (1/(1-p) scale: each step right is ten times rarer)',
    yLabel: spec.yLabel,
    body: paths + (spec.bound ? boundSvg(spec.bound, y, Math.max(0, ...all), 'ms') : ''),
  });
  const items: LegendItem[] = present.map((l) => ({
    label: `${l.label} (${formatNumber(l.histogram.summary.count)} samples)`,
    colour: l.colour,
  }));
  if (spec.bound) items.push({ label: spec.bound.label, colour: OKABE_ITO.vermillion, dashed: true });
  return figure(spec.id, spec.title, spec.how, svg, items);
}
