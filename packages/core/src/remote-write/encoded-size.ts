/**
 * Exact protobuf sizes of WriteRequest parts, computed without encoding — what splitting needs to pack parts
 * under AMP's request limit. Mirrors codec.ts field by field (same omissions of proto3 defaults); a property
 * test holds `writeRequestSize(r) === encodeWriteRequest(r).length` for random requests.
 *
 * A WriteRequest has no envelope: its encoding is the concatenation of its `timeseries` and `metadata`
 * entries, so the size of any selection of entries is the sum of their `entrySize`s.
 */
import protobuf from "protobufjs/minimal.js";
import type { BucketSpan, Exemplar, Histogram, Label, MetricMetadata, Sample, TimeSeries, WriteRequest } from "./types";

const utf8Length = protobuf.util.utf8.length;

export function varint32Size(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** int64/uint64 varint size; negative int64 always takes 10 bytes. */
function varint64Size(value: number): number {
  if (value < 0) return 10;
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

const sint64Size = (value: number): number => varint64Size(value < 0 ? -2 * value - 1 : 2 * value);
const sint32Size = (value: number): number => varint32Size(((value << 1) ^ (value >> 31)) >>> 0);

/** A length-delimited field with a one-byte tag (field numbers ≤ 15). */
export const embeddedSize = (length: number): number => 1 + varint32Size(length) + length;

const stringFieldSize = (text: string): number => (text.length === 0 ? 0 : embeddedSize(utf8Length(text)));
const doubleFieldSize = (value: number, stale = false): number => (value === 0 && !Object.is(value, -0) && !stale ? 0 : 9);
const int64FieldSize = (value: number): number => (value === 0 ? 0 : 1 + varint64Size(value));

export function labelSize(label: Label): number {
  return stringFieldSize(label.name) + stringFieldSize(label.value);
}

export function sampleSize(sample: Sample): number {
  return doubleFieldSize(sample.value, sample.stale === true) + int64FieldSize(sample.timestamp);
}

export function exemplarSize(exemplar: Exemplar): number {
  let size = doubleFieldSize(exemplar.value) + int64FieldSize(exemplar.timestamp);
  for (const label of exemplar.labels) size += embeddedSize(labelSize(label));
  return size;
}

function spanSize(span: BucketSpan): number {
  return (span.offset === 0 ? 0 : 1 + sint32Size(span.offset)) + (span.length === 0 ? 0 : 1 + varint32Size(span.length));
}

function packedSize(tagBytes: number, payload: number): number {
  return payload === 0 ? 0 : tagBytes + varint32Size(payload) + payload;
}

export function histogramSize(h: Histogram): number {
  let size = 0;
  if (h.countInt !== undefined) size += 1 + varint64Size(h.countInt);
  else if (h.countFloat !== undefined) size += 9;
  size += doubleFieldSize(h.sum, h.stale === true);
  if (h.schema !== 0) size += 1 + sint32Size(h.schema);
  size += doubleFieldSize(h.zeroThreshold);
  if (h.zeroCountInt !== undefined) size += 1 + varint64Size(h.zeroCountInt);
  else if (h.zeroCountFloat !== undefined) size += 9;
  for (const span of [...h.negativeSpans, ...h.positiveSpans]) size += embeddedSize(spanSize(span));
  for (const deltas of [h.negativeDeltas, h.positiveDeltas]) {
    size += packedSize(1, deltas.reduce((total, delta) => total + sint64Size(delta), 0));
  }
  size += packedSize(1, h.negativeCounts.length * 8) + packedSize(1, h.positiveCounts.length * 8);
  if (h.resetHint !== 0) size += 1 + varint64Size(h.resetHint);
  size += int64FieldSize(h.timestamp);
  size += packedSize(2, h.customValues.length * 8); // field 16: two-byte tag
  return size;
}

/** Bytes of the series' labels as they appear inside its TimeSeries message. */
export function labelsSize(labels: readonly Label[]): number {
  let size = 0;
  for (const label of labels) size += embeddedSize(labelSize(label));
  return size;
}

/** Bytes inside the TimeSeries message (without its own tag and length). */
export function timeSeriesSize(series: TimeSeries): number {
  let size = labelsSize(series.labels);
  for (const sample of series.samples) size += embeddedSize(sampleSize(sample));
  for (const exemplar of series.exemplars) size += embeddedSize(exemplarSize(exemplar));
  for (const histogram of series.histograms) size += embeddedSize(histogramSize(histogram));
  return size;
}

export function metadataSize(metadata: MetricMetadata): number {
  return (metadata.type === 0 ? 0 : 1 + varint64Size(metadata.type)) +
    stringFieldSize(metadata.metricFamilyName) + stringFieldSize(metadata.help) + stringFieldSize(metadata.unit);
}

/** Encoded size of the whole request, equal to `encodeWriteRequest(request).length`. */
export function writeRequestSize(request: WriteRequest): number {
  let size = 0;
  for (const series of request.timeseries) size += embeddedSize(timeSeriesSize(series));
  for (const metadata of request.metadata) size += embeddedSize(metadataSize(metadata));
  return size;
}
