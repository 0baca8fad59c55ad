/**
 * The fast way through ingest for remote write 1.0: stamp the token's labels into a `prometheus.WriteRequest`
 * and check every rule *on the wire bytes*, without decoding to objects and encoding back (issue #8).
 *
 *   const fast = fastIngest(protobuf, token.labels, limits);
 *   if (fast) writer.writeEncoded(fast);     // else: decodeWriteRequest → stampLabels → validateWriteRequest
 *
 * Why it can copy instead of re-encode: Prometheus, Telegraf and every gogoproto/Go sender write the canonical
 * encoding — the one codec.ts writes — so a validated series' bytes are already what the reference path would
 * send to AMP, except for the token's labels, which are spliced in at their sorted place (encoded-stamps.ts).
 * The profile (docs/performance.md) put 60% of the reference path in building and collecting label strings.
 *
 * The contract: for any input, `fastIngest` either returns exactly the bytes
 * `encodeWriteRequest(validateWriteRequest(stampLabels(decodeWriteRequest(protobuf), labels), limits))` would
 * produce, or `undefined`. It says `undefined` — "take the reference path" — for anything it does not fully
 * understand or that the reference path would reject, reshape or normalise: unknown fields, non-minimal
 * varints, fields out of order, metadata, exemplars, histograms, unsorted/duplicate/empty/invalid/reserved
 * labels, limits exceeded, out-of-order/duplicate/implausible timestamps, +0 written out, non-Prometheus NaNs.
 * So every rejection, with its status, reason and message, comes from the reference path; the differential test
 * (packages/core/test/remote-write/fast-ingest.test.ts) holds both to the same output on generated and fuzzed input.
 */
import { encodedStamps, type EncodedStamp } from "./encoded-stamps";
import { varint32Size } from "./encoded-size";
import { GrowableBytes } from "./growable-bytes";
import { compareBytes, isLabelNameAt, isMetricNameAt, isUtf8At } from "./label-bytes";
import type { RemoteWriteLimits } from "./limits";
import { isPlausibleMilliseconds } from "./timestamp-unit";
import { Field, NORMAL_NAN_HIGH, NORMAL_NAN_LOW, STALE_NAN_HIGH, STALE_NAN_LOW, tag, WireType } from "./wire";

/** A validated, token-labelled batch, encoded and ready to be cut into AMP-sized parts. */
export interface EncodedWriteRequest {
  /** The encoded `prometheus.WriteRequest` (TimeSeries entries only). */
  protobuf: Uint8Array;
  /** End offset in `protobuf` of each TimeSeries entry: where parts may be cut (split-encoded.ts). */
  entryEnds: number[];
  series: number;
  samples: number;
  /** True when `protobuf` is the input itself: nothing had to change (the sender already carries the labels). */
  unchanged: boolean;
  /**
   * The stretches of `protobuf` copied unchanged from the input, as flat `[inputStart, outputStart, length]`
   * triples in order; everything between them is new (series headers, the token's labels). What lets
   * snappy-splice.ts compress `protobuf` by reusing the sender's own compression.
   */
  runs: number[];
  /**
   * `[outputStart, length, earlierOutputStart]` triples: a token label equal to the same label written one
   * series earlier (a copy for snappy-splice.ts rather than literal bytes in every series).
   */
  repeats: number[];
  /**
   * The sender's snappy body (which decodes to the input), set by the caller that holds it: parts are then
   * compressed by splicing (snappy-splice.ts) instead of running the compressor, and an unchanged one-part
   * batch goes to AMP as it came. Same decoded bytes either way; only the compressed bytes differ.
   */
  snappy?: Uint8Array;
}

const TAG = {
  timeseries: tag(Field.WriteRequest.timeseries, WireType.LENGTH_DELIMITED),
  labels: tag(Field.TimeSeries.labels, WireType.LENGTH_DELIMITED),
  samples: tag(Field.TimeSeries.samples, WireType.LENGTH_DELIMITED),
  labelName: tag(Field.Label.name, WireType.LENGTH_DELIMITED),
  labelValue: tag(Field.Label.value, WireType.LENGTH_DELIMITED),
  sampleValue: tag(Field.Sample.value, WireType.FIXED64),
  sampleTimestamp: tag(Field.Sample.timestamp, WireType.VARINT),
} as const;

const METRIC_NAME = new TextEncoder().encode("__name__");
const UNDERSCORE = 0x5f;

/** Marks a failed read: the caller returns `undefined` (reference path). */
const NOT_CANONICAL = -1;

/**
 * A length-delimited field's length: a minimal varint below 2^28 (anything longer is not a length a ≤ 32 MiB
 * body can hold), or NOT_CANONICAL. The caller advances by `varint32Size(length)`, which is exact because the
 * encoding is minimal.
 */
function readLength(buf: Uint8Array, pos: number, end: number): number {
  let value = 0;
  for (let i = 0; i < 4 && pos + i < end; i++) {
    const byte = buf[pos + i]!;
    value |= (byte & 0x7f) << (7 * i);
    if (byte < 0x80) return i > 0 && byte === 0 ? NOT_CANONICAL : value;
  }
  return NOT_CANONICAL;
}

/** Per-series bookkeeping reused across series: where each stamp goes in the sender's label run. */
interface StampPlan {
  /** Input offset before which stamp i is inserted. */
  at: Int32Array;
  /** Input offset where copying resumes after stamp i (`at` when inserted, the replaced label's end otherwise). */
  resume: Int32Array;
}

export function fastIngest(
  input: Uint8Array,
  fixedLabels: Readonly<Record<string, string>>,
  limits: RemoteWriteLimits,
): EncodedWriteRequest | undefined {
  // A plain Uint8Array view of a Buffer: keeps every byte access monomorphic and `subarray` the cheap typed-array
  // one (Buffer's goes through Node's FastBuffer constructor — 6% of the profile).
  const protobuf = plainBytes(input);
  const stamps = encodedStamps(fixedLabels, limits);
  if (!stamps) return undefined;
  let stampBytes = 0;
  for (const stamp of stamps) stampBytes += stamp.entry.length;
  const allowedReserved = limits.allowedReservedLabelNames.map((name) => new TextEncoder().encode(name));
  const plan: StampPlan = { at: new Int32Array(stamps.length), resume: new Int32Array(stamps.length) };

  // Room for the input plus the stamps of ~1 series per 100 bytes; it grows in the rare other case.
  const out = new GrowableBytes(protobuf.length + Math.ceil(protobuf.length / 100) * (stampBytes + 2) + 16);
  const entryEnds: number[] = [];
  const runs: number[] = [];
  const repeats: number[] = [];
  const lastStampAt = new Int32Array(stamps.length).fill(-1);
  /** Copies input bytes and records them as an unchanged run, merged with the previous one when adjacent. */
  const copyInput = (start: number, end: number) => {
    if (end <= start) return;
    const last = runs.length - 3;
    if (last >= 0 && runs[last]! + runs[last + 2]! === start && runs[last + 1]! + runs[last + 2]! === out.pos) runs[last + 2]! += end - start;
    else runs.push(start, out.pos, end - start);
    out.copy(protobuf, start, end);
  };
  let samples = 0;
  let unchanged = true;
  const end = protobuf.length;
  let pos = 0;
  while (pos < end) {
    if (protobuf[pos] !== TAG.timeseries) return undefined; // metadata, unknown fields: reference path
    const length = readLength(protobuf, pos + 1, end);
    if (length === NOT_CANONICAL) return undefined;
    const seriesStart = pos + 1 + varint32Size(length);
    const seriesEnd = seriesStart + length;
    if (seriesEnd > end) return undefined;

    const labelsEnd = checkLabels(protobuf, seriesStart, seriesEnd, stamps, plan, allowedReserved, limits);
    if (labelsEnd === NOT_CANONICAL) return undefined;
    const sampleCount = checkSamples(protobuf, labelsEnd, seriesEnd);
    if (sampleCount === NOT_CANONICAL) return undefined;
    samples += sampleCount;

    let newLength = length;
    for (let i = 0; i < stamps.length; i++) {
      const replaced = plan.resume[i]! - plan.at[i]!;
      newLength += stamps[i]!.entry.length - replaced;
      if (unchanged && !sameBytes(stamps[i]!.entry, protobuf, plan.at[i]!, plan.resume[i]!)) unchanged = false;
    }
    out.reserve(newLength + 6);
    out.buf[out.pos++] = TAG.timeseries;
    out.varint32(newLength);
    let copied = seriesStart;
    for (let i = 0; i < stamps.length; i++) {
      copyInput(copied, plan.at[i]!);
      if (lastStampAt[i]! >= 0) repeats.push(out.pos, stamps[i]!.entry.length, lastStampAt[i]!);
      lastStampAt[i] = out.pos;
      out.copy(stamps[i]!.entry, 0, stamps[i]!.entry.length);
      copied = plan.resume[i]!;
    }
    copyInput(copied, seriesEnd);
    entryEnds.push(out.pos);
    pos = seriesEnd;
  }
  return unchanged
    ? { protobuf: input, entryEnds, series: entryEnds.length, samples, unchanged, runs: end > 0 ? [0, 0, end] : [], repeats: [] }
    : { protobuf: out.bytes(), entryEnds, series: entryEnds.length, samples, unchanged, runs, repeats };
}

const plainBytes = (bytes: Uint8Array): Uint8Array =>
  Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const sameBytes = (entry: Uint8Array, buf: Uint8Array, start: number, end: number): boolean =>
  end - start === entry.length && compareBytes(entry, 0, entry.length, buf, start, end) === 0;

/**
 * Checks the series' labels (every rule of validate.ts checkLabelSet, for the label set after stamping) and plans
 * where each stamp goes. Returns the offset where the labels end, or NOT_CANONICAL.
 */
function checkLabels(
  buf: Uint8Array, start: number, seriesEnd: number, stamps: readonly EncodedStamp[], plan: StampPlan,
  allowedReserved: readonly Uint8Array[], limits: RemoteWriteLimits,
): number {
  const maxNameLength = limits.maxLabelNameLength;
  const maxValueLength = limits.maxLabelValueLength;
  let pos = start;
  let previousName = -1;
  let previousNameEnd = -1;
  let labels = 0;
  let labelBytes = 0;
  let hasMetricName = false;
  let next = 0; // the next stamp to place
  // Each length below is one byte in practice (labels shorter than 128 bytes), read inline; readLength handles
  // the rest. (Through readLength every time, the three lengths per label cost ~15% of fastIngest.)
  while (pos + 1 < seriesEnd && buf[pos] === TAG.labels) {
    const labelStart = pos;
    let length = buf[pos + 1]!;
    let name = pos + 2;
    if (length >= 0x80) {
      length = readLength(buf, pos + 1, seriesEnd);
      if (length === NOT_CANONICAL) return NOT_CANONICAL;
      name = pos + 1 + varint32Size(length);
    }
    const labelEnd = name + length;
    if (labelEnd > seriesEnd || length < 4 || buf[name] !== TAG.labelName) return NOT_CANONICAL;
    let nameLength = buf[name + 1]!;
    name += 2;
    if (nameLength >= 0x80) {
      nameLength = readLength(buf, name - 1, labelEnd);
      if (nameLength === NOT_CANONICAL) return NOT_CANONICAL;
      name += varint32Size(nameLength) - 1;
    }
    const nameEnd = name + nameLength;
    // absent/empty name: invalid_label_name; the value tag and a length byte must follow inside the label
    if (nameLength === 0 || nameEnd + 2 > labelEnd || buf[nameEnd] !== TAG.labelValue) return NOT_CANONICAL;
    let valueLength = buf[nameEnd + 1]!;
    let value = nameEnd + 2;
    if (valueLength >= 0x80) {
      valueLength = readLength(buf, nameEnd + 1, labelEnd);
      if (valueLength === NOT_CANONICAL) return NOT_CANONICAL;
      value = nameEnd + 1 + varint32Size(valueLength);
    }
    // empty value: the reference path drops the label
    if (valueLength === 0 || value + valueLength !== labelEnd) return NOT_CANONICAL;

    if (!isLabelNameAt(buf, name, nameEnd)) return NOT_CANONICAL;
    if (previousName >= 0 && compareBytes(buf, previousName, previousNameEnd, buf, name, nameEnd) >= 0) return NOT_CANONICAL;
    if (nameLength > maxNameLength || valueLength > maxValueLength) return NOT_CANONICAL;
    if (!isUtf8At(buf, value, labelEnd)) return NOT_CANONICAL;
    if (buf[name] === UNDERSCORE && buf[name + 1] === UNDERSCORE) {
      if (compareBytes(buf, name, nameEnd, METRIC_NAME, 0, METRIC_NAME.length) === 0) {
        if (!isMetricNameAt(buf, value, labelEnd)) return NOT_CANONICAL;
        hasMetricName = true;
      } else if (!isAllowedReserved(buf, name, nameEnd, allowedReserved)) {
        return NOT_CANONICAL;
      }
    }
    previousName = name;
    previousNameEnd = nameEnd;

    // Stamps sorting before this label go in front of it; a stamp of the same name replaces it.
    let replaced = false;
    while (next < stamps.length) {
      const stampName = stamps[next]!.name;
      const order = compareBytes(stampName, 0, stampName.length, buf, name, nameEnd);
      if (order > 0) break;
      plan.at[next] = labelStart;
      plan.resume[next] = order === 0 ? labelEnd : labelStart;
      replaced = order === 0;
      next++;
      if (replaced) break;
    }
    if (!replaced) {
      labels++;
      labelBytes += nameLength + valueLength;
    }
    pos = labelEnd;
  }
  for (; next < stamps.length; next++) {
    plan.at[next] = pos;
    plan.resume[next] = pos;
  }
  for (const stamp of stamps) labelBytes += stamp.labelBytes;
  labels += stamps.length;
  if (!hasMetricName || labels > limits.maxLabelsPerSeries || labelBytes > limits.maxLabelBytesPerSeries) return NOT_CANONICAL;
  return pos;
}

function isAllowedReserved(buf: Uint8Array, name: number, nameEnd: number, allowed: readonly Uint8Array[]): boolean {
  for (const candidate of allowed) if (compareBytes(buf, name, nameEnd, candidate, 0, candidate.length) === 0) return true;
  return false;
}

/**
 * Checks the samples that follow the labels up to the series' end — canonical encoding, plausible millisecond
 * timestamps in strictly increasing order — and returns how many there are, or NOT_CANONICAL.
 */
function checkSamples(buf: Uint8Array, start: number, seriesEnd: number): number {
  let pos = start;
  let count = 0;
  let previousTimestamp = -1;
  while (pos < seriesEnd) {
    // exemplars, histograms, unknown or misplaced fields
    if (buf[pos] !== TAG.samples || pos + 2 > seriesEnd) return NOT_CANONICAL;
    const length = buf[pos + 1]!; // a canonical sample is at most 9 + 11 bytes: a one-byte length
    if (length >= 0x80) return NOT_CANONICAL;
    let p = pos + 2;
    const sampleEnd = p + length;
    if (sampleEnd > seriesEnd) return NOT_CANONICAL;
    if (p < sampleEnd && buf[p] === TAG.sampleValue) {
      if (p + 9 > sampleEnd || !isCanonicalDouble(buf, p + 1)) return NOT_CANONICAL;
      p += 9;
    }
    if (p >= sampleEnd || buf[p] !== TAG.sampleTimestamp) return NOT_CANONICAL; // no timestamp: it would be 0
    const timestamp = readTimestamp(buf, p + 1, sampleEnd);
    if (timestamp <= previousTimestamp) return NOT_CANONICAL; // also NOT_CANONICAL itself; equal: dedup/reject
    previousTimestamp = timestamp;
    pos = sampleEnd;
    count++;
  }
  return count;
}

/**
 * A plausible millisecond timestamp as a minimal int64 varint filling exactly `[pos, end)`, or NOT_CANONICAL.
 * The plausible range 1e11..1e13 needs 6 or 7 varint bytes, so 7 bytes bound the loop.
 */
function readTimestamp(buf: Uint8Array, pos: number, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 7 && pos + i < end; i++) {
    const byte = buf[pos + i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) {
      if (pos + i + 1 !== end || (i > 0 && byte === 0)) return NOT_CANONICAL;
      return isPlausibleMilliseconds(value) ? value : NOT_CANONICAL;
    }
  }
  return NOT_CANONICAL;
}

/**
 * Whether codec.ts would write these 8 bytes back unchanged for a value that was written out: not +0 (which it
 * omits), and a NaN only in Prometheus' two patterns (it rewrites any other NaN as the normal one).
 */
function isCanonicalDouble(buf: Uint8Array, pos: number): boolean {
  const low = (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
  const high = (buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24)) >>> 0;
  if (low === 0 && high === 0) return false;
  const isNaN = (high & 0x7ff00000) === 0x7ff00000 && ((high & 0x000fffff) !== 0 || low !== 0);
  if (!isNaN) return true;
  return (low === NORMAL_NAN_LOW && high === NORMAL_NAN_HIGH) || (low === STALE_NAN_LOW && high === STALE_NAN_HIGH);
}
