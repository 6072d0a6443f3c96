// How bad a server state is: a second of the series shows the worst state seen in it.
const STATE_RANK: Record<string, number> = {
  UNSPECIFIED: 0,
  ACTIVE: 1,
  CLOSED: 1,
  PAUSED: 2,
  BACKPRESSURE: 3,
  OVERLOADED: 4,
  ERROR: 5,
};

export function worseState(a: string, b: string): string {
  return (STATE_RANK[b] ?? 0) > (STATE_RANK[a] ?? 0) ? b : a;
}
