// Memory spaces as the main thread knows them: what each index label stands for
// (episode id, content, confidence, creation time, for recall to return), and how
// many elements were admitted (FLOW-10 counts at admission).
//
// One array per field instead of one object per element: an object with four fields
// costs more than the fields themselves, and a space holds up to --max-elements of them.
import type { Confidence } from '../protocol/messages.js';
import { GrowableTypedArray } from './growable-typed-array.js';

/** What recall returns of one stored episode. */
export interface StoredMemory {
  id: string;
  content: string;
  /** The episode's encoding confidence, when it carried one. */
  confidence?: Omit<Confidence, 'reasoning'>;
  /** The episode's `when`, or the time it was accepted. */
  createdAtMs: number;
}

export class MemorySpace {
  /** Label n of every segment's index is element n of each array. */
  private readonly ids: string[] = [];
  private readonly contents: string[] = [];
  /** NaN: the episode carried no confidence. */
  private readonly confidenceValues = new GrowableTypedArray(Float32Array);
  private readonly confidenceCategories = new GrowableTypedArray(Uint8Array);
  private readonly createdAt = new GrowableTypedArray(Float64Array);

  constructor(readonly id: string) {}

  /** Elements admitted so far, indexed or still queued. */
  get admitted(): number {
    return this.ids.length;
  }

  /** Reserves the next label for an admitted episode. */
  assign(episodeId: string, content = '', confidence?: Confidence, createdAtMs = Date.now()): number {
    this.ids.push(episodeId);
    this.contents.push(content);
    this.confidenceValues.push(confidence ? confidence.value : Number.NaN);
    this.confidenceCategories.push(confidence ? confidence.category : 0);
    this.createdAt.push(createdAtMs);
    return this.ids.length - 1;
  }

  episodeId(label: number): string | undefined {
    return this.ids[label];
  }

  memory(label: number): StoredMemory | undefined {
    const id = this.ids[label];
    if (id === undefined) return undefined;
    const m: StoredMemory = {
      id,
      content: this.contents[label] ?? '',
      createdAtMs: this.createdAt.get(label),
    };
    const value = this.confidenceValues.get(label);
    if (!Number.isNaN(value)) m.confidence = { value, category: this.confidenceCategories.get(label) };
    return m;
  }
}

export class MemorySpaces {
  private readonly spaces = new Map<string, MemorySpace>();

  get(id: string): MemorySpace | undefined {
    return this.spaces.get(id);
  }

  getOrCreate(id: string): MemorySpace {
    let space = this.spaces.get(id);
    if (!space) {
      space = new MemorySpace(id);
      this.spaces.set(id, space);
    }
    return space;
  }
}
