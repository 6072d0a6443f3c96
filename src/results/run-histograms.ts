// The histograms every bench run records, for the run and for each phase; results files
// and the judge both key them by these names.
export const RUN_HISTOGRAMS = [
  'ack_latency',
  'ack_latency_actual',
  'staleness',
  'staleness_probe',
  'recovery_time',
  'detection_time',
] as const;
export type RunHistogram = (typeof RUN_HISTOGRAMS)[number];
