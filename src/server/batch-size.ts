/**
 * IDX-8: adaptive batch size from the number of observations waiting. Small batches
 * keep staleness low at low load; larger ones amortize the per-batch cost (one worker
 * round trip, one INDEXED ack per session) when the queue grows.
 */
export function batchSizeFor(waiting: number): number {
  if (waiting < 100) return 10;
  if (waiting < 1000) return 100;
  return 500;
}
