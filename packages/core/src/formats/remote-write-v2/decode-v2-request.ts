/**
 * Remote Write 2.0 (`io.prometheus.write.v2.Request`, ../proto/io/prometheus/write/v2/types.proto) → the 1.0
 * WriteRequest model that goes to AMP, which speaks only 1.0 (reference §2.4).
 *
 * - Labels, exemplar labels, help and unit are references into the request's symbol table; `symbols[0]` must
 *   be "", reference lists come in (name, value) pairs, and every reference must exist — otherwise 400.
 * - 2.0 `Sample` and `Histogram` are 1.0's messages plus a `start_timestamp` field (3 and 17), which a 1.0
 *   decoder skips as unknown. So instead of a second copy of that decoding (stale-marker bits, oneofs, range
 *   checks), each series' raw sample and histogram messages are re-framed as a 1.0 `TimeSeries` and decoded by
 *   the remote-write codec.
 * - `start_timestamp` has no place in 1.0 and is dropped — which is also what Prometheus' own receiver does
 *   unless created-timestamp ingestion is switched on; the samples themselves are unaffected.
 * - Per-series metadata becomes 1.0's per-family `metadata` (first one per metric name).
 * - Something 1.0 cannot carry at all is refused with 415, so a 2.0 sender falls back to 1.0 and decides
 *   itself what to send: native histograms with custom buckets (schema -53) — the 1.0 schema says
 *   `custom_values` must not be used by remote-write clients.
 */
import { badRequest, RequestError, unsupportedMediaType } from "../../errors";
import { decodeWriteRequest } from "../../remote-write/codec";
import type { Exemplar, Label, MetricMetadata, TimeSeries, WriteRequest } from "../../remote-write/types";
import { Field, readVarint64, Reader, tag, WireType, Writer } from "../../remote-write/wire";

/** Native-histogram schema of custom-bucket histograms (NHCB), which only Remote Write 2.0 defines for senders. */
const CUSTOM_BUCKETS_SCHEMA = -53;

const F = {
  Request: { symbols: 4, timeseries: 5 },
  TimeSeries: { labelsRefs: 1, samples: 2, histograms: 3, exemplars: 4, metadata: 5 },
  Exemplar: { labelsRefs: 1, value: 2, timestamp: 3 },
  Metadata: { type: 1, helpRef: 3, unitRef: 4 },
} as const;

/** The 1.0 TimeSeries fields the re-framed messages go into (reference §1.2). */
const V1_SAMPLES_TAG = tag(Field.TimeSeries.samples, WireType.LENGTH_DELIMITED);
const V1_HISTOGRAMS_TAG = tag(Field.TimeSeries.histograms, WireType.LENGTH_DELIMITED);
const V1_TIMESERIES_TAG = tag(Field.WriteRequest.timeseries, WireType.LENGTH_DELIMITED);

class V2WireError extends Error {}

interface RawSeries {
  labelsRefs: number[];
  samples: Uint8Array[];
  histograms: Uint8Array[];
  exemplars: Array<{ labelsRefs: number[]; value: number; timestamp: number }>;
  metadata?: { type: number; helpRef: number; unitRef: number };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function expectWireType(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new V2WireError(`${what} has wire type ${actual}, expected ${expected}`);
}

/** Runs `read` over the length-delimited field at the reader's position, with the reader's end narrowed to it. */
function embedded<T>(reader: Reader, wireType: number, what: string, read: (end: number) => T): T {
  expectWireType(wireType, WireType.LENGTH_DELIMITED, what);
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > reader.len) throw new V2WireError(`${what} is ${length} bytes long but only ${reader.len - reader.pos} remain`);
  const outer = reader.len;
  reader.len = end;
  const value = read(end);
  reader.len = outer;
  reader.pos = end;
  return value;
}

function rawBytes(reader: Reader, wireType: number, what: string): Uint8Array {
  return embedded(reader, wireType, what, (end) => reader.buf.subarray(reader.pos, end));
}

/** Repeated uint32, packed (proto3 default) or not. */
function readRefs(reader: Reader, wireType: number, into: number[], what: string): void {
  if (wireType === WireType.VARINT) {
    into.push(reader.uint32());
    return;
  }
  embedded(reader, wireType, what, () => {
    while (reader.pos < reader.len) into.push(reader.uint32());
  });
}

function readInt64(reader: Reader, wireType: number, what: string): number {
  expectWireType(wireType, WireType.VARINT, what);
  const value = readVarint64(reader, "int64");
  if (!Number.isSafeInteger(value)) throw new V2WireError(`${what} ${value} is outside ±2^53`);
  return value;
}

function readExemplar(reader: Reader): RawSeries["exemplars"][number] {
  const exemplar = { labelsRefs: [] as number[], value: 0, timestamp: 0 };
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === F.Exemplar.labelsRefs) readRefs(reader, wireType, exemplar.labelsRefs, "Exemplar.labels_refs");
    else if (field === F.Exemplar.value) {
      expectWireType(wireType, WireType.FIXED64, "Exemplar.value");
      exemplar.value = reader.double();
    } else if (field === F.Exemplar.timestamp) exemplar.timestamp = readInt64(reader, wireType, "Exemplar.timestamp");
    else reader.skipType(wireType);
  }
  return exemplar;
}

function readMetadata(reader: Reader): NonNullable<RawSeries["metadata"]> {
  const metadata = { type: 0, helpRef: 0, unitRef: 0 };
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    const field = key >>> 3;
    const wireType = key & 7;
    const varint = (what: string) => {
      expectWireType(wireType, WireType.VARINT, what);
      return reader.uint32();
    };
    if (field === F.Metadata.type) metadata.type = varint("Metadata.type");
    else if (field === F.Metadata.helpRef) metadata.helpRef = varint("Metadata.help_ref");
    else if (field === F.Metadata.unitRef) metadata.unitRef = varint("Metadata.unit_ref");
    else reader.skipType(wireType);
  }
  return metadata;
}

function readSeries(reader: Reader): RawSeries {
  const series: RawSeries = { labelsRefs: [], samples: [], histograms: [], exemplars: [] };
  const T = F.TimeSeries;
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === T.labelsRefs) readRefs(reader, wireType, series.labelsRefs, "TimeSeries.labels_refs");
    else if (field === T.samples) series.samples.push(rawBytes(reader, wireType, "TimeSeries.samples"));
    else if (field === T.histograms) series.histograms.push(rawBytes(reader, wireType, "TimeSeries.histograms"));
    else if (field === T.exemplars) series.exemplars.push(embedded(reader, wireType, "TimeSeries.exemplars", () => readExemplar(reader)));
    else if (field === T.metadata) series.metadata = embedded(reader, wireType, "TimeSeries.metadata", () => readMetadata(reader));
    else reader.skipType(wireType);
  }
  return series;
}

function readRequest(body: Uint8Array): { symbols: string[]; series: RawSeries[] } {
  const reader = new Reader(body);
  const symbols: string[] = [];
  const series: RawSeries[] = [];
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 0) throw new V2WireError("field number 0 is not allowed");
    if (field === F.Request.symbols) {
      const bytes = rawBytes(reader, wireType, "Request.symbols");
      try {
        symbols.push(utf8.decode(bytes));
      } catch {
        throw new V2WireError(`symbol ${symbols.length} is not valid UTF-8`);
      }
    } else if (field === F.Request.timeseries) {
      series.push(embedded(reader, wireType, "Request.timeseries", () => readSeries(reader)));
    } else reader.skipType(wireType);
  }
  return { symbols, series };
}

/** Resolves (name_ref, value_ref) pairs; `where` names the series or exemplar for errors. */
function resolveLabels(refs: readonly number[], symbols: readonly string[], where: string): Label[] {
  if (refs.length % 2 !== 0) throw badRequest("invalid_symbol_ref", `${where}: labels_refs has odd length ${refs.length}; it must hold (name, value) pairs`);
  const labels: Label[] = [];
  for (let i = 0; i < refs.length; i += 2) {
    labels.push({ name: symbol(symbols, refs[i]!, where), value: symbol(symbols, refs[i + 1]!, where) });
  }
  return labels;
}

function symbol(symbols: readonly string[], ref: number, where: string): string {
  const value = symbols[ref];
  if (value === undefined) throw badRequest("invalid_symbol_ref", `${where}: symbol reference ${ref} is out of range (the request has ${symbols.length} symbols)`);
  return value;
}

/** The series' samples and histograms, decoded by the 1.0 codec from a re-framed 1.0 TimeSeries. */
function decodeValues(raw: RawSeries, where: string): Pick<TimeSeries, "samples" | "histograms"> {
  if (raw.samples.length === 0 && raw.histograms.length === 0) return { samples: [], histograms: [] };
  const series = new Writer();
  for (const sample of raw.samples) series.uint32(V1_SAMPLES_TAG).bytes(sample);
  for (const histogram of raw.histograms) series.uint32(V1_HISTOGRAMS_TAG).bytes(histogram);
  const request = new Writer().uint32(V1_TIMESERIES_TAG).bytes(series.finish()).finish();
  // Byte offsets would point into this re-framed copy, not the sender's body: the message names the series instead.
  try {
    const [decoded] = decodeWriteRequest(request, (detail) => `a sample or histogram is not valid protobuf: ${detail}`).timeseries;
    return { samples: decoded!.samples, histograms: decoded!.histograms };
  } catch (error) {
    if (error instanceof RequestError) throw new RequestError(error.status, error.reason, `${where}: ${error.message}`);
    throw error;
  }
}

export function decodeRemoteWriteV2(body: Uint8Array): WriteRequest {
  let parsed: ReturnType<typeof readRequest>;
  try {
    parsed = readRequest(body);
  } catch (error) {
    if (error instanceof RequestError) throw error;
    throw badRequest("invalid_protobuf", `body is not a valid io.prometheus.write.v2.Request: ${(error as Error).message}`);
  }
  const { symbols, series } = parsed;
  if (symbols.length > 0 && symbols[0] !== "") {
    throw badRequest("invalid_symbol_table", `symbols[0] must be the empty string, got ${JSON.stringify(symbols[0]!.slice(0, 40))}`);
  }
  const timeseries: TimeSeries[] = [];
  const metadata = new Map<string, MetricMetadata>();
  series.forEach((raw, index) => {
    const where = `timeseries[${index}]`;
    const labels = resolveLabels(raw.labelsRefs, symbols, where);
    const name = labels.find((label) => label.name === "__name__")?.value;
    const named = name === undefined ? where : `${where} ${name}`;
    if (raw.samples.length > 0 && raw.histograms.length > 0) {
      throw badRequest("invalid_series", `${named}: a 2.0 series carries samples or histograms, not both`);
    }
    const { samples, histograms } = decodeValues(raw, named);
    if (histograms.some((h) => h.schema === CUSTOM_BUCKETS_SCHEMA || h.customValues.length > 0)) {
      throw unsupportedMediaType(
        `${named}: native histograms with custom buckets (schema ${CUSTOM_BUCKETS_SCHEMA}) cannot be sent as Remote Write 1.0, which is all AMP accepts; fall back to 1.0`,
      );
    }
    const exemplars: Exemplar[] = raw.exemplars.map((exemplar, i) => ({
      labels: resolveLabels(exemplar.labelsRefs, symbols, `${named} exemplar ${i}`),
      value: exemplar.value,
      timestamp: exemplar.timestamp,
    }));
    timeseries.push({ labels, samples, histograms, exemplars });
    if (raw.metadata && name !== undefined && !metadata.has(name)) {
      const { type, helpRef, unitRef } = raw.metadata;
      const help = symbol(symbols, helpRef, `${named} metadata`);
      const unit = symbol(symbols, unitRef, `${named} metadata`);
      if (type !== 0 || help !== "" || unit !== "") metadata.set(name, { type, metricFamilyName: name, help, unit });
    }
  });
  return { timeseries, metadata: [...metadata.values()] };
}
