// A minimal protobuf reader: strict about malformed input (truncation, bad wire
// types, over-long varints) so that a decoder error is a clear protocol error.
import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './wire-writer.js';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

export class WireError extends Error {
  override name = 'WireError';
}

export class WireReader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new WireError('truncated message');
    return this.buf[this.pos++] as number;
  }

  /** A varint as a JS number, for values that fit 32 bits (tags, lengths, enums, uint32). */
  varint32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      if (shift < 32) result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result >>> 0 === result ? result : result % 2 ** 32;
      shift += 7;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** int32 fields carry negatives as 64-bit two's complement; keep the low 32 bits, signed. */
  int32(): number {
    return Number(BigInt.asIntN(32, this.varint64()));
  }

  varint64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  tag(): { field: number; wire: number } {
    const t = this.varint32();
    const field = t >>> 3;
    if (field === 0) throw new WireError('field number 0');
    return { field, wire: t & 7 };
  }

  float(): number {
    if (this.pos + 4 > this.end) throw new WireError('truncated float');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4);
    this.pos += 4;
    return view.getFloat32(0, true);
  }

  /** Start and end of a length-delimited field's payload; advances past it. */
  span(): [number, number] {
    const len = this.varint32();
    const start = this.pos;
    if (start + len > this.end) throw new WireError(`length ${len} runs past the end of the message`);
    this.pos = start + len;
    return [start, start + len];
  }

  string(): string {
    const [s, e] = this.span();
    try {
      return textDecoder.decode(this.buf.subarray(s, e));
    } catch {
      throw new WireError('string is not valid UTF-8');
    }
  }

  sub(): WireReader {
    const [s, e] = this.span();
    return new WireReader(this.buf, s, e);
  }

  /** repeated float in either packed or unpacked form, appended to out. */
  floats(wire: number, out: number[]): void {
    if (wire === WIRE_FIXED32) {
      out.push(this.float());
      return;
    }
    if (wire !== WIRE_LEN) throw new WireError(`wire type ${wire} for a repeated float`);
    const [s, e] = this.span();
    if ((e - s) % 4 !== 0) throw new WireError('packed floats length is not a multiple of 4');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + s, e - s);
    for (let o = 0; o < e - s; o += 4) out.push(view.getFloat32(o, true));
  }

  /** A packed float field read straight into a Float32Array (the common, fast case). */
  packedFloatArray(): Float32Array {
    const [s, e] = this.span();
    if ((e - s) % 4 !== 0) throw new WireError('packed floats length is not a multiple of 4');
    // Copy: the payload is rarely 4-byte aligned, and the request buffer is reused by grpc-js.
    const copy = new Uint8Array(e - s);
    copy.set(this.buf.subarray(s, e));
    return new Float32Array(copy.buffer);
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint64();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) throw new WireError('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.span();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) throw new WireError('truncated fixed32');
        this.pos += 4;
        return;
      default:
        throw new WireError(`unsupported wire type ${wire}`);
    }
  }

  expect(wire: number, want: number, what: string): void {
    if (wire !== want) throw new WireError(`wrong wire type ${wire} for ${what}`);
  }
}
