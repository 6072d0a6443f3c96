// A minimal protobuf writer for the hot-path messages. Nested messages are
// encoded first and written as length-delimited bytes: messages here are small,
// and it keeps the writer a single forward pass without length back-patching.

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

export { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT };

const textEncoder = new TextEncoder();

export class WireWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 64) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private rawVarint32(value: number): void {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
  }

  private rawVarint64(value: bigint): void {
    this.ensure(10);
    let v = BigInt.asUintN(64, value);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint32((field << 3) | wire);
  }

  /** uint32/enum/bool field; zero is the default and is not written. */
  uint32(field: number, value: number): this {
    if (value === 0) return this;
    this.tag(field, WIRE_VARINT);
    this.rawVarint32(value);
    return this;
  }

  /** int32 field: negative values take ten bytes on the wire, as protobuf requires. */
  int32(field: number, value: number): this {
    if (value === 0) return this;
    if (value >= 0) return this.uint32(field, value);
    this.tag(field, WIRE_VARINT);
    this.rawVarint64(BigInt(value));
    return this;
  }

  bool(field: number, value: boolean): this {
    return this.uint32(field, value ? 1 : 0);
  }

  /** uint64/int64 field, exact over the whole 64-bit range. */
  uint64(field: number, value: bigint): this {
    if (value === 0n) return this;
    this.tag(field, WIRE_VARINT);
    this.rawVarint64(value);
    return this;
  }

  float(field: number, value: number): this {
    if (value === 0 && !Object.is(value, -0)) return this;
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    this.buf.writeFloatLE(value, this.pos);
    this.pos += 4;
    return this;
  }

  string(field: number, value: string): this {
    if (value.length === 0) return this;
    return this.bytes(field, textEncoder.encode(value));
  }

  /** Always written, also when empty: used for nested messages that must be present. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LEN);
    this.rawVarint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** repeated float, packed. */
  packedFloats(field: number, values: Float32Array | readonly number[]): this {
    if (values.length === 0) return this;
    this.tag(field, WIRE_LEN);
    this.rawVarint32(values.length * 4);
    this.ensure(values.length * 4);
    if (values instanceof Float32Array && isLittleEndian) {
      this.buf.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), this.pos);
      this.pos += values.byteLength;
    } else {
      for (const v of values) {
        this.buf.writeFloatLE(v, this.pos);
        this.pos += 4;
      }
    }
    return this;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
