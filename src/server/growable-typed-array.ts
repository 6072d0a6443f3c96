// An append-only typed array that doubles its storage as it grows: numbers per
// element without an object or a boxed value each.

type TypedArray = Float32Array | Float64Array | Uint8Array;
type TypedArrayClass<T extends TypedArray> = new (length: number) => T;

export class GrowableTypedArray<T extends TypedArray> {
  private data: T;
  private size = 0;

  constructor(
    private readonly kind: TypedArrayClass<T>,
    initialCapacity = 64,
  ) {
    this.data = new kind(initialCapacity);
  }

  get length(): number {
    return this.size;
  }

  push(value: number): void {
    if (this.size === this.data.length) {
      const next = new this.kind(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.size++] = value;
  }

  /** The element at index (below length). */
  get(index: number): number {
    return this.data[index] as number;
  }
}
