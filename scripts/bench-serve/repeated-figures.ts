// Each figure of bench:serve is measured several times in one invocation; on a shared
// machine one run says little, so what is printed is the median, the spread (lowest to
// highest) and the 1-minute load average each run saw.
import { loadavg } from 'node:os';

interface Sample {
  value: number;
  load: number;
}

export interface FigureSpec {
  /** What was measured, with its conditions. */
  label: string;
  unit: string;
  /** The goal, when the figure has one: the median must be on the right side of it. */
  goal?: { below?: number; atLeast?: number };
  digits?: number;
}

export class RepeatedFigures {
  private readonly figures = new Map<string, { spec: FigureSpec; samples: Sample[] }>();

  /** One measurement of a figure, with the load average at the time it ended. */
  add(spec: FigureSpec, value: number): void {
    const entry = this.figures.get(spec.label) ?? { spec, samples: [] };
    entry.samples.push({ value, load: loadavg()[0] ?? 0 });
    this.figures.set(spec.label, entry);
  }

  /** One line per figure: median, spread, runs, load averages, and the goal's verdict on the median. */
  lines(): string[] {
    return [...this.figures.values()].map(({ spec, samples }) => {
      const digits = spec.digits ?? 1;
      const values = samples.map((s) => s.value).sort((a, b) => a - b);
      const loads = samples.map((s) => s.load).sort((a, b) => a - b);
      const med = median(values);
      const f = (v: number) => v.toFixed(digits);
      let verdict = '';
      if (spec.goal?.below !== undefined)
        verdict = `goal < ${spec.goal.below}: ${med < spec.goal.below ? 'met' : 'MISSED'} (median)`;
      if (spec.goal?.atLeast !== undefined)
        verdict = `goal >= ${spec.goal.atLeast}: ${med >= spec.goal.atLeast ? 'met' : 'MISSED'} (median)`;
      return (
        `| ${spec.label} | ${f(med)} ${spec.unit} | ${f(values[0] as number)}..${f(values.at(-1) as number)} ` +
        `(${values.length} runs) | ${loads.map((l) => l.toFixed(1)).join(', ')} | ${verdict} |`
      );
    });
  }
}

export function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
