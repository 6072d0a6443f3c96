// A limit drawn across a chart (e.g. the staleness bound). A limit far above the data
// would flatten the data against the axis, so then it is stated above the chart instead.
import { escapeMarkup } from '../escape.js';
import { formatNumber } from '../format-number.js';
import { PLOT, px } from './chart-frame.js';
import { OKABE_ITO } from './palette.js';
import type { Scale } from './scale.js';

export interface Bound {
  value: number;
  label: string;
}

const FAR_ABOVE = 3;

/** The values the y axis must cover: the data, and the bound when it is near enough to draw. */
export function valuesWithBound(data: number[], bound: Bound | undefined): number[] {
  const max = Math.max(0, ...data);
  return bound && bound.value <= max * FAR_ABOVE ? [...data, bound.value] : data;
}

export function boundSvg(b: Bound, y: Scale, dataMax: number, unit: string): string {
  if (b.value > dataMax * FAR_ABOVE) {
    const text = `${b.label}: ${formatNumber(b.value)} ${unit}, far above every value shown`;
    return `<text class="bound" x="${PLOT.right}" y="14" text-anchor="end" fill="${OKABE_ITO.vermillion}">${escapeMarkup(text)}</text>`;
  }
  const yp = px(y.toPx(b.value));
  return (
    `<g class="bound"><line x1="${PLOT.left}" x2="${PLOT.right}" y1="${yp}" y2="${yp}" stroke="${OKABE_ITO.vermillion}"/>` +
    `<text x="${PLOT.right - 4}" y="${Number(yp) - 4}" text-anchor="end" fill="${OKABE_ITO.vermillion}">${escapeMarkup(b.label)}</text></g>`
  );
}
