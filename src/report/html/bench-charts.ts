// The bench report's charts: what happened second by second, then the percentile spectra.
// The over-time charts are drawn from plain per-point figures (OverTimeData), so the live
// dashboard draws the very same pictures while the run goes.
import type { BenchResults, Marker, SeriesPoint } from '../../results/results.js';
import type { Bound } from './bound-line.js';
import { OKABE_ITO, seriesColour } from './palette.js';
import { type Percentiles, percentilesOf, rejectionsPerSecond } from './series-stats.js';
import { type SpectrumLine, spectrumChart } from './spectrum-chart.js';
import { stalenessBound } from './staleness-bound.js';
import { stateBandChart } from './state-band-chart.js';
import { type Line, type TimeChartSpec, timeChart } from './time-chart.js';

/**
 * One point of the over-time charts: a second of the run, or, in a live view of a long
 * run, several old seconds merged (counts are then per-second averages over the span).
 */
export interface OverTimePoint {
  second: number;
  span: number;
  offered: number;
  sent: number;
  accepted: number;
  indexed: number;
  inFlight: number;
  rejected: Record<string, number>;
  serverState: string;
  ackLatency: Percentiles | null;
  staleness: Percentiles | null;
}

/** Everything the over-time charts draw; the report and the live dashboard both fill it. */
export interface OverTimeData {
  points: OverTimePoint[];
  durationS: number;
  markers: Marker[];
  bound?: Bound;
  /** Said instead of an empty chart. */
  noAckLatency: string;
  noStaleness: string;
}

function percentileLines(points: OverTimePoint[], key: 'ackLatency' | 'staleness'): Line[] {
  const at = (k: keyof Percentiles) => points.map((p) => p[key]?.[k] ?? null);
  return [
    { label: 'median (p50)', colour: OKABE_ITO.blue, values: at('p50') },
    { label: '99th percentile (p99)', colour: OKABE_ITO.orange, values: at('p99') },
    { label: 'maximum', colour: OKABE_ITO.reddishPurple, values: at('max'), dashed: true },
  ];
}

/** Why a histogram has no samples: what the run said, or that none were recorded. */
export function noSamples(unavailable: BenchResults['unavailable'], metric: string, what: string): string {
  const why = unavailable.find((u) => u.metric === metric)?.why;
  return `No ${what} was measured${why ? `: ${why}` : ' in this run'}.`;
}

export const NO_ACK_LATENCY = 'acknowledgement latency';
export const NO_STALENESS = 'staleness from INDEXED acknowledgements';

/** One second of the results as the charts draw it. */
export function overTimePoint(p: SeriesPoint): OverTimePoint {
  return {
    second: p.second,
    span: 1,
    offered: p.offered,
    sent: p.sent,
    accepted: p.accepted,
    indexed: p.indexed,
    inFlight: p.inFlight,
    rejected: { ...p.rejected },
    serverState: p.serverState,
    ackLatency: percentilesOf(p.ackLatency),
    staleness: percentilesOf(p.staleness),
  };
}

export function overTimeData(r: BenchResults): OverTimeData {
  const seconds = r.series.map((p) => p.second);
  const bound = stalenessBound(r);
  return {
    points: r.series.map(overTimePoint),
    durationS: Math.max(r.durationMs / 1000, ...seconds.map((s) => s + 1)),
    markers: r.markers,
    ...(bound ? { bound } : {}),
    noAckLatency: noSamples(r.unavailable, 'ack_latency', NO_ACK_LATENCY),
    noStaleness: noSamples(r.unavailable, 'staleness', NO_STALENESS),
  };
}

export function overTimeCharts(r: BenchResults): string {
  return drawOverTime(overTimeData(r));
}

export function drawOverTime(d: OverTimeData): string {
  const { points } = d;
  // A point is drawn at the middle of the seconds it covers.
  const seconds = points.map((p) => p.second + (p.span - 1) / 2);
  const common = {
    seconds,
    durationS: d.durationS,
    markers: d.markers,
    noData: 'Nothing was recorded in this run.',
  };
  const rejections = rejectionsPerSecond(points);
  const rejectionLines: Line[] =
    rejections.size === 0
      ? [
          {
            label: 'all reasons (none rejected)',
            colour: OKABE_ITO.bluishGreen,
            values: seconds.map(() => 0),
          },
        ]
      : [...rejections].map(([reason, values], i) => ({ label: reason, colour: seriesColour(i), values }));
  const staleness: TimeChartSpec = {
    ...common,
    id: 'staleness-over-time',
    title: 'Staleness over time: how long until an accepted observation could be found',
    how: 'Time from the ACCEPTED acknowledgement to the first INDEXED acknowledgement covering it, per second. Lower is better; the red line is the limit the scenario sets.',
    yLabel: 'Staleness (ms)',
    durations: true,
    noData: d.noStaleness,
    lines: percentileLines(points, 'staleness'),
  };
  if (d.bound) staleness.bound = d.bound;
  const rate: TimeChartSpec = {
    ...common,
    id: 'rate',
    title: 'Offered and achieved rate',
    how: 'Observations per second the schedule offered, the generator sent, and the server accepted (and indexed). Achieved below offered means the server, or the generator, did not keep up.',
    yLabel: 'Observations per second (1/s)',
    lines: [
      {
        label: 'offered (schedule)',
        colour: OKABE_ITO.grey,
        values: points.map((p) => p.offered),
        dashed: true,
      },
      { label: 'sent', colour: OKABE_ITO.blue, values: points.map((p) => p.sent) },
      {
        label: 'accepted (achieved)',
        colour: OKABE_ITO.bluishGreen,
        values: points.map((p) => p.accepted),
      },
      { label: 'indexed', colour: OKABE_ITO.orange, values: points.map((p) => p.indexed) },
    ],
  };
  const ackLatency: TimeChartSpec = {
    ...common,
    id: 'ack-latency-over-time',
    title: 'Acknowledgement latency over time',
    how: 'Time from when each observation was scheduled to be sent to its ACCEPTED or REJECTED acknowledgement, per second (measured from the intended time, so a stalled sender cannot hide delays).',
    yLabel: 'Ack latency (ms)',
    durations: true,
    noData: d.noAckLatency,
    lines: percentileLines(points, 'ackLatency'),
  };
  const rejected: TimeChartSpec = {
    ...common,
    id: 'rejections',
    title: 'Rejections by reason',
    how: 'Observations the server explicitly rejected each second, one line per reason. Explicit rejections under overload are correct behaviour; silent loss is not.',
    yLabel: 'Rejections per second (1/s)',
    lines: rejectionLines,
  };
  const inFlight: TimeChartSpec = {
    ...common,
    id: 'in-flight',
    title: 'Observations in flight',
    how: 'Observations sent but not yet acknowledged, at the end of each second. A steady climb means the server falls behind.',
    yLabel: 'Unacknowledged observations (count)',
    lines: [{ label: 'in flight', colour: OKABE_ITO.blue, values: points.map((p) => p.inFlight) }],
  };
  return [
    timeChart(rate),
    timeChart(ackLatency),
    timeChart(staleness),
    timeChart(rejected),
    stateBandChart(points, d.durationS, d.markers),
    timeChart(inFlight),
  ].join('');
}

function spectrumLines(r: BenchResults, keys: [string, string][]): SpectrumLine[] {
  return keys.flatMap(([key, label], i) => {
    const histogram = r.histograms[key];
    return histogram && histogram.summary.count > 0 ? [{ label, colour: seriesColour(i), histogram }] : [];
  });
}

export function spectrumCharts(r: BenchResults): string {
  const parts: string[] = [];
  const ack = spectrumLines(r, [
    ['ack_latency', 'from intended send time'],
    ['ack_latency_actual', 'from actual send time'],
  ]);
  if (ack.length > 0) {
    parts.push(
      spectrumChart({
        id: 'ack-latency-spectrum',
        title: 'Acknowledgement latency by percentile',
        how: 'How slow the slowest acknowledgements were: read a point as "this share of acknowledgements came at least this fast". The right edge is the rarest, slowest few.',
        yLabel: 'Ack latency (ms)',
        lines: ack,
      }),
    );
  }
  const staleness = spectrumLines(r, [
    ['staleness', 'from INDEXED acknowledgements'],
    ['staleness_probe', 'from recall probes'],
  ]);
  if (staleness.length > 0) {
    const bound = stalenessBound(r);
    parts.push(
      spectrumChart({
        id: 'staleness-spectrum',
        title: 'Staleness by percentile',
        how: 'How long the slowest observations took to become findable, by percentile; the red line is the scenario’s limit.',
        yLabel: 'Staleness (ms)',
        lines: staleness,
        ...(bound ? { bound } : {}),
      }),
    );
  }
  return parts.join('');
}
