import { escapeMarkup } from '../escape.js';

/** A cell is plain text (escaped here) or markup already made safe by the caller. */
export type Cell = string | number | { html: string };

function cell(c: Cell): string {
  return typeof c === 'object' ? c.html : escapeMarkup(c);
}

export interface RowSpec {
  cells: Cell[];
  /** Extra attributes, already escaped (e.g. data-outcome for filtering). */
  attrs?: string;
}

export function table(caption: string, headers: string[], rows: RowSpec[], className = ''): string {
  const head = `<thead><tr>${headers.map((h) => `<th scope="col">${escapeMarkup(h)}</th>`).join('')}</tr></thead>`;
  const body = rows.map(
    (r) => `<tr${r.attrs ? ` ${r.attrs}` : ''}>${r.cells.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`,
  );
  const cls = className ? ` class="${escapeMarkup(className)}"` : '';
  return `<table${cls}><caption>${escapeMarkup(caption)}</caption>${head}<tbody>${body.join('')}</tbody></table>`;
}
