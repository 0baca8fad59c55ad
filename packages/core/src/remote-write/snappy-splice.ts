/**
 * Compresses the fast ingest path's output by splicing the sender's own snappy compression instead of running
 * a compressor over it again (issue #8: compressing was a third of the fast path).
 *
 *   const splicer = SnappySplicer.create(body, batch);           // body: the sender's snappy block
 *   const part = splicer?.compress(start, end) ?? compressSnappyBlock(batch.protobuf.subarray(start, end));
 *
 * The output differs from the sender's decoded body only where fast-ingest.ts wrote new bytes (series headers,
 * the token's labels); everything else is a *run* copied unchanged (`batch.runs`). The sender's stream already
 * says how those bytes compress: each of its copy elements ("the next n bytes repeat those d bytes back") still
 * holds inside the output wherever its destination and its source both lie in unchanged runs — only the
 * distance changes, by what was inserted between them. So the stream is walked once and re-emitted in output
 * coordinates: such copies keep their meaning with a recomputed offset; a copy whose source fell on replaced
 * bytes, or before the part's start (each part is its own snappy block), becomes a literal of the output's
 * bytes, as do literals and new bytes — except a token label, which is a copy of the same label in the
 * previous series (`batch.repeats`).
 *
 * What AMP decompresses is exactly `protobuf[start, end)` — the same bytes the reference path compresses; only
 * the compressed form differs (and is about as small as the sender's). The differential tests decompress
 * every spliced part and compare. The body must be one the checking decoder (snappy.ts) accepted for this batch.
 */
import { GrowableBytes } from "./growable-bytes";
import { readLittleEndian, readSnappyPreamble } from "./snappy";

/** What the splicer needs from a fast-ingest batch (fast-ingest.ts EncodedWriteRequest). */
export interface SplicedOutput {
  protobuf: Uint8Array;
  /** `[inputStart, outputStart, length]` triples: output bytes equal to the sender's decoded bytes. */
  runs: readonly number[];
  /** `[outputStart, length, earlierOutputStart]` triples: output bytes equal to earlier output bytes. */
  repeats: readonly number[];
}

/** Copies shorter than this are cheaper as literal bytes (a copy element costs 2–5 bytes). */
const MIN_COPY = 4;

/** Reads the sender's stream one element at a time (the decoder in snappy.ts has already checked it). */
class ElementCursor {
  /** Decoded range of the current element, and its copy distance (0: a literal). */
  start = 0;
  end = 0;
  distance = 0;
  private pos: number;

  constructor(private readonly body: Uint8Array, private readonly firstElement: number) {
    this.pos = firstElement;
  }

  rewind(): void {
    this.pos = this.firstElement;
    this.start = this.end = this.distance = 0;
  }

  /** Moves to the next element; false at the end of the stream or on anything malformed. */
  next(): boolean {
    const { body } = this;
    let pos = this.pos;
    if (pos >= body.length) return false;
    const tagByte = body[pos]!;
    const kind = tagByte & 3;
    let length: number;
    let distance = 0;
    if (kind === 0) {
      length = (tagByte >>> 2) + 1;
      pos += 1;
      if (length > 60) {
        const extra = length - 60;
        length = readLittleEndian(body, pos, extra) + 1;
        pos += extra;
      }
      pos += length;
    } else if (kind === 1) {
      length = ((tagByte >>> 2) & 7) + 4;
      distance = ((tagByte >>> 5) << 8) | body[pos + 1]!;
      pos += 2;
    } else {
      length = (tagByte >>> 2) + 1;
      distance = kind === 2 ? body[pos + 1]! | (body[pos + 2]! << 8) : readLittleEndian(body, pos + 1, 4);
      pos += kind === 2 ? 3 : 5;
    }
    // `!(pos <= …)`: a length or offset cut off by the end of the body reads `undefined` bytes and makes `pos` NaN.
    if (!(pos <= body.length) || (kind !== 0 && (distance === 0 || distance > this.end))) return false;
    this.pos = pos;
    this.start = this.end;
    this.end += length;
    this.distance = distance;
    return true;
  }
}

export class SnappySplicer {
  private readonly elements: ElementCursor;

  private constructor(
    body: Uint8Array,
    firstElement: number,
    private readonly batch: SplicedOutput,
    /** For each 64-byte block of the input, the last run starting at or before it: run lookup in O(1). */
    private readonly runAtBlock: Int32Array,
  ) {
    this.elements = new ElementCursor(body, firstElement);
  }

  /** `undefined` when the body's length preamble does not cover the runs it is given. */
  static create(body: Uint8Array, batch: SplicedOutput): SnappySplicer | undefined {
    const preamble = readSnappyPreamble(body);
    if (!preamble) return undefined;
    const { decodedLength, headerBytes } = preamble;
    const lastRun = batch.runs.length - 3;
    if (lastRun >= 0 && batch.runs[lastRun]! + batch.runs[lastRun + 2]! > decodedLength) return undefined;
    return new SnappySplicer(body, headerBytes, batch, runBlockIndex(batch.runs, decodedLength));
  }

  /**
   * A snappy block that decompresses to exactly `protobuf[start, end)`; `undefined` if the sender's stream
   * turns out not to cover what the runs say (then compress afresh).
   */
  compress(start: number, end: number): Uint8Array | undefined {
    const { runs, repeats, protobuf } = this.batch;
    const element = this.elements;
    const out = new GrowableBytes(((end - start) >>> 2) + 64);
    out.reserve(5);
    out.varint32(end - start);
    // Output bytes [pending, …) are not emitted yet: they go out as a literal before the next copy.
    let pending = start;
    let r = firstTripleEndingAfter(runs, 1, start);
    let q = firstTripleEndingAfter(repeats, 0, start);
    for (;;) {
      const nextRun = r < runs.length ? runs[r + 1]! : end;
      const nextRepeat = q < repeats.length ? repeats[q]! : end;
      if (nextRun >= end && nextRepeat >= end) break;
      if (nextRepeat < nextRun) {
        // A token label equal to an earlier one: a copy when the earlier one is inside this part.
        const earlier = repeats[q + 2]!;
        if (earlier >= start && nextRepeat >= start) pending = emitCopyAt(out, protobuf, pending, end, nextRepeat, nextRepeat - earlier, repeats[q + 1]!);
        q += 3;
        continue;
      }
      // An unchanged run, clipped to the part: re-emit the sender's elements over it.
      const runIn = runs[r]!;
      const runOut = nextRun;
      let x = runIn + (runOut > start ? 0 : start - runOut); // decoded input position
      const xEnd = runIn + (runOut + runs[r + 2]! < end ? runs[r + 2]! : end - runOut);
      if (element.start > x) element.rewind(); // a part before the last one compressed
      while (x < xEnd) {
        while (element.end <= x) if (!element.next()) return undefined;
        const pieceEnd = element.end < xEnd ? element.end : xEnd;
        const distance = element.distance;
        if (distance === 0) {
          x = pieceEnd; // a literal: its bytes stay pending
          continue;
        }
        // These bytes repeat the input `distance` back: find those bytes in the output.
        const source = x - distance;
        const k = this.runContaining(source);
        if (k < 0) {
          x = Math.min(pieceEnd, x + (-k - source)); // source replaced: literal until it re-enters a run
          continue;
        }
        const length = Math.min(pieceEnd - x, runs[k]! + runs[k + 2]! - source);
        const sourceOut = runs[k + 1]! + (source - runs[k]!);
        const at = runOut + (x - runIn);
        if (sourceOut >= start) pending = emitCopyAt(out, protobuf, pending, end, at, at - sourceOut, length);
        x += length;
      }
      r += 3;
    }
    emitLiteral(out, protobuf, pending, end);
    return out.bytes();
  }

  /**
   * The run (triple index) holding input position `source`; when `source` lies in replaced bytes,
   * `-(input start of the next run)`.
   */
  private runContaining(source: number): number {
    const { runs } = this.batch;
    let k = this.runAtBlock[source >>> BLOCK_BITS]!;
    while (k + 3 < runs.length && runs[k + 3]! <= source) k += 3;
    if (k >= 0 && source < runs[k]! + runs[k + 2]!) return k;
    return -runs[k + 3]!;
  }
}

/** Index of the first `[…, start@field, length]` triple (by `field`: 0 or 1) ending after `position`. */
function firstTripleEndingAfter(triples: readonly number[], field: 0 | 1, position: number): number {
  const lengthField = field === 1 ? 2 : 1;
  let low = 0;
  let high = triples.length / 3;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (triples[middle * 3 + field]! + triples[middle * 3 + lengthField]! <= position) low = middle + 1;
    else high = middle;
  }
  return low * 3;
}

const BLOCK_BITS = 6;

/** runAtBlock for SnappySplicer.runContaining: per 64-byte input block, the last run starting at or before it. */
function runBlockIndex(runs: readonly number[], inputLength: number): Int32Array {
  const index = new Int32Array((inputLength >>> BLOCK_BITS) + 1).fill(-3);
  let k = -3;
  for (let block = 0; block < index.length; block++) {
    const blockStart = block << BLOCK_BITS;
    while (k + 3 < runs.length && runs[k + 3]! <= blockStart) k += 3;
    index[block] = k;
  }
  return index;
}

/**
 * Emits the pending literal and then a copy of `length` bytes at output position `at`, `distance` back;
 * returns the new pending position. Bytes an earlier copy already covered are skipped, and the copy runs on,
 * like a compressor's match extension, while the output keeps repeating — through new bytes too (a series
 * header, a token label). Too short a copy is left to the literal.
 */
function emitCopyAt(out: GrowableBytes, protobuf: Uint8Array, pending: number, end: number, at: number, distance: number, length: number): number {
  if (at < pending) {
    length -= pending - at;
    at = pending;
  }
  if (length < MIN_COPY) return pending;
  while (at + length < end && protobuf[at + length] === protobuf[at + length - distance]) length++;
  emitLiteral(out, protobuf, pending, at);
  emitCopy(out, distance, length);
  return at + length;
}

function emitLiteral(out: GrowableBytes, from: Uint8Array, start: number, end: number): void {
  const length = end - start;
  if (length <= 0) return;
  out.reserve(length + 5);
  const n = length - 1;
  const { buf } = out;
  if (n < 60) buf[out.pos++] = n << 2;
  else if (n < 0x100) {
    buf[out.pos++] = 60 << 2;
    buf[out.pos++] = n;
  } else if (n < 0x10000) {
    buf[out.pos++] = 61 << 2;
    buf[out.pos++] = n & 0xff;
    buf[out.pos++] = n >>> 8;
  } else if (n < 0x1000000) {
    buf[out.pos++] = 62 << 2;
    buf[out.pos++] = n & 0xff;
    buf[out.pos++] = (n >>> 8) & 0xff;
    buf[out.pos++] = n >>> 16;
  } else {
    buf[out.pos++] = 63 << 2;
    buf[out.pos++] = n & 0xff;
    buf[out.pos++] = (n >>> 8) & 0xff;
    buf[out.pos++] = (n >>> 16) & 0xff;
    buf[out.pos++] = n >>> 24;
  }
  out.copy(from, start, end);
}

/** Copy elements of at most 64 bytes: 2 bytes when short and near, 3 with a 16-bit distance, 5 otherwise. */
function emitCopy(out: GrowableBytes, distance: number, length: number): void {
  out.reserve(5 * ((length >>> 6) + 1));
  while (length > 0) {
    // Leave at least 4 for a last chunk, so it can still use the 2-byte form.
    const chunk = length > 64 ? (length - 64 < 4 ? 60 : 64) : length;
    emitCopyElement(out, distance, chunk);
    length -= chunk;
  }
}

function emitCopyElement(out: GrowableBytes, distance: number, length: number): void {
  const { buf } = out;
  let pos = out.pos;
  if (length <= 11 && length >= 4 && distance < 2048) {
    buf[pos++] = 1 | ((length - 4) << 2) | ((distance >>> 8) << 5);
    buf[pos++] = distance & 0xff;
  } else if (distance < 0x10000) {
    buf[pos++] = 2 | ((length - 1) << 2);
    buf[pos++] = distance & 0xff;
    buf[pos++] = distance >>> 8;
  } else {
    buf[pos++] = 3 | ((length - 1) << 2);
    buf[pos++] = distance & 0xff;
    buf[pos++] = (distance >>> 8) & 0xff;
    buf[pos++] = (distance >>> 16) & 0xff;
    buf[pos++] = distance >>> 24;
  }
  out.pos = pos;
}
