// The bench report's charts: what happened second by second, then the percentile spectra.
import type { BenchResults } from '../../results/results.js';
import { OKABE_ITO, seriesColour } from './palette.js';
import { percentilesPerSecond, rejectionsPerSecond } from './series-stats.js';
import { type SpectrumLine, spectrumChart } from './spectrum-chart.js';
import { stalenessBound } from './staleness-bound.js';
import { stateBandChart } from './state-band-chart.js';
import { type Line, type TimeChartSpec, timeChart } from './time-chart.js';

function percentileLines(p: ReturnType<typeof percentilesPerSecond>): Line[] {
  return [
    { label: 'median (p50)', colour: OKABE_ITO.blue, values: p.p50 },
    { label: '99th percentile (p99)', colour: OKABE_ITO.orange, values: p.p99 },
    { label: 'maximum', colour: OKABE_ITO.reddishPurple, values: p.max, dashed: true },
  ];
}

/** Why a histogram has no samples: what the run said, or that none were recorded. */
function noSamples(r: BenchResults, metric: string, what: string): string {
  const why = r.unavailable.find((u) => u.metric === metric)?.why;
  return `No ${what} was measured${why ? `: ${why}` : ' in this run'}.`;
}

export function overTimeCharts(r: BenchResults): string {
  const seconds = r.series.map((p) => p.second);
  const durationS = Math.max(r.durationMs / 1000, ...seconds.map((s) => s + 1));
  const common = { seconds, durationS, markers: r.markers, noData: 'Nothing was recorded in this run.' };
  const bound = stalenessBound(r);
  const rejections = rejectionsPerSecond(r.series);
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
    noData: noSamples(r, 'staleness', 'staleness from INDEXED acknowledgements'),
    lines: percentileLines(percentilesPerSecond(r.series, 'staleness')),
  };
  if (bound) staleness.bound = bound;
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
        values: r.series.map((p) => p.offered),
        dashed: true,
      },
      { label: 'sent', colour: OKABE_ITO.blue, values: r.series.map((p) => p.sent) },
      {
        label: 'accepted (achieved)',
        colour: OKABE_ITO.bluishGreen,
        values: r.series.map((p) => p.accepted),
      },
      { label: 'indexed', colour: OKABE_ITO.orange, values: r.series.map((p) => p.indexed) },
    ],
  };
  const ackLatency: TimeChartSpec = {
    ...common,
    id: 'ack-latency-over-time',
    title: 'Acknowledgement latency over time',
    how: 'Time from when each observation was scheduled to be sent to its ACCEPTED or REJECTED acknowledgement, per second (measured from the intended time, so a stalled sender cannot hide delays).',
    yLabel: 'Ack latency (ms)',
    durations: true,
    noData: noSamples(r, 'ack_latency', 'acknowledgement latency'),
    lines: percentileLines(percentilesPerSecond(r.series, 'ackLatency')),
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
    lines: [{ label: 'in flight', colour: OKABE_ITO.blue, values: r.series.map((p) => p.inFlight) }],
  };
  return [
    timeChart(rate),
    timeChart(ackLatency),
    timeChart(staleness),
    timeChart(rejected),
    stateBandChart(r.series, durationS, r.markers),
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
