// Parses `metric op value[unit]`, k6-style, e.g. "staleness.p99 < 100ms", "silent_drops == 0".

import type { ThresholdOp } from '../../results/results.js';
import { KIND_UNIT, metricNamesText, resolveMetric } from './metrics.js';

export interface ParsedExpression {
  metric: string;
  op: ThresholdOp;
  /** In the metric's unit (ms for durations). */
  value: number;
  /** That unit: 'ms' for durations, '/s' for rates, '' otherwise. */
  unit: string;
}

export type ParseOutcome = { ok: true; parsed: ParsedExpression } | { ok: false; message: string };

const EXPRESSION =
  /^\s*([A-Za-z_][\w.]*(?:\{[^}]*\})?)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*$/;
const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

export function parseThresholdExpression(text: string): ParseOutcome {
  const m = EXPRESSION.exec(text);
  if (!m) {
    return {
      ok: false,
      message: `'${text}' is not a threshold; write 'metric op value[unit]', e.g. 'ack_latency.p99 < 10ms' or 'silent_drops == 0' (op: < <= > >= == !=)`,
    };
  }
  const [, written, op, number, unit] = m as unknown as [string, string, ThresholdOp, string, string];
  const info = resolveMetric(written);
  if (!info) {
    return { ok: false, message: `unknown metric '${written}'; valid metrics: ${metricNamesText()}` };
  }
  const value = Number(number);
  if (info.kind === 'duration') {
    const factor = UNIT_MS[unit];
    if (factor === undefined) {
      return {
        ok: false,
        message: `'${written}' is a duration: give the value a unit (us, ms or s), e.g. '${written} ${op} ${number}ms'`,
      };
    }
    return { ok: true, parsed: { metric: info.name, op, value: value * factor, unit: KIND_UNIT.duration } };
  }
  if (unit !== '') {
    return {
      ok: false,
      message: `'${written}' is a ${info.kind} without a unit; remove '${unit}', e.g. '${written} ${op} ${number}'`,
    };
  }
  return { ok: true, parsed: { metric: info.name, op, value, unit: KIND_UNIT[info.kind] } };
}
