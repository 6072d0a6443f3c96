// Memory spaces as the main thread knows them: which episode id each index label
// stands for, and how many elements were admitted (FLOW-10 counts at admission).

export class MemorySpace {
  /** Label n of every segment's index is the episode ids[n]. */
  private readonly ids: string[] = [];

  constructor(readonly id: string) {}

  /** Elements admitted so far, indexed or still queued. */
  get admitted(): number {
    return this.ids.length;
  }

  /** Reserves the next label for an admitted episode. */
  assign(episodeId: string): number {
    this.ids.push(episodeId);
    return this.ids.length - 1;
  }

  episodeId(label: number): string | undefined {
    return this.ids[label];
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
