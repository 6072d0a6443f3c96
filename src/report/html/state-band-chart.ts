// The server's state over time as lanes: position and colour both say the state,
// so the chart reads without colour vision.

import type { Marker } from '../../results/results.js';
import { escapeMarkup } from '../escape.js';
import { chartSvg, PLOT, px } from './chart-frame.js';
import { figure } from './figure.js';
import { OKABE_ITO } from './palette.js';
import { linearScale, type Scale } from './scale.js';

const LANES = ['ACTIVE', 'BACKPRESSURE', 'OVERLOADED'] as const;
const OTHER = 'OTHER';
const LANE_COLOUR: Record<string, string> = {
  ACTIVE: OKABE_ITO.bluishGreen,
  BACKPRESSURE: OKABE_ITO.orange,
  OVERLOADED: OKABE_ITO.vermillion,
  [OTHER]: OKABE_ITO.grey,
};

function laneOf(state: string): string {
  return (LANES as readonly string[]).includes(state) ? state : OTHER;
}

/**
 * The state in force each second: a server reports its state on changes, so a second
 * without a report (UNSPECIFIED) keeps the last one; undefined before the first report.
 */
function statesInForce(series: StatePoint[]): (string | undefined)[] {
  let last: string | undefined;
  return series.map((p) => {
    if (p.serverState !== 'UNSPECIFIED') last = p.serverState;
    return last;
  });
}

/** The state of one point: a second, or several when a live view has merged old seconds. */
export interface StatePoint {
  second: number;
  /** Seconds the point covers; 1 when absent. */
  span?: number;
  serverState: string;
}

export function stateBandChart(series: StatePoint[], durationS: number, markers: Marker[]): string {
  const states = statesInForce(series);
  const hasOther = states.some((s) => s !== undefined && laneOf(s) === OTHER);
  const lanes: string[] = [...LANES, ...(hasOther ? [OTHER] : [])];
  const laneHeight = (PLOT.bottom - PLOT.top) / lanes.length;
  const laneTop = (i: number): number => PLOT.top + i * laneHeight;
  const y: Scale = {
    toPx: (v) => PLOT.top + v * laneHeight,
    ticks: lanes.map((name, i) => ({ value: i + 0.5, label: name })),
    log: false,
  };
  const x = linearScale(0, Math.max(durationS, 1), PLOT.left, PLOT.right, 8);
  const paths = lanes
    .map((lane, i) => {
      const top = px(laneTop(i) + 3);
      const bottom = px(laneTop(i) + laneHeight - 3);
      const d = series
        .filter((_, i) => states[i] !== undefined && laneOf(states[i] as string) === lane)
        .map(
          (p) =>
            `M${px(x.toPx(p.second))} ${top}H${px(x.toPx(p.second + (p.span ?? 1)))}V${bottom}H${px(x.toPx(p.second))}Z`,
        )
        .join('');
      if (d === '') return '';
      return `<path class="band" d="${d}" fill="${LANE_COLOUR[lane]}"><title>${escapeMarkup(lane)}</title></path>`;
    })
    .join('');
  const markerLines = markers
    .map((m) => {
      const xp = px(x.toPx(m.t / 1000));
      return `<line class="marker-${m.kind}" x1="${xp}" x2="${xp}" y1="${PLOT.top}" y2="${PLOT.bottom}"><title>${escapeMarkup(m.label)}</title></line>`;
    })
    .join('');
  const svg = chartSvg({
    id: 'server-state',
    title: 'Server state over time',
    x,
    y,
    xLabel: 'Time since start (s)',
    yLabel: 'State',
    body: paths + markerLines,
  });
  const how =
    'Each second is drawn in the lane of the most severe state the server reported in it. ' +
    'ACTIVE is normal; BACKPRESSURE asks clients to slow down; OVERLOADED rejects new work. ' +
    'A second without a status report keeps the last reported state; it is blank before the first report.' +
    (hasOther ? ' OTHER is any other state (paused, error, closed).' : '');
  return figure(
    'server-state',
    'Server state over time',
    how,
    svg,
    lanes.map((l) => ({ label: l, colour: LANE_COLOUR[l] as string })),
  );
}
