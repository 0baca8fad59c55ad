/**
 * Wire-level facts of `prometheus.WriteRequest` shared by the decoder, the encoder and the size calculator:
 * field numbers, tag bytes, the exact NaN bit patterns, and int64 handling that protobufjs leaves to `Long`.
 *
 * Field numbers are from prompb/types.proto and prompb/remote.proto (reference §1.2). A tag on the wire is
 * `field << 3 | wireType`.
 */
import protobuf from "protobufjs/minimal.js";

export const { Reader, Writer } = protobuf;
export type Reader = protobuf.Reader;
export type Writer = protobuf.Writer;

export const WireType = { VARINT: 0, FIXED64: 1, LENGTH_DELIMITED: 2, FIXED32: 5 } as const;

/** Field numbers per message (reference §1.2). */
export const Field = {
  WriteRequest: { timeseries: 1, metadata: 3 },
  TimeSeries: { labels: 1, samples: 2, exemplars: 3, histograms: 4 },
  Label: { name: 1, value: 2 },
  Sample: { value: 1, timestamp: 2 },
  Exemplar: { labels: 1, value: 2, timestamp: 3 },
  MetricMetadata: { type: 1, metricFamilyName: 2, help: 4, unit: 5 },
  Histogram: {
    countInt: 1, countFloat: 2, sum: 3, schema: 4, zeroThreshold: 5, zeroCountInt: 6, zeroCountFloat: 7,
    negativeSpans: 8, negativeDeltas: 9, negativeCounts: 10, positiveSpans: 11, positiveDeltas: 12,
    positiveCounts: 13, resetHint: 14, timestamp: 15, customValues: 16,
  },
  BucketSpan: { offset: 1, length: 2 },
} as const;

export const tag = (field: number, wireType: number): number => (field << 3) | wireType;

/**
 * Prometheus' stale marker, 0x7ff0000000000002 (model/value/value.go), as little-endian 32-bit words.
 * It must never be round-tripped through a JS number: V8 canonicalises NaN payloads when a NaN is stored in a
 * double array (verified on Node 22: the stale NaN comes out as 0x7ff8000000000000), so the decoder looks at
 * the raw bytes and the encoder writes the words itself (reference §1.7).
 */
export const STALE_NAN_LOW = 0x00000002;
export const STALE_NAN_HIGH = 0x7ff00000;
/** Prometheus' ordinary NaN, 0x7ff8000000000001 (value.NormalNaN); every non-stale NaN is written as this. */
export const NORMAL_NAN_LOW = 0x00000001;
export const NORMAL_NAN_HIGH = 0x7ff80000;

/**
 * Consumes a fixed64 float and returns true when its 8 bytes are exactly the stale-marker NaN; otherwise leaves
 * the reader where it was, for `reader.double()`.
 */
export function consumeStaleMarker(reader: Reader): boolean {
  const { buf, pos } = reader;
  if (pos + 8 > reader.len || !isStaleNaNAt(buf, pos)) return false;
  reader.pos = pos + 8;
  return true;
}

function isStaleNaNAt(buf: Uint8Array, pos: number): boolean {
  return (
    buf[pos] === 0x02 && buf[pos + 1] === 0 && buf[pos + 2] === 0 && buf[pos + 3] === 0 &&
    buf[pos + 4] === 0 && buf[pos + 5] === 0 && buf[pos + 6] === 0xf0 && buf[pos + 7] === 0x7f
  );
}

/** Writes a float64 bit-exactly: stale markers and NaNs as Prometheus' patterns, everything else as IEEE-754. */
export function writeDouble(writer: Writer, value: number, stale = false): void {
  if (stale) writer.fixed32(STALE_NAN_LOW).fixed32(STALE_NAN_HIGH);
  else if (value !== value) writer.fixed32(NORMAL_NAN_LOW).fixed32(NORMAL_NAN_HIGH);
  else writer.double(value);
}

const TWO_32 = 2 ** 32;

export type VarintKind = "int64" | "uint64" | "sint64";

/**
 * Reads a 64-bit varint (`int64`: two's complement, `uint64`, `sint64`: zig-zag) as a JS number.
 *
 * protobufjs' `reader.int64()` returns a `Long` object per call (the `long` package is installed), an
 * allocation per sample on the hot path; this reads the bits straight into two 32-bit halves. Values beyond
 * ±2^53 come back rounded: callers check `Number.isSafeInteger` and name the field in their error.
 */
export function readVarint64(reader: Reader, kind: VarintKind): number {
  const buf = reader.buf;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (reader.pos >= reader.len) throw new RangeError("varint runs past the end of its message");
    const byte = buf[reader.pos++]!;
    const bits = byte & 0x7f;
    // 7 bits per byte: bytes 0–3 fill lo, byte 4 straddles (4 bits lo, 3 bits hi), bytes 5–9 fill hi.
    if (i < 4) lo |= bits << (7 * i);
    else if (i === 4) {
      lo |= bits << 28;
      hi |= bits >>> 4;
    } else hi |= bits << (7 * i - 32);
    if (byte < 0x80) return toNumber(lo >>> 0, hi >>> 0, kind);
  }
  throw new RangeError("varint longer than 10 bytes");
}

function toNumber(lo: number, hi: number, kind: VarintKind): number {
  if (kind === "sint64") {
    // zig-zag: n = (u >>> 1) ^ -(u & 1)
    const magnitude = (hi >>> 1) * TWO_32 + (((lo >>> 1) | (hi << 31)) >>> 0);
    return lo & 1 ? -magnitude - 1 : magnitude;
  } else if (kind === "int64" && hi >= 0x80000000) {
    // two's complement: -(~x + 1)
    const nlo = (~lo + 1) >>> 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    return -(nhi * TWO_32 + nlo);
  }
  return hi * TWO_32 + lo;
}
