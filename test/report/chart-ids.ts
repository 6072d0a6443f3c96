/** Every chart of a bench report, in page order. */
export const BENCH_CHARTS = [
  'rate',
  'ack-latency-over-time',
  'staleness-over-time',
  'rejections',
  'server-state',
  'in-flight',
  'ack-latency-spectrum',
  'staleness-spectrum',
];
