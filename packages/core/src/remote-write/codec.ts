/**
 * `prometheus.WriteRequest` ⇄ bytes (Remote Write 1.0, reference §1.2), on protobufjs' Reader/Writer primitives.
 *
 *   const req = decodeWriteRequest(protobufBytes);   // RequestError 400 on anything malformed
 *   const bytes = encodeWriteRequest(req);
 *
 * Hand-written rather than protobufjs reflection (about 6× slower, issue #8) and rather than pbjs output (which
 * would round-trip stale markers through a JS number and allocate a `Long` per timestamp). Decoding follows
 * proto3: absent fields take their zero value, unknown fields are skipped, repeated fields may be interleaved,
 * packed and unpacked repeated scalars are both accepted, the last value of a oneof wins. Every nested message
 * is read with the reader's limit narrowed to the message, so a length that points past its parent is caught
 * instead of silently reading the parent's bytes. Strings must be valid UTF-8: a JS string cannot carry invalid
 * bytes, and replacing them would silently rename a series.
 *
 * Encoding writes what Prometheus writes (gogoproto): zero scalars omitted, packed repeated scalars. Floats are
 * written bit-exactly, except that stale markers and NaNs get Prometheus' own bit patterns (see wire.ts).
 */
import { badRequest, RequestError } from "../errors";
import { describeTimestampUnit } from "./timestamp-unit";
import type {
  BucketSpan, Exemplar, Histogram, Label, MetricMetadata, Sample, TimeSeries, WriteRequest,
} from "./types";
import {
  consumeStaleMarker, Field, readVarint64, Reader, tag, WireType, Writer, writeDouble, type VarintKind,
} from "./wire";

// ---------------------------------------------------------------------------------------------------------------
// Decoding

/** A decode failure at a known byte offset (protobufjs' own errors are located by `reader.pos` instead). */
class WireError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** How a caller words the 400 for undecodable bytes (the RW 2.0 decoder names the series, not the 1.0 message). */
export type DescribeInvalidProtobuf = (detail: string, offset: number, length: number) => string;

const describeInvalidBody: DescribeInvalidProtobuf = (detail, offset, length) =>
  `body is not a valid prometheus.WriteRequest: ${detail} (at byte ${offset} of ${length})`;

export function decodeWriteRequest(bytes: Uint8Array, describeInvalid: DescribeInvalidProtobuf = describeInvalidBody): WriteRequest {
  const reader = new Reader(bytes);
  try {
    return readWriteRequest(reader);
  } catch (error) {
    if (error instanceof RequestError) throw error;
    const offset = error instanceof WireError ? error.offset : reader.pos;
    const detail = error instanceof Error ? error.message : String(error);
    throw badRequest("invalid_protobuf", describeInvalid(detail, offset, bytes.length));
  }
}

type MessageReader<T> = (reader: Reader) => T;

function readWriteRequest(reader: Reader): WriteRequest {
  const request: WriteRequest = { timeseries: [], metadata: [] };
  const F = Field.WriteRequest;
  while (reader.pos < reader.len) {
    const [field, wireType] = readTag(reader);
    if (field === F.timeseries) request.timeseries.push(readEmbedded(reader, wireType, "WriteRequest.timeseries", readTimeSeries));
    else if (field === F.metadata) request.metadata.push(readEmbedded(reader, wireType, "WriteRequest.metadata", readMetadata));
    else reader.skipType(wireType);
  }
  return request;
}

function readTimeSeries(reader: Reader): TimeSeries {
  const series: TimeSeries = { labels: [], samples: [], exemplars: [], histograms: [] };
  const F = Field.TimeSeries;
  while (reader.pos < reader.len) {
    const [field, wireType] = readTag(reader);
    if (field === F.labels) series.labels.push(readEmbedded(reader, wireType, "TimeSeries.labels", readLabel));
    else if (field === F.samples) series.samples.push(readEmbedded(reader, wireType, "TimeSeries.samples", readSample));
    else if (field === F.exemplars) series.exemplars.push(readEmbedded(reader, wireType, "TimeSeries.exemplars", readExemplar));
    else if (field === F.histograms) series.histograms.push(readEmbedded(reader, wireType, "TimeSeries.histograms", readHistogram));
    else reader.skipType(wireType);
  }
  return series;
}

function readLabel(reader: Reader): Label {
  const label: Label = { name: "", value: "" };
  while (reader.pos < reader.len) {
    const [field, wireType] = readTag(reader);
    if (field === Field.Label.name) label.name = readString(reader, wireType, "Label.name");
    else if (field === Field.Label.value) label.value = readString(reader, wireType, "Label.value");
    else reader.skipType(wireType);
  }
  return label;
}

function readSample(reader: Reader): Sample {
  const sample: Sample = { value: 0, timestamp: 0 };
  while (reader.pos < reader.len) {
    const [field, wireType] = readTag(reader);
    if (field === Field.Sample.value) sample.value = readValueOrStale(reader, wireType, "Sample.value", sample);
    else if (field === Field.Sample.timestamp) sample.timestamp = readTimestamp(reader, wireType, "Sample.timestamp");
    else reader.skipType(wireType);
  }
  return sample;
}

function readExemplar(reader: Reader): Exemplar {
  const exemplar: Exemplar = { labels: [], value: 0, timestamp: 0 };
  const F = Field.Exemplar;
  while (reader.pos < reader.len) {
    const [field, wireType] = readTag(reader);
    if (field === F.labels) exemplar.labels.push(readEmbedded(reader, wireType, "Exemplar.labels", readLabel));
    else if (field === F.value) exemplar.value = readDouble(reader, wireType, "Exemplar.value");
    else if (field === F.timestamp) exemplar.timestamp = readTimestamp(reader, wireType, "Exemplar.timestamp");
    else reader.skipType(wireType);
  }
  return exemplar;
}

function readMetadata(reader: Reader): MetricMetadata {
  const metadata: MetricMetadata = { type: 0, metricFamilyName: "", help: "", unit: "" };
  const F = Field.MetricMetadata;
  while (reader.pos < reader.len) {
    const [field, wireType] = readTag(reader);
    if (field === F.type) {
      expectWireType(reader, wireType, WireType.VARINT, "MetricMetadata.type");
      metadata.type = reader.int32();
    } else if (field === F.metricFamilyName) metadata.metricFamilyName = readString(reader, wireType, "MetricMetadata.metric_family_name");
    else if (field === F.help) metadata.help = readString(reader, wireType, "MetricMetadata.help");
    else if (field === F.unit) metadata.unit = readString(reader, wireType, "MetricMetadata.unit");
    else reader.skipType(wireType);
  }
  return metadata;
}

export function emptyHistogram(): Histogram {
  return {
    sum: 0, schema: 0, zeroThreshold: 0,
    negativeSpans: [], negativeDeltas: [], negativeCounts: [],
    positiveSpans: [], positiveDeltas: [], positiveCounts: [],
    resetHint: 0, timestamp: 0, customValues: [],
  };
}

function readHistogram(reader: Reader): Histogram {
  const h = emptyHistogram();
  const F = Field.Histogram;
  while (reader.pos < reader.len) {
    const [field, wireType] = readTag(reader);
    switch (field) {
      // The two oneofs (count, zero_count): the last member seen wins, as in every protobuf runtime.
      case F.countInt: h.countInt = readCount(reader, wireType, "Histogram.count_int"); h.countFloat = undefined; break;
      case F.countFloat: h.countFloat = readDouble(reader, wireType, "Histogram.count_float"); h.countInt = undefined; break;
      case F.zeroCountInt: h.zeroCountInt = readCount(reader, wireType, "Histogram.zero_count_int"); h.zeroCountFloat = undefined; break;
      case F.zeroCountFloat: h.zeroCountFloat = readDouble(reader, wireType, "Histogram.zero_count_float"); h.zeroCountInt = undefined; break;
      case F.sum: h.sum = readValueOrStale(reader, wireType, "Histogram.sum", h); break;
      case F.schema: expectWireType(reader, wireType, WireType.VARINT, "Histogram.schema"); h.schema = reader.sint32(); break;
      case F.zeroThreshold: h.zeroThreshold = readDouble(reader, wireType, "Histogram.zero_threshold"); break;
      case F.negativeSpans: h.negativeSpans.push(readEmbedded(reader, wireType, "Histogram.negative_spans", readBucketSpan)); break;
      case F.negativeDeltas: readRepeatedSint64(reader, wireType, h.negativeDeltas, "Histogram.negative_deltas"); break;
      case F.negativeCounts: readRepeatedDouble(reader, wireType, h.negativeCounts, "Histogram.negative_counts"); break;
      case F.positiveSpans: h.positiveSpans.push(readEmbedded(reader, wireType, "Histogram.positive_spans", readBucketSpan)); break;
      case F.positiveDeltas: readRepeatedSint64(reader, wireType, h.positiveDeltas, "Histogram.positive_deltas"); break;
      case F.positiveCounts: readRepeatedDouble(reader, wireType, h.positiveCounts, "Histogram.positive_counts"); break;
      case F.resetHint: expectWireType(reader, wireType, WireType.VARINT, "Histogram.reset_hint"); h.resetHint = reader.int32(); break;
      case F.timestamp: h.timestamp = readTimestamp(reader, wireType, "Histogram.timestamp"); break;
      case F.customValues: readRepeatedDouble(reader, wireType, h.customValues, "Histogram.custom_values"); break;
      default: reader.skipType(wireType);
    }
  }
  return h;
}

function readBucketSpan(reader: Reader): BucketSpan {
  const span: BucketSpan = { offset: 0, length: 0 };
  while (reader.pos < reader.len) {
    const [field, wireType] = readTag(reader);
    if (field === Field.BucketSpan.offset) {
      expectWireType(reader, wireType, WireType.VARINT, "BucketSpan.offset");
      span.offset = reader.sint32();
    } else if (field === Field.BucketSpan.length) {
      expectWireType(reader, wireType, WireType.VARINT, "BucketSpan.length");
      span.length = reader.uint32();
    } else reader.skipType(wireType);
  }
  return span;
}

// --- field readers ---------------------------------------------------------------------------------------------

const tagPair: [number, number] = [0, 0];

/** [field number, wire type]; the returned pair is reused, destructure it immediately. */
function readTag(reader: Reader): [number, number] {
  const start = reader.pos;
  const value = reader.tag();
  tagPair[0] = value >>> 3;
  tagPair[1] = value & 7;
  if (tagPair[0] === 0) throw new WireError("field number 0 is not allowed", start);
  return tagPair;
}

function expectWireType(reader: Reader, actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new WireError(`${what} has wire type ${actual}, expected ${expected}`, reader.pos);
}

/** Reads a length-delimited sub-message with the reader's limit narrowed to it. */
function readEmbedded<T>(reader: Reader, wireType: number, what: string, read: MessageReader<T>): T {
  expectWireType(reader, wireType, WireType.LENGTH_DELIMITED, what);
  const start = reader.pos;
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > reader.len) {
    throw new WireError(`${what} is ${length} bytes long but only ${reader.len - reader.pos} remain (truncated?)`, start);
  }
  const outerLen = reader.len;
  reader.len = end;
  const value = read(reader);
  reader.len = outerLen;
  return value;
}

function readString(reader: Reader, wireType: number, what: string): string {
  expectWireType(reader, wireType, WireType.LENGTH_DELIMITED, what);
  const start = reader.pos;
  try {
    return reader.stringVerify();
  } catch (error) {
    // TextDecoder({fatal:true}) throws TypeError on invalid UTF-8; a RangeError is a length past the end.
    if (error instanceof TypeError) throw new WireError(`${what} is not valid UTF-8`, start);
    throw error;
  }
}

/**
 * A float64 that may be Prometheus' stale marker (`Sample.value`, `Histogram.sum`): then NaN, with `owner.stale`
 * set; a later plain value of a repeated field clears it again (the last value wins).
 */
function readValueOrStale(reader: Reader, wireType: number, what: string, owner: { stale?: boolean }): number {
  expectWireType(reader, wireType, WireType.FIXED64, what);
  if (consumeStaleMarker(reader)) {
    owner.stale = true;
    return Number.NaN;
  }
  if (owner.stale) delete owner.stale;
  return reader.double();
}

function readDouble(reader: Reader, wireType: number, what: string): number {
  expectWireType(reader, wireType, WireType.FIXED64, what);
  return reader.double();
}

function readTimestamp(reader: Reader, wireType: number, what: string): number {
  const start = reader.pos;
  const value = readInt(reader, wireType, what, "int64");
  if (!Number.isSafeInteger(value)) {
    throw badRequest(
      "timestamp_out_of_range",
      `${what} ${value} at byte ${start} is outside ±2^53 and cannot be held exactly; it ${describeTimestampUnit(value)}`,
    );
  }
  return value;
}

function readCount(reader: Reader, wireType: number, what: string): number {
  const start = reader.pos;
  const value = readInt(reader, wireType, what, "uint64");
  if (!Number.isSafeInteger(value)) throw new WireError(`${what} ${value} exceeds 2^53 and cannot be held exactly`, start);
  return value;
}

function readInt(reader: Reader, wireType: number, what: string, kind: VarintKind): number {
  expectWireType(reader, wireType, WireType.VARINT, what);
  return readVarint64(reader, kind);
}

/** proto3 packs repeated scalars, but parsers must accept the unpacked form too. */
function readRepeatedSint64(reader: Reader, wireType: number, into: number[], what: string): void {
  const start = reader.pos;
  const push = () => {
    const value = readVarint64(reader, "sint64");
    if (!Number.isSafeInteger(value)) throw new WireError(`${what} ${value} exceeds ±2^53`, start);
    into.push(value);
  };
  if (wireType === WireType.VARINT) return push();
  readPacked(reader, wireType, what, push);
}

function readRepeatedDouble(reader: Reader, wireType: number, into: number[], what: string): void {
  if (wireType === WireType.FIXED64) {
    into.push(reader.double());
    return;
  }
  readPacked(reader, wireType, what, () => into.push(reader.double()));
}

function readPacked(reader: Reader, wireType: number, what: string, readOne: () => void): void {
  readEmbedded(reader, wireType, what, () => {
    while (reader.pos < reader.len) readOne();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

const TAG = {
  timeseries: tag(Field.WriteRequest.timeseries, WireType.LENGTH_DELIMITED),
  metadata: tag(Field.WriteRequest.metadata, WireType.LENGTH_DELIMITED),
  labels: tag(Field.TimeSeries.labels, WireType.LENGTH_DELIMITED),
  samples: tag(Field.TimeSeries.samples, WireType.LENGTH_DELIMITED),
  exemplars: tag(Field.TimeSeries.exemplars, WireType.LENGTH_DELIMITED),
  histograms: tag(Field.TimeSeries.histograms, WireType.LENGTH_DELIMITED),
  exemplarLabels: tag(Field.Exemplar.labels, WireType.LENGTH_DELIMITED),
} as const;

export function encodeWriteRequest(request: WriteRequest): Uint8Array {
  const writer = Writer.create();
  for (const series of request.timeseries) {
    writer.uint32(TAG.timeseries).fork();
    writeTimeSeries(writer, series);
    writer.ldelim();
  }
  for (const metadata of request.metadata) {
    writer.uint32(TAG.metadata).fork();
    writeMetadata(writer, metadata);
    writer.ldelim();
  }
  return writer.finish();
}

function writeTimeSeries(writer: Writer, series: TimeSeries): void {
  for (const label of series.labels) writeLabel(writer, TAG.labels, label);
  for (const sample of series.samples) {
    writer.uint32(TAG.samples).fork();
    writeDoubleField(writer, Field.Sample.value, sample.value, sample.stale === true);
    writeInt64Field(writer, Field.Sample.timestamp, sample.timestamp);
    writer.ldelim();
  }
  for (const exemplar of series.exemplars) {
    writer.uint32(TAG.exemplars).fork();
    for (const label of exemplar.labels) writeLabel(writer, TAG.exemplarLabels, label);
    writeDoubleField(writer, Field.Exemplar.value, exemplar.value);
    writeInt64Field(writer, Field.Exemplar.timestamp, exemplar.timestamp);
    writer.ldelim();
  }
  for (const histogram of series.histograms) {
    writer.uint32(TAG.histograms).fork();
    writeHistogram(writer, histogram);
    writer.ldelim();
  }
}

function writeLabel(writer: Writer, labelTag: number, label: Label): void {
  writer.uint32(labelTag).fork();
  writeStringField(writer, Field.Label.name, label.name);
  writeStringField(writer, Field.Label.value, label.value);
  writer.ldelim();
}

function writeMetadata(writer: Writer, metadata: MetricMetadata): void {
  const F = Field.MetricMetadata;
  if (metadata.type !== 0) writer.uint32(tag(F.type, WireType.VARINT)).int32(metadata.type);
  writeStringField(writer, F.metricFamilyName, metadata.metricFamilyName);
  writeStringField(writer, F.help, metadata.help);
  writeStringField(writer, F.unit, metadata.unit);
}

function writeHistogram(writer: Writer, h: Histogram): void {
  const F = Field.Histogram;
  // oneof members are written whenever set, even when zero (they have presence).
  if (h.countInt !== undefined) writer.uint32(tag(F.countInt, WireType.VARINT)).uint64(h.countInt);
  else if (h.countFloat !== undefined) writer.uint32(tag(F.countFloat, WireType.FIXED64)).double(h.countFloat);
  writeDoubleField(writer, F.sum, h.sum, h.stale === true);
  if (h.schema !== 0) writer.uint32(tag(F.schema, WireType.VARINT)).sint32(h.schema);
  writeDoubleField(writer, F.zeroThreshold, h.zeroThreshold);
  if (h.zeroCountInt !== undefined) writer.uint32(tag(F.zeroCountInt, WireType.VARINT)).uint64(h.zeroCountInt);
  else if (h.zeroCountFloat !== undefined) writer.uint32(tag(F.zeroCountFloat, WireType.FIXED64)).double(h.zeroCountFloat);
  writeSpans(writer, F.negativeSpans, h.negativeSpans);
  writePackedSint64(writer, F.negativeDeltas, h.negativeDeltas);
  writePackedDouble(writer, F.negativeCounts, h.negativeCounts);
  writeSpans(writer, F.positiveSpans, h.positiveSpans);
  writePackedSint64(writer, F.positiveDeltas, h.positiveDeltas);
  writePackedDouble(writer, F.positiveCounts, h.positiveCounts);
  if (h.resetHint !== 0) writer.uint32(tag(F.resetHint, WireType.VARINT)).int32(h.resetHint);
  writeInt64Field(writer, F.timestamp, h.timestamp);
  writePackedDouble(writer, F.customValues, h.customValues);
}

function writeSpans(writer: Writer, field: number, spans: BucketSpan[]): void {
  for (const span of spans) {
    writer.uint32(tag(field, WireType.LENGTH_DELIMITED)).fork();
    if (span.offset !== 0) writer.uint32(tag(Field.BucketSpan.offset, WireType.VARINT)).sint32(span.offset);
    if (span.length !== 0) writer.uint32(tag(Field.BucketSpan.length, WireType.VARINT)).uint32(span.length);
    writer.ldelim();
  }
}

function writePackedSint64(writer: Writer, field: number, values: number[]): void {
  if (values.length === 0) return;
  writer.uint32(tag(field, WireType.LENGTH_DELIMITED)).fork();
  for (const value of values) writer.sint64(value);
  writer.ldelim();
}

function writePackedDouble(writer: Writer, field: number, values: number[]): void {
  if (values.length === 0) return;
  writer.uint32(tag(field, WireType.LENGTH_DELIMITED)).uint32(values.length * 8);
  for (const value of values) writeDouble(writer, value);
}

function writeStringField(writer: Writer, field: number, value: string): void {
  if (value.length > 0) writer.uint32(tag(field, WireType.LENGTH_DELIMITED)).string(value);
}

/** Omitted when +0 (proto3 default); -0, NaN and stale markers are written. */
function writeDoubleField(writer: Writer, field: number, value: number, stale = false): void {
  if (value === 0 && !Object.is(value, -0) && !stale) return;
  writer.uint32(tag(field, WireType.FIXED64));
  writeDouble(writer, value, stale);
}

function writeInt64Field(writer: Writer, field: number, value: number): void {
  if (value !== 0) writer.uint32(tag(field, WireType.VARINT)).int64(value);
}
