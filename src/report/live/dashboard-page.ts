// The dashboard's page: the report's page shell and styles, with a small inline script
// (allowed by its hash) that shows what the event stream sends: the charts, drawn on the
// bench side by the report's own chart code, and at the end the verdict and report link.
import { page } from '../html/page.js';

const SCRIPT = `(() => {
  const $ = (id) => document.getElementById(id);
  const source = new EventSource('events');
  const show = (d) => {
    $('charts').innerHTML = d.charts;
    $('status').innerHTML = d.status;
  };
  source.addEventListener('update', (e) => {
    show(JSON.parse(e.data));
    $('connection').textContent = 'Live: updated every second.';
  });
  source.addEventListener('end', (e) => {
    const d = JSON.parse(e.data);
    show(d);
    $('verdict').innerHTML = d.verdict;
    $('verdict').hidden = false;
    $('connection').textContent = 'The run has ended; these are the charts of the report.';
    source.close();
  });
  source.addEventListener('error', () => {
    if (source.readyState !== EventSource.CLOSED) $('connection').textContent = 'Connection lost: reconnecting…';
  });
})();`;

export interface DashboardPageSpec {
  scenario: string;
  /** Say which shard this is when the run is sharded. */
  shard: { index: number; count: number };
}

export function dashboardPage(spec: DashboardPageSpec): string {
  const shard =
    spec.shard.count > 1
      ? `<p class="warn">This dashboard shows shard ${spec.shard.index}/${spec.shard.count} only: each shard serves its own; merge the shards' results for the whole run.</p>`
      : '';
  const body =
    `<section id="verdict" hidden></section>${shard}` +
    '<p id="connection" class="how">Connecting…</p>' +
    '<ul id="status" class="counts"></ul>' +
    '<section id="over-time"><h2>Over time</h2><p class="how">Vertical lines mark phase changes (grey) and injected faults (red, dashed) as they happen. Seconds long past are merged into buckets on long runs; the report keeps every second.</p>' +
    '<div id="charts"><p>Waiting for the first second of the run.</p></div></section>';
  return page({
    title: `Live: ${spec.scenario}`,
    subtitle: `engram-stream bench dashboard for ${spec.scenario}`,
    body,
    script: SCRIPT,
    connectSelf: true,
  });
}
