/**
 * An append-only byte buffer that grows by doubling, for the fast ingest path's outputs (fast-ingest.ts,
 * snappy-splice.ts). Copies go through copy-bytes.ts: the 20–200 byte runs typical there are dominated by
 * per-call costs, not by the bytes.
 */
import { copyBytes } from "./copy-bytes";

export class GrowableBytes {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  /** Makes room for `bytes` more; call before writing through `buf` directly. */
  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + bytes));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** Appends `from[start, end)`; room must have been reserved. */
  copy(from: Uint8Array, start: number, end: number): void {
    copyBytes(from, start, end, this.buf, this.pos);
    this.pos += end - start;
  }

  /** Appends an unsigned varint (< 2^32); room must have been reserved. */
  varint32(value: number): void {
    const { buf } = this;
    let pos = this.pos;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
