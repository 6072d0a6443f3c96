/** Short axis and table labels: 1234 -> "1.23k", 0.0123 -> "0.0123", 12.5 -> "12.5". */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))}G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  if (a === 0) return '0';
  return String(Number(v.toPrecision(3)));
}

/** Microseconds from a histogram as milliseconds for people: "0.412 ms", "12.3 ms", "1.52 s". */
export function formatMicros(us: number): string {
  if (us >= 1_000_000) return `${Number((us / 1_000_000).toPrecision(3))} s`;
  return `${Number((us / 1000).toPrecision(3))} ms`;
}
