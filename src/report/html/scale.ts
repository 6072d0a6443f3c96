// Value-to-pixel scales with readable tick marks, linear or logarithmic.
import { formatNumber } from '../format-number.js';

export interface Tick {
  value: number;
  label: string;
}

export interface Scale {
  toPx(v: number): number;
  ticks: Tick[];
  log: boolean;
}

function niceStep(range: number, count: number): number {
  const raw = range / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const nice = residual >= 5 ? 10 : residual >= 2 ? 5 : residual >= 1.5 ? 2 : 1;
  return nice * magnitude;
}

/** A linear scale from min to max (widened to nice tick values) onto [pxFrom, pxTo]. */
export function linearScale(min: number, max: number, pxFrom: number, pxTo: number, tickCount = 5): Scale {
  const hi = max > min ? max : min + 1;
  const step = niceStep(hi - min, tickCount);
  const lo = Math.floor(min / step) * step;
  const top = Math.ceil(hi / step) * step;
  const ticks: Tick[] = [];
  for (let v = lo; v <= top + step / 2; v += step) {
    const value = Number(v.toPrecision(12));
    ticks.push({ value, label: formatNumber(value) });
  }
  const toPx = (v: number): number => pxFrom + ((v - lo) / (top - lo)) * (pxTo - pxFrom);
  return { toPx, ticks, log: false };
}

/** A base-10 log scale over whole decades covering [min, max] (min > 0). */
export function logScale(min: number, max: number, pxFrom: number, pxTo: number): Scale {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(Math.ceil(Math.log10(max)), lo + 1);
  const ticks: Tick[] = [];
  for (let e = lo; e <= hi; e++) ticks.push({ value: 10 ** e, label: formatNumber(10 ** e) });
  const toPx = (v: number): number =>
    pxFrom + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * (pxTo - pxFrom);
  return { toPx, ticks, log: true };
}

/** Log when positive values span more than two decades, so p50 stays readable next to max. */
export function valueScale(values: number[], pxFrom: number, pxTo: number): Scale {
  const positive = values.filter((v) => v > 0);
  const max = Math.max(0, ...values);
  if (positive.length > 0) {
    const min = Math.min(...positive);
    if (max / min > 100) return logScale(min, max, pxFrom, pxTo);
  }
  return linearScale(0, max, pxFrom, pxTo);
}
