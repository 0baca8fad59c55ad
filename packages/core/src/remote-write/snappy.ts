/**
 * Snappy *block* format (what remote write uses, reference §1.4): our own checking decoder for untrusted bodies,
 * snappyjs for compression.
 *
 *   const protobuf = decompressSnappyBlock(body, limits.maxDecodedBodyBytes); // RequestError 400/413
 *   const body = compressSnappyBlock(protobuf);
 *
 * Why not snappyjs's `uncompress`: it trusts its input, which a public endpoint cannot (read from snappyjs
 * 0.7.0's snappy_decompressor.js):
 * - the length preamble is accumulated with `|=`, so a claim of 2^31 bytes or more turns negative, slips past
 *   the `maxLength` check and makes `new Uint8Array(negative)` throw a RangeError;
 * - a truncated copy-1 element reads `undefined` as its offset and copies garbage instead of failing;
 * - a 4-byte literal length or copy offset with the top bit set goes negative: the reader moves *backwards*;
 *   the 6-byte body `05 fc fa ff ff ff` makes it re-read the same literal forever (verified: a hang, i.e. a
 *   Lambda stuck until its timeout);
 * - output that is shorter or longer than the preamble claims is not detected (typed-array writes past the end
 *   are silently dropped, a short stream leaves zero bytes).
 * Guarding it took a walk over the element stream before snappyjs's own pass; this decoder does both in one pass
 * (issue #8: the guarded decompress was a quarter of the fast ingest path), with these guarantees:
 * - the preamble is read and bounded (limit, 2^31, and the most a body of this size can expand to) before the
 *   output is allocated, so an attacker's claim costs at most `min(limit, 21⅓ × body bytes)` of memory;
 * - every element is checked before it is used: a literal lies inside the body, a copy refers to bytes already
 *   produced (offset ≥ 1), and no element writes past the claimed length;
 * - every element advances the read position by at least one byte, so the loop ends;
 * - the total is exactly the claimed length, so no byte of the output is left unwritten.
 */
import { compress } from "snappyjs";
import { badRequest, payloadTooLarge } from "../errors";
import { copyBytes } from "./copy-bytes";

/** Stream-identifier chunk that starts the framed format ("sNaPpY"), which remote write forbids. */
const FRAMED_SNAPPY_MAGIC = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x50, 0x59];

/** Other encodings people send by mistake, recognised by their first bytes so the error can say so. */
const WRONG_ENCODINGS: ReadonlyArray<{ magic: number[]; name: string }> = [
  { magic: [0x1f, 0x8b], name: "gzip" },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: "zstd" },
];

/**
 * Outputs of 2^31 bytes or more are refused whatever the configured limit: positions then stay small integers
 * (V8's fast path), and Go's snappy caps the preamble at 2^32−1 anyway — nobody sends 2 GiB in one write.
 */
const MAX_REPRESENTABLE_LENGTH = 0x7fffffff;

/**
 * The most output one body byte can stand for: a copy-2 element is 3 bytes and produces at most 64 (a copy-1
 * 2 bytes → 11, a copy-4 5 → 64, a literal n+1 → n). A preamble claiming more than this times the element bytes
 * can never be met, so it is refused before the output is allocated.
 */
const MAX_EXPANSION = 64 / 3;

export function decompressSnappyBlock(body: Uint8Array, maxDecodedBytes: number): Uint8Array {
  if (body.length === 0) {
    throw badRequest("empty_body", "request body is empty; expected a snappy-compressed prometheus.WriteRequest");
  }
  if (startsWith(body, FRAMED_SNAPPY_MAGIC)) {
    throw badRequest("framed_snappy", "framed snappy is not supported; send snappy block format");
  }
  const wrong = WRONG_ENCODINGS.find((encoding) => startsWith(body, encoding.magic));
  if (wrong) {
    throw badRequest("invalid_snappy", `body looks ${wrong.name}-compressed; remote write bodies must be snappy block format`);
  }
  const preamble = readSnappyPreamble(body);
  if (!preamble) throw invalidSnappy("the length preamble is not a valid varint below 2^32");
  const { decodedLength, headerBytes } = preamble;
  const limit = Math.min(maxDecodedBytes, MAX_REPRESENTABLE_LENGTH);
  if (decodedLength > limit) {
    throw payloadTooLarge(
      "decoded_too_large",
      `snappy header claims ${decodedLength} decoded bytes; the limit is ${limit} bytes — send smaller batches`,
    );
  }
  const elementBytes = body.length - headerBytes;
  if (decodedLength > elementBytes * MAX_EXPANSION) {
    throw invalidSnappy(`its header claims ${decodedLength} decoded bytes, more than ${elementBytes} bytes of snappy elements can hold (truncated?)`);
  }
  return decodeElements(body, headerBytes, decodedLength);
}

export function compressSnappyBlock(bytes: Uint8Array): Uint8Array {
  return compress(bytes);
}

function invalidSnappy(detail: string) {
  return badRequest("invalid_snappy", `body is not snappy block-compressed data: ${detail}`);
}

function startsWith(body: Uint8Array, magic: readonly number[]): boolean {
  return body.length >= magic.length && magic.every((byte, i) => body[i] === byte);
}

/**
 * The uncompressed length: a little-endian base-128 varint of at most 5 bytes, value < 2^32; `undefined` when the
 * body does not start with one.
 */
export function readSnappyPreamble(body: Uint8Array): { decodedLength: number; headerBytes: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5 && i < body.length; i++) {
    const byte = body[i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return value > 0xffffffff ? undefined : { decodedLength: value, headerBytes: i + 1 };
  }
  return undefined;
}

/**
 * Decodes the element stream (format_description.txt §2.1, reference §1.4) into exactly `decodedLength` bytes,
 * or throws naming the first element that breaks a rule. One pass: each element is bounds-checked, then moved.
 */
function decodeElements(body: Uint8Array, start: number, decodedLength: number): Uint8Array {
  const out = new Uint8Array(decodedLength);
  const end = body.length;
  let pos = start;
  let produced = 0;
  while (pos < end) {
    const elementStart = pos;
    const tagByte = body[pos]!;
    const kind = tagByte & 3;
    if (kind === 0) {
      // literal: length−1 in the upper 6 bits, or in the next 1–4 bytes when those bits say 60–63
      let length = (tagByte >>> 2) + 1;
      pos += 1;
      if (length > 60) {
        const extraBytes = length - 60;
        if (pos + extraBytes > end) throw invalidSnappy(`literal length at byte ${elementStart} is cut off`);
        length = readLittleEndian(body, pos, extraBytes) + 1;
        pos += extraBytes;
      }
      if (length > end - pos) {
        throw invalidSnappy(`literal of ${length} bytes at byte ${elementStart} runs past the end of the body (truncated?)`);
      }
      if (length > decodedLength - produced) throw tooLong(decodedLength, elementStart);
      copyBytes(body, pos, pos + length, out, produced);
      pos += length;
      produced += length;
    } else {
      // copy: the next `length` bytes repeat those `offset` bytes back (1-, 2- or 4-byte offset)
      let length: number;
      let offset: number;
      if (kind === 1) {
        if (pos + 2 > end) throw copyCutOff(elementStart);
        length = ((tagByte >>> 2) & 7) + 4;
        offset = ((tagByte >>> 5) << 8) | body[pos + 1]!;
        pos += 2;
      } else if (kind === 2) {
        if (pos + 3 > end) throw copyCutOff(elementStart);
        length = (tagByte >>> 2) + 1;
        offset = body[pos + 1]! | (body[pos + 2]! << 8);
        pos += 3;
      } else {
        if (pos + 5 > end) throw copyCutOff(elementStart);
        length = (tagByte >>> 2) + 1;
        offset = readLittleEndian(body, pos + 1, 4);
        pos += 5;
      }
      if (offset === 0 || offset > produced) {
        throw invalidSnappy(`copy at byte ${elementStart} refers to offset ${offset} with only ${produced} bytes decoded`);
      }
      if (length > decodedLength - produced) throw tooLong(decodedLength, elementStart);
      const from = produced - offset;
      if (offset < length) {
        // byte by byte gives overlapping copies (offset < length) their run-length meaning
        for (let i = 0; i < length; i++) out[produced + i] = out[from + i]!;
      } else {
        copyBytes(out, from, from + length, out, produced);
      }
      produced += length;
    }
  }
  if (produced !== decodedLength) {
    throw invalidSnappy(`decodes to ${produced} bytes but its header claims ${decodedLength} (truncated?)`);
  }
  return out;
}

function copyCutOff(elementStart: number) {
  return invalidSnappy(`copy element at byte ${elementStart} is cut off (truncated?)`);
}

function tooLong(decodedLength: number, elementStart: number) {
  return invalidSnappy(`decodes to more than the ${decodedLength} bytes its header claims (at byte ${elementStart})`);
}

/**
 * An unsigned little-endian integer of 1–4 bytes. Shifts rather than `2 ** (8 * i)`, which V8 computes as a
 * float power per byte; the top byte is multiplied so that values ≥ 2^31 stay positive.
 */
export function readLittleEndian(body: Uint8Array, pos: number, bytes: number): number {
  let value = body[pos]!;
  if (bytes > 1) value |= body[pos + 1]! << 8;
  if (bytes > 2) value |= body[pos + 2]! << 16;
  if (bytes > 3) value += body[pos + 3]! * 0x1000000;
  return value;
}
