// The frame every chart shares: plot area, grid, tick labels and axis titles with units.
// Text uses currentColor so the light and dark schemes both read well.
import { escapeMarkup } from '../escape.js';
import type { Scale } from './scale.js';

// Wide left margin: state names (BACKPRESSURE) are tick labels on the state chart.
export const FRAME = { width: 880, height: 270, left: 100, right: 24, top: 48, bottom: 46 } as const;
export const PLOT = {
  left: FRAME.left,
  right: FRAME.width - FRAME.right,
  top: FRAME.top,
  bottom: FRAME.height - FRAME.bottom,
} as const;

export interface FrameSpec {
  id: string;
  /** Read out by screen readers; the figure's heading says the same in words. */
  title: string;
  x: Scale;
  y: Scale;
  xLabel: string;
  yLabel: string;
  /** Drawn inside the plot area: paths, markers, bounds. */
  body: string;
}

const px = (v: number): string => String(Math.round(v * 10) / 10);

function grid(spec: FrameSpec): string {
  const parts: string[] = [];
  for (const t of spec.y.ticks) {
    const y = px(spec.y.toPx(t.value));
    parts.push(`<line class="grid" x1="${PLOT.left}" x2="${PLOT.right}" y1="${y}" y2="${y}"/>`);
    parts.push(
      `<text class="tick" x="${PLOT.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeMarkup(t.label)}</text>`,
    );
  }
  for (const t of spec.x.ticks) {
    const x = px(spec.x.toPx(t.value));
    parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${PLOT.top}" y2="${PLOT.bottom}"/>`);
    parts.push(
      `<text class="tick" x="${x}" y="${PLOT.bottom + 16}" text-anchor="middle">${escapeMarkup(t.label)}</text>`,
    );
  }
  return parts.join('');
}

function axisTitles(spec: FrameSpec): string {
  const midX = px((PLOT.left + PLOT.right) / 2);
  const logNote = (s: Scale): string => (s.log ? ' (log scale)' : '');
  return (
    `<text class="axis-title" x="${midX}" y="${FRAME.height - 6}" text-anchor="middle">${escapeMarkup(spec.xLabel + logNote(spec.x))}</text>` +
    // The y title sits above the axis, horizontal, so long titles with units are never clipped.
    `<text class="axis-title" x="${PLOT.left - 6}" y="14" text-anchor="start">${escapeMarkup(`↑ ${spec.yLabel}${logNote(spec.y)}`)}</text>`
  );
}

export function chartSvg(spec: FrameSpec): string {
  const border = `<rect class="plot" x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}"/>`;
  return (
    `<svg class="chart" data-chart="${escapeMarkup(spec.id)}" role="img" aria-label="${escapeMarkup(spec.title)}" ` +
    `viewBox="0 0 ${FRAME.width} ${FRAME.height}" preserveAspectRatio="xMidYMid meet">` +
    `${border}${grid(spec)}${axisTitles(spec)}${spec.body}</svg>`
  );
}

/** An SVG path through the points, broken where a value is missing. */
export function linePath(xs: number[], ys: (number | null)[], x: Scale, y: Scale): string {
  const parts: string[] = [];
  let pen = false;
  ys.forEach((v, i) => {
    const xv = xs[i];
    if (v === null || xv === undefined) {
      pen = false;
      return;
    }
    parts.push(`${pen ? 'L' : 'M'}${px(x.toPx(xv))} ${px(y.toPx(v))}`);
    pen = true;
  });
  return parts.join('');
}

export { px };
