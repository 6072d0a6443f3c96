// `bench --dashboard`: a page and its event stream on a node:http server of its own.
// Each second the run's changed seconds go into a bounded LiveSeries; while anyone
// watches, the charts are drawn once with the report's chart code and sent to every
// viewer as one cumulative `update` event (so a viewer that reconnects or reloads gets
// the whole run from its start in one event). At the end the same charts as the report,
// the verdict and a link to the report itself (`end`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchProgress } from '../../load/run/run-bench.js';
import type { BenchResults } from '../../results/results.js';
import type { ListenAddress } from '../../util/listen-address.js';
import { type SseEvent, SseHub } from '../../util/sse/sse-hub.js';
import { UserError } from '../../util/user-error.js';
import { escapeMarkup } from '../escape.js';
import { formatNumber } from '../format-number.js';
import { drawOverTime, NO_ACK_LATENCY, NO_STALENESS, noSamples, overTimeData } from '../html/bench-charts.js';
import { verdictSection } from '../html/verdict.js';
import { renderHtml } from '../html.js';
import { dashboardPage } from './dashboard-page.js';
import { LiveSeries } from './live-series.js';

export interface DashboardOptions {
  listen: ListenAddress;
  scenario: { name: string; totalMs: number };
  shard: { index: number; count: number };
}

/** An EventSource that lost its connection tries again after this long. */
const RETRY_MS = 1000;
/** About a dozen full updates of a long run: a viewer further behind is disconnected. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

function tile(value: string, meaning: string): string {
  return `<li class="count"><span class="count-number">${escapeMarkup(value)}</span><span class="count-meaning">${escapeMarkup(meaning)}</span></li>`;
}

export class Dashboard {
  private series: LiveSeries | undefined;
  private last: BenchProgress | undefined;
  private latest: SseEvent | undefined;
  private end: SseEvent | undefined;
  private report: string | undefined;
  private reportName = 'report.html';
  /** New seconds arrived since the last drawing. */
  private dirty = false;
  readonly hub: SseHub;

  private constructor(
    private readonly server: Server,
    private readonly o: DashboardOptions,
    readonly url: string,
  ) {
    this.hub = new SseHub({
      retryMs: RETRY_MS,
      maxBufferedBytes: MAX_BUFFERED_BYTES,
      replay: (lastId) => this.replay(lastId),
    });
  }

  static async start(o: DashboardOptions): Promise<Dashboard> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new UserError(
            `--dashboard: cannot listen on ${o.listen.host}:${o.listen.port} (${err.code ?? err.message}); pick another port, or 0 for a free one`,
          ),
        ),
      );
      server.listen(o.listen.port, o.listen.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const dashboard = new Dashboard(server, o, `http://${host}:${address.port}/`);
    server.on('request', (req, res) => dashboard.route(req, res));
    return dashboard;
  }

  /** Once a second while the run goes. */
  update(p: BenchProgress): void {
    this.last = p;
    this.series ??= new LiveSeries(p.pointAt);
    const changed = p.changedSeconds();
    if (changed.length > 0) this.series.update(changed);
    this.dirty = true;
    // Nobody watching: nothing is drawn (a viewer that comes gets a fresh drawing).
    if (this.hub.viewers > 0) this.latest = this.hub.send('update', this.draw());
  }

  /** The run is over: the report's own charts, the verdict and the report download. */
  finish(results: BenchResults, reportName: string): void {
    this.report = renderHtml(results);
    this.reportName = reportName;
    const link = `<p><a id="report-link" href="report.html" download="${escapeMarkup(reportName)}">Download the HTML report</a> (the same self-contained file that --html writes).</p>`;
    const status =
      tile(`${formatNumber(results.durationMs / 1000)} s`, 'run time') +
      tile(results.verdict.toUpperCase(), 'verdict') +
      tile(String(results.findings.length), 'kinds of findings');
    this.end = this.hub.send(
      'end',
      JSON.stringify({
        charts: drawOverTime(overTimeData(results)),
        status,
        verdict: verdictSection(results) + link,
      }),
    );
  }

  async close(): Promise<void> {
    this.hub.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private replay(lastId: number | undefined): SseEvent[] {
    if (this.end) return this.end.id > (lastId ?? 0) ? [this.end] : [];
    if (!this.last) return [];
    if (this.dirty || !this.latest) this.latest = this.hub.send('update', this.draw());
    return this.latest.id > (lastId ?? 0) ? [this.latest] : [];
  }

  private draw(): string {
    this.dirty = false;
    const p = this.last as BenchProgress;
    const charts = drawOverTime({
      points: [...(this.series?.points ?? [])],
      durationS: this.o.scenario.totalMs / 1000,
      markers: [...p.markers],
      noAckLatency: noSamples([], 'ack_latency', NO_ACK_LATENCY),
      noStaleness: noSamples([], 'staleness', NO_STALENESS),
    });
    const t = p.totals;
    const status =
      tile(
        `${Math.min(Math.floor(p.tMs / 1000), this.o.scenario.totalMs / 1000)} / ${this.o.scenario.totalMs / 1000} s`,
        'run time',
      ) +
      tile(p.phase?.name ?? '-', 'phase') +
      tile(formatNumber(t.sent), 'sent') +
      tile(formatNumber(t.accepted), 'accepted') +
      tile(formatNumber(t.rejected), 'rejected') +
      tile(formatNumber(t.inFlight), 'in flight') +
      tile(t.serverState, 'server state') +
      tile(`${formatNumber(p.cpuPercent)}%`, 'generator CPU (of one core)') +
      tile(formatNumber(t.lateSends), 'late sends (generator)');
    return JSON.stringify({ charts, status });
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://dashboard').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/events') {
      this.hub.attach(req, res);
      return;
    }
    if (path === '/') {
      const html = dashboardPage({ scenario: this.o.scenario.name, shard: this.o.shard });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    if (path === '/report.html' && this.report) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-disposition': `attachment; filename="${this.reportName.replace(/["\\]/g, '')}"`,
      });
      res.end(this.report);
      return;
    }
    const why = path === '/report.html' ? 'the report is ready when the run ends' : 'not found';
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`${why}\n`);
  }
}
