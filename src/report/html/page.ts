// The page shell: inline styles for a light and a dark scheme, a Content-Security-Policy
// that forbids every network request, and at most one inline script allowed by its hash.
import { createHash } from 'node:crypto';
import { escapeMarkup } from '../escape.js';
import { OKABE_ITO } from './palette.js';

const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1d1d1f; --muted: #5b5b60; --line: #d4d4d8; --panel: #f4f4f5;
  --pass: ${OKABE_ITO.bluishGreen}; --fail: ${OKABE_ITO.vermillion}; --warn: ${OKABE_ITO.orange}; --info: ${OKABE_ITO.blue}; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #17171a; --fg: #ececef; --muted: #a1a1aa; --line: #3f3f46; --panel: #232327; --info: ${OKABE_ITO.skyBlue}; }
}
* { box-sizing: border-box; }
a { color: var(--info); }
.nowrap { white-space: nowrap; }
body { margin: 0 auto; max-width: 1000px; padding: 1.5rem; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 0 0 .25rem; }
.subtitle, .how { color: var(--muted); margin: .25rem 0 .5rem; }
code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--panel); padding: .75rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.verdict { border: 2px solid var(--info); border-left-width: 10px; padding: .5rem 1rem; margin: 1rem 0; background: var(--panel); }
.verdict-passed { border-color: var(--pass); } .verdict-failed, .verdict-error { border-color: var(--fail); }
.verdict-inconclusive { border-color: var(--warn); }
.verdict-word { font-size: 1.6rem; font-weight: 700; margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
table.narrow { width: auto; min-width: 50%; }
caption { text-align: left; color: var(--muted); padding-bottom: .25rem; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: var(--panel); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: .8rem; font-weight: 700;
  border: 2px solid var(--muted); white-space: nowrap; }
.badge-PASS { border-color: var(--pass); } .badge-FAIL { border-color: var(--fail); background: var(--fail); color: #fff; }
.badge-ERROR { border-color: ${OKABE_ITO.reddishPurple}; background: ${OKABE_ITO.reddishPurple}; color: #000; }
.badge-NON-STRICT { border-color: var(--warn); } .badge-INCONCLUSIVE { border-color: var(--info); border-style: dashed; }
.badge-SKIP { border-style: dotted; }
.chart-figure { margin: 1.5rem 0; }
svg.chart { width: 100%; height: auto; display: block; color: var(--fg); font-size: 12px; }
svg.chart .plot { fill: none; stroke: var(--line); }
svg.chart .grid { stroke: var(--line); stroke-width: .5; }
svg.chart text { fill: currentColor; }
svg.chart .axis-title { font-size: 13px; }
svg.chart .series { fill: none; stroke-width: 2; stroke-linejoin: round; }
svg.chart .band { stroke: none; }
svg.chart .bound line { stroke-dasharray: 8 4; stroke-width: 1.5; }
svg.chart .marker-phase line, svg.chart line.marker-phase { stroke: var(--muted); stroke-width: 1; }
svg.chart .marker-fault line, svg.chart line.marker-fault { stroke: ${OKABE_ITO.vermillion}; stroke-dasharray: 3 3; stroke-width: 1.5; }
svg.chart .marker-abort line, svg.chart line.marker-abort { stroke: var(--fg); stroke-width: 2.5; }
svg.chart g[class^="marker"] text { font-size: 10px; fill: var(--muted); }
.legend { list-style: none; padding: 0; margin: .25rem 0 0 11%; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; font-size: .85rem; }
.swatch { display: inline-block; width: 22px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: .35rem; }
.swatch.dashed { border-top-style: dashed; }
dl.details { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.details dt { color: var(--muted); } dl.details dd { margin: 0; word-break: break-word; }
.counts { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: .5rem; }
.count { background: var(--panel); padding: .5rem .75rem; display: flex; flex-direction: column; align-items: flex-start; }
.count-number { font-size: 1.6rem; font-weight: 700; } .count-meaning { color: var(--muted); font-size: .8rem; }
.filters { display: flex; flex-wrap: wrap; gap: .4rem; margin: .5rem 0; }
.filters button { font: inherit; padding: .2rem .7rem; border: 1px solid var(--line); background: var(--panel); color: var(--fg); border-radius: 3px; cursor: pointer; }
.filters button[aria-pressed="true"] { border-color: var(--info); outline: 2px solid var(--info); }
details.case { border: 1px solid var(--line); padding: .4rem .75rem; margin: .4rem 0; }
details.case > summary { cursor: pointer; }
.findings { padding-left: 1rem; } .finding { margin-bottom: .75rem; }
.warn { border-left: 4px solid var(--warn); padding-left: .5rem; }
[hidden] { display: none !important; }
`;

export interface PageSpec {
  title: string;
  subtitle: string;
  body: string;
  script?: string;
  /** A live page may open an event stream to its own origin, and nothing else. */
  connectSelf?: boolean;
}

function contentSecurityPolicy(spec: PageSpec): string {
  const { script } = spec;
  const scriptSrc = script ? `'sha256-${createHash('sha256').update(script).digest('base64')}'` : "'none'";
  const connect = spec.connectSelf ? "; connect-src 'self'" : '';
  return `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${scriptSrc}${connect}; base-uri 'none'; form-action 'none'`;
}

export function page(spec: PageSpec): string {
  return (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(spec)}">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeMarkup(spec.title)}</title><style>${STYLE}</style></head><body>` +
    `<header><h1>${escapeMarkup(spec.title)}</h1><p class="subtitle">${escapeMarkup(spec.subtitle)}</p></header>` +
    `<main>${spec.body}</main>` +
    (spec.script ? `<script>${spec.script}</script>` : '') +
    '</body></html>\n'
  );
}
