// Maps a key path of the parsed scenario (as zod reports it) back to line and column in the
// YAML text, so every error points at the exact place to fix.
import { type Document, isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';

export type KeyPath = readonly PropertyKey[];

export interface Location {
  line: number;
  col: number;
}

export class YamlSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  /** Position of the value at path; with `key`, of that key inside the map at path. */
  locate(path: KeyPath, key?: string): Location {
    const node = this.nearestNode(path);
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      const keyRange = (pair?.key as Node | undefined)?.range;
      if (keyRange) return this.position(keyRange[0]);
    }
    return this.position(node?.range?.[0] ?? 0);
  }

  /** The scalar at path, a YAML collection node, or undefined where the file has none. */
  valueAt(path: KeyPath): unknown {
    return this.doc.getIn(path as unknown[]);
  }

  position(offset: number): Location {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /** The deepest node that exists along path (the file may lack the rest). */
  private nearestNode(path: KeyPath): Node | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n) as unknown[], true) as Node | undefined;
      if (node && typeof node === 'object') return node;
    }
    return this.doc.contents ?? undefined;
  }
}

/** phases[1].burst.every */
export function formatPath(path: KeyPath): string {
  let text = '';
  for (const p of path) text += typeof p === 'number' ? `[${p}]` : `${text ? '.' : ''}${String(p)}`;
  return text || '(top level)';
}
