// GET /events: the server's own state as Server-Sent Events, one `state` event a second
// while anyone listens: queue depth against its capacity and the normal lane's limit,
// pressure state, sessions (attached, detached), and per second: accepted, rejected by
// reason, indexed, index batches and staleness (enqueue to indexed) percentiles, the
// latter as the upper bounds of the Prometheus buckets they fall in. The last five
// minutes are kept for viewers that reconnect with Last-Event-ID; a viewer that does not
// read is disconnected past a bound (SseHub). Server-wide state spans memory spaces, so
// with --auth-tokens only a token granted every space ('*') may read it, from the
// Authorization header or, for a browser's EventSource (which cannot set headers), from
// the `token` query parameter.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamState } from '../../protocol/messages.js';
import { type SseEvent, SseHub } from '../../util/sse/sse-hub.js';
import { ALL_SPACES } from '../security/auth-tokens.js';
import type { TokenAuthorizer } from '../security/token-authorizer.js';
import type { ServerCore } from '../server-core.js';
import { type HttpHandler, sendText } from './http-listener.js';

export const EVENTS_PATH = '/events';
const INTERVAL_MS = 1000;
/** Seconds kept for a viewer that comes back with Last-Event-ID. */
const KEPT = 300;
const MAX_BUFFERED_BYTES = 1024 * 1024;

const STATE_NAME = Object.fromEntries(Object.entries(StreamState).map(([name, n]) => [n, name]));

interface Totals {
  accepted: number;
  rejected: Map<string, number>;
  indexed: number;
  batches: number;
  batchItems: number;
  /** Cumulative staleness bucket counts by upper bound (seconds). */
  staleness: Map<number, number>;
}

async function totals(core: ServerCore): Promise<Totals> {
  const m = core.metrics;
  const [accepted, rejected, indexed, batch, latency] = await Promise.all([
    m.observations.get(),
    m.rejected.get(),
    m.indexed.get(),
    m.batchSize.get(),
    m.latency.get(),
  ]);
  const named = (values: typeof batch.values, suffix: string) =>
    values.filter((v) => v.metricName?.endsWith(suffix)).reduce((a, v) => a + v.value, 0);
  const staleness = new Map<number, number>();
  for (const v of latency.values) {
    if (!v.metricName?.endsWith('_bucket')) continue;
    const le = v.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(v.labels.le);
    staleness.set(le, v.value);
  }
  return {
    accepted: accepted.values.reduce((a, v) => a + v.value, 0),
    rejected: new Map(rejected.values.map((v) => [String(v.labels.reason), v.value])),
    indexed: indexed.values.reduce((a, v) => a + v.value, 0),
    batches: named(batch.values, '_count'),
    batchItems: named(batch.values, '_sum'),
    staleness,
  };
}

/** The bucket bound (ms) under which `q` of the second's samples fell; null without samples. */
function bucketPercentile(now: Map<number, number>, before: Map<number, number>, q: number): number | null {
  const bounds = [...now.keys()].sort((a, b) => a - b);
  const delta = bounds.map((le) => (now.get(le) ?? 0) - (before.get(le) ?? 0));
  const count = delta[delta.length - 1] ?? 0;
  if (count <= 0) return null;
  const i = delta.findIndex((c) => c >= q * count);
  const le = bounds[i] as number;
  return Number.isFinite(le) ? le * 1000 : null;
}

export interface EventsRoute {
  handler: HttpHandler;
  readonly hub: SseHub;
  close(): void;
}

export function eventsRoute(core: ServerCore, authorizer: TokenAuthorizer | undefined): EventsRoute {
  const kept: SseEvent[] = [];
  const hub = new SseHub({
    retryMs: INTERVAL_MS,
    maxBufferedBytes: MAX_BUFFERED_BYTES,
    replay: (lastId) => (lastId === undefined ? [] : kept.filter((e) => e.id > lastId)),
  });
  let timer: NodeJS.Timeout | undefined;
  let last: Totals | undefined;
  const tick = async () => {
    const now = await totals(core);
    const before = last ?? now;
    last = now;
    const rejected: Record<string, number> = {};
    for (const [reason, n] of now.rejected) {
      const d = n - (before.rejected.get(reason) ?? 0);
      if (d > 0) rejected[reason] = d;
    }
    const batches = now.batches - before.batches;
    const { registry, queue } = core;
    const state = {
      t: Date.now(),
      queue: {
        depth: queue.depth,
        waiting: queue.waiting,
        capacity: queue.capacity,
        normalLimit: queue.normalLimit,
      },
      pressure: STATE_NAME[core.pressure] ?? String(core.pressure),
      sessions: { attached: registry.attached.size, detached: registry.size - registry.attached.size },
      accepted: now.accepted - before.accepted,
      rejected,
      indexed: now.indexed - before.indexed,
      batches: {
        count: batches,
        meanSize: batches > 0 ? (now.batchItems - before.batchItems) / batches : null,
      },
      stalenessMs: {
        p50: bucketPercentile(now.staleness, before.staleness, 0.5),
        p99: bucketPercentile(now.staleness, before.staleness, 0.99),
      },
    };
    kept.push(hub.send('state', JSON.stringify(state)));
    if (kept.length > KEPT) kept.shift();
    if (hub.viewers === 0) stop();
  };
  const start = () => {
    if (timer) return;
    // The first event's rates would cover everything since the start: take a base first.
    last = undefined;
    void totals(core).then((t) => {
      last = t;
    });
    timer = setInterval(() => void tick(), INTERVAL_MS);
    timer.unref();
  };
  const stop = () => {
    clearInterval(timer);
    timer = undefined;
  };
  const handler: HttpHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (authorizer) {
      const query = url.searchParams.get('token');
      const auth =
        query !== null
          ? authorizer.authenticateToken(query)
          : authorizer.authenticateHeader(headerValues(req));
      if (!auth.ok) {
        sendText(
          res,
          401,
          `${EVENTS_PATH} needs a token: "Authorization: Bearer <token>" or ?token=<token> (${auth.reason})\n`,
          {
            'www-authenticate': 'Bearer',
          },
        );
        return;
      }
      if (auth.grant.spaces !== ALL_SPACES) {
        sendText(res, 403, `${EVENTS_PATH} shows every memory space: it needs a token granted '*'\n`);
        return;
      }
    }
    hub.attach(req, res);
    start();
  };
  return {
    handler,
    hub,
    close: () => {
      stop();
      hub.close();
    },
  };
}

function headerValues(req: IncomingMessage): string[] {
  const h = req.headers.authorization;
  return h === undefined ? [] : [h];
}
