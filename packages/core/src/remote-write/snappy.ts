/**
 * Snappy *block* format (what remote write uses, reference §1.4) over snappyjs, made safe for untrusted bodies.
 *
 *   const protobuf = decompressSnappyBlock(body, limits.maxDecodedBodyBytes); // RequestError 400/413
 *   const body = compressSnappyBlock(protobuf);
 *
 * snappyjs trusts its input, which a public endpoint cannot (read from snappyjs 0.7.0's snappy_decompressor.js):
 * - the length preamble is accumulated with `|=`, so a claim of 2^31 bytes or more turns negative, slips past
 *   the `maxLength` check and makes `new Uint8Array(negative)` throw a RangeError;
 * - a truncated copy-1 element reads `undefined` as its offset and copies garbage instead of failing;
 * - a 4-byte literal length or copy offset with the top bit set goes negative: the reader moves *backwards*;
 *   the 6-byte body `05 fc fa ff ff ff` makes it re-read the same literal forever (verified: a hang, i.e. a
 *   Lambda stuck until its timeout);
 * - output that is shorter or longer than the preamble claims is not detected (typed-array writes past the end
 *   are silently dropped, a short stream leaves zero bytes).
 * So before snappyjs allocates anything, the preamble is read and bounded here, and the element stream is walked
 * once (headers only, no copying) to prove that every element lies inside the body, every copy refers to bytes
 * already produced, and the total is exactly the claimed length. Only then does snappyjs decode it.
 */
import { compress, uncompress } from "snappyjs";
import { badRequest, payloadTooLarge } from "../errors";

/** Stream-identifier chunk that starts the framed format ("sNaPpY"), which remote write forbids. */
const FRAMED_SNAPPY_MAGIC = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x50, 0x59];

/** Other encodings people send by mistake, recognised by their first bytes so the error can say so. */
const WRONG_ENCODINGS: ReadonlyArray<{ magic: number[]; name: string }> = [
  { magic: [0x1f, 0x8b], name: "gzip" },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: "zstd" },
];

/** snappyjs keeps the decoded length in an int32; Go's snappy caps the preamble at 2^32−1 anyway. */
const MAX_REPRESENTABLE_LENGTH = 0x7fffffff;

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
  const { decodedLength, headerBytes } = readPreamble(body);
  const limit = Math.min(maxDecodedBytes, MAX_REPRESENTABLE_LENGTH);
  if (decodedLength > limit) {
    throw payloadTooLarge(
      "decoded_too_large",
      `snappy header claims ${decodedLength} decoded bytes; the limit is ${limit} bytes — send smaller batches`,
    );
  }
  checkElements(body, headerBytes, decodedLength);
  try {
    return uncompress(body, limit);
  } catch (error) {
    // Not expected after checkElements; still never let a library error escape as a 500.
    throw invalidSnappy(`snappyjs rejected it (${error instanceof Error ? error.message : String(error)})`);
  }
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

/** The uncompressed length: a little-endian base-128 varint of at most 5 bytes, value < 2^32. */
function readPreamble(body: Uint8Array): { decodedLength: number; headerBytes: number } {
  let value = 0;
  for (let i = 0; i < 5 && i < body.length; i++) {
    const byte = body[i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) {
      if (value > 0xffffffff) break;
      return { decodedLength: value, headerBytes: i + 1 };
    }
  }
  throw invalidSnappy("the length preamble is not a valid varint below 2^32");
}

/**
 * Walks the element headers (format_description.txt §2.1) without producing output, and throws unless the
 * stream decodes to exactly `decodedLength` bytes with every element in bounds.
 */
function checkElements(body: Uint8Array, start: number, decodedLength: number): void {
  const end = body.length;
  let pos = start;
  let produced = 0;
  while (pos < end) {
    const elementStart = pos;
    const tagByte = body[pos]!;
    let length: number;
    if ((tagByte & 3) === 0) {
      // literal: length−1 in the upper 6 bits, or in the next 1–4 bytes when those bits say 60–63
      length = (tagByte >>> 2) + 1;
      pos += 1;
      if (length > 60) {
        const extraBytes = length - 60;
        if (pos + extraBytes > end) throw invalidSnappy(`literal length at byte ${elementStart} is cut off`);
        length = readLittleEndian(body, pos, extraBytes) + 1;
        pos += extraBytes;
      }
      if (pos + length > end) {
        throw invalidSnappy(`literal of ${length} bytes at byte ${elementStart} runs past the end of the body (truncated?)`);
      }
      pos += length;
    } else {
      // copy: 1-, 2- or 4-byte offset back into what has been produced so far
      const kind = tagByte & 3;
      const offsetBytes = kind === 1 ? 1 : kind === 2 ? 2 : 4;
      if (pos + 1 + offsetBytes > end) throw invalidSnappy(`copy element at byte ${elementStart} is cut off (truncated?)`);
      let offset: number;
      if (kind === 1) {
        length = ((tagByte >>> 2) & 7) + 4;
        offset = ((tagByte >>> 5) << 8) | body[pos + 1]!;
      } else {
        length = (tagByte >>> 2) + 1;
        offset = readLittleEndian(body, pos + 1, offsetBytes);
      }
      if (offset === 0 || offset > produced) {
        throw invalidSnappy(`copy at byte ${elementStart} refers to offset ${offset} with only ${produced} bytes decoded`);
      }
      pos += 1 + offsetBytes;
    }
    produced += length;
    if (produced > decodedLength) {
      throw invalidSnappy(`decodes to more than the ${decodedLength} bytes its header claims (at byte ${elementStart})`);
    }
  }
  if (produced !== decodedLength) {
    throw invalidSnappy(`decodes to ${produced} bytes but its header claims ${decodedLength} (truncated?)`);
  }
}

/**
 * An unsigned little-endian integer of 1–4 bytes. Shifts rather than `2 ** (8 * i)`, which V8 computes as a
 * float power per byte — it was a quarter of the guarded decompress in the issue #8 profile; the top byte is
 * multiplied so that values ≥ 2^31 stay positive.
 */
function readLittleEndian(body: Uint8Array, pos: number, bytes: number): number {
  let value = body[pos]!;
  if (bytes > 1) value |= body[pos + 1]! << 8;
  if (bytes > 2) value |= body[pos + 2]! << 16;
  if (bytes > 3) value += body[pos + 3]! * 0x1000000;
  return value;
}
