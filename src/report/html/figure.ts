// A chart with its heading in words, a sentence on how to read it, and its legend.
import { escapeMarkup } from '../escape.js';

export interface LegendItem {
  label: string;
  colour: string;
  dashed?: boolean;
}

function legend(items: LegendItem[]): string {
  if (items.length === 0) return '';
  const li = items.map(
    (i) =>
      `<li><span class="swatch${i.dashed ? ' dashed' : ''}" style="border-color:${i.colour}"></span>${escapeMarkup(i.label)}</li>`,
  );
  return `<ul class="legend">${li.join('')}</ul>`;
}

export function figure(id: string, title: string, how: string, svg: string, items: LegendItem[]): string {
  return (
    `<figure class="chart-figure" id="chart-${escapeMarkup(id)}"><h3>${escapeMarkup(title)}</h3>` +
    `<p class="how">${escapeMarkup(how)}</p>${svg}${legend(items)}</figure>`
  );
}
