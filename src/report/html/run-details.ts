// Where and how the run happened: target, versions, machine (and the scenario for bench).

import type { Results } from '../../results/results.js';
import { startText } from '../console/start-text.js';
import { escapeMarkup } from '../escape.js';

function shardText(shard: { index: number; count: number }, merged: number | undefined): string {
  if (merged) return `merged from ${merged} shards`;
  return shard.count > 1
    ? `${shard.index}/${shard.count} (--shard), this shard only`
    : 'whole run (not sharded)';
}

function row(name: string, value: string): string {
  return `<dt>${escapeMarkup(name)}</dt><dd>${escapeMarkup(value)}</dd>`;
}

export function runDetailsSection(r: Results): string {
  const e = r.environment;
  const t = r.target;
  const rows: string[] = [];
  if (r.kind === 'bench') {
    rows.push(
      row('Scenario', `${r.scenario.name} (${r.scenario.file})`),
      row('What it does', r.scenario.description),
      row('Scenario digest', r.scenario.digest),
      row('Shard', shardText(r.shard, r.mergedShards)),
    );
  } else {
    rows.push(row('Strict mode', r.strict ? 'yes: NON-STRICT counts as failure' : 'no'));
  }
  rows.push(
    row(
      'Target',
      `${t.address}${t.embedded ? ' (embedded reference server)' : ''}${t.tls ? ', TLS' : ', plaintext'}`,
    ),
  );
  if (t.network) rows.push(row('Network', t.network));
  if (t.capabilities) {
    rows.push(
      row(
        'Server capabilities',
        Object.entries(t.capabilities)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
      ),
    );
  }
  rows.push(
    row('Started', r.kind === 'bench' && r.start ? startText(r.start) : r.startedAt),
    row('Duration', `${(r.durationMs / 1000).toFixed(1)} s`),
    row('Tool', `${r.tool.name} ${r.tool.version}`),
    row('Node.js', e.node),
    row(
      'Machine',
      `${e.hostname}: ${e.platform}/${e.arch}, ${e.cpus} × ${e.cpuModel}, ${e.memoryGiB} GiB memory`,
    ),
  );
  const source =
    r.kind === 'bench'
      ? `<details><summary>Scenario file</summary><pre>${escapeMarkup(r.scenario.source)}</pre></details>`
      : '';
  return `<section id="run"><h2>About this run</h2><dl class="details">${rows.join('')}</dl>${source}</section>`;
}
