import { UserError } from './user-error.js';

const UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PATTERN = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/;

/** Parses durations such as "500ms", "2s", "1.5m", "1h" into milliseconds. */
export function parseDuration(text: string, where: string): number {
  const m = PATTERN.exec(text.trim());
  if (!m) {
    throw new UserError(
      `${where}: '${text}' is not a duration; write a number with a unit: 500ms, 2s, 5m, 1h`,
    );
  }
  return Number(m[1]) * (UNITS_MS[m[2] as string] as number);
}

/** Formats milliseconds the way parseDuration reads them, with a readable unit. */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  if (ms >= 1) return `${Number(ms.toFixed(3))}ms`;
  return `${Math.round(ms * 1000)}us`;
}
