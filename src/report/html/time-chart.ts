// A value-over-time chart: one line per series, per-second points, with the run's
// phase and fault markers and an optional bound (e.g. the staleness limit).

import type { Marker } from '../../results/results.js';
import { escapeMarkup } from '../escape.js';
import { type Bound, boundSvg, valuesWithBound } from './bound-line.js';
import { chartSvg, linePath, PLOT, px } from './chart-frame.js';
import { figure, type LegendItem } from './figure.js';
import { OKABE_ITO } from './palette.js';
import { linearScale, type Scale, valueScale } from './scale.js';

export interface Line {
  label: string;
  colour: string;
  /** One value per second; null where there is nothing to show. */
  values: (number | null)[];
  dashed?: boolean;
}

export interface TimeChartSpec {
  id: string;
  title: string;
  how: string;
  yLabel: string;
  /** Seconds since the run's start, one per value. */
  seconds: number[];
  durationS: number;
  lines: Line[];
  markers: Marker[];
  bound?: Bound;
  /** Durations may span decades (p50 next to max) and then get a log axis; counts stay linear. */
  durations?: boolean;
  /** Said instead of an empty chart when no second has a value. */
  noData: string;
}

const MARKER_CLASS: Record<Marker['kind'], string> = {
  phase: 'marker-phase',
  fault: 'marker-fault',
  abort: 'marker-abort',
};

function markers(list: Marker[], x: Scale): string {
  return list
    .map((m, i) => {
      const xp = px(x.toPx(m.t / 1000));
      const short = m.label.length > 22 ? `${m.label.slice(0, 21)}…` : m.label;
      // Alternate label heights so neighbouring markers stay readable.
      const ty = PLOT.top - (i % 2 === 0 ? 4 : 16);
      // Labels at the edges grow inwards so they stay inside the picture.
      const xv = Number(xp);
      const anchor = xv < PLOT.left + 60 ? 'start' : xv > PLOT.right - 60 ? 'end' : 'middle';
      return (
        `<g class="${MARKER_CLASS[m.kind]}"><title>${escapeMarkup(`${m.kind} at ${(m.t / 1000).toFixed(1)} s: ${m.label}`)}</title>` +
        `<line x1="${xp}" x2="${xp}" y1="${PLOT.top}" y2="${PLOT.bottom}"/>` +
        `<text x="${xp}" y="${ty}" text-anchor="${anchor}">${escapeMarkup(short)}</text></g>`
      );
    })
    .join('');
}

export function timeChart(spec: TimeChartSpec): string {
  const x = linearScale(0, Math.max(spec.durationS, 1), PLOT.left, PLOT.right, 8);
  const all = spec.lines.flatMap((l) => l.values.filter((v): v is number => v !== null));
  if (all.length === 0)
    return figure(spec.id, spec.title, spec.how, `<p class="no-data">${escapeMarkup(spec.noData)}</p>`, []);
  const covered = valuesWithBound(all, spec.bound);
  const y = spec.durations
    ? valueScale(covered, PLOT.bottom, PLOT.top)
    : linearScale(0, Math.max(0, ...covered), PLOT.bottom, PLOT.top);
  // Per-second values sit at the middle of their second.
  const xs = spec.seconds.map((s) => s + 0.5);
  const paths = spec.lines
    .map((l) => {
      const d = linePath(xs, l.values, x, y);
      if (d === '') return '';
      const dash = l.dashed ? ' stroke-dasharray="6 4"' : '';
      return `<path class="series" d="${d}" stroke="${l.colour}"${dash}><title>${escapeMarkup(l.label)}</title></path>`;
    })
    .join('');
  const body =
    paths + markers(spec.markers, x) + (spec.bound ? boundSvg(spec.bound, y, Math.max(...all), 'ms') : '');
  const svg = chartSvg({
    id: spec.id,
    title: spec.title,
    x,
    y,
    xLabel: 'Time since start (s)',
    yLabel: spec.yLabel,
    body,
  });
  const items: LegendItem[] = spec.lines.map((l) => ({
    label: l.label,
    colour: l.colour,
    dashed: l.dashed ?? false,
  }));
  if (spec.bound) items.push({ label: spec.bound.label, colour: OKABE_ITO.vermillion, dashed: true });
  return figure(spec.id, spec.title, spec.how, svg, items);
}
