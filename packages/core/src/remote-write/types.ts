/**
 * The in-memory model of a Prometheus Remote Write 1.0 request (`prometheus.WriteRequest`, prompb/types.proto).
 *
 * Every input format (remote write, Influx line protocol, Prometheus text, JSON, OTLP, SwitchBot polls) is
 * converted to this shape, validated, and encoded back to protobuf for AMP. Field names follow the proto's
 * JSON names so that a reader of the .proto recognises them.
 */

export interface Label {
  name: string;
  value: string;
}

/**
 * One float sample. `timestamp` is milliseconds since the Unix epoch (int64 on the wire; exact as a JS number
 * up to ±2^53 ms, i.e. far beyond any real clock).
 *
 * Prometheus marks the end of a series with a *stale marker*: a NaN with the exact bit pattern
 * 0x7ff0000000000002. JavaScript engines may canonicalise NaN payloads (V8 does when a NaN is stored in a
 * double array), so the bits cannot be trusted to survive inside a `number`. The codec therefore reports a stale
 * marker as `stale: true` (with `value` NaN) and writes the exact bit pattern back when encoding.
 */
export interface Sample {
  value: number;
  timestamp: number;
  stale?: boolean;
}

export interface Exemplar {
  labels: Label[];
  value: number;
  timestamp: number;
}

export interface BucketSpan {
  offset: number;
  length: number;
}

export enum HistogramResetHint {
  UNKNOWN = 0,
  YES = 1,
  NO = 2,
  GAUGE = 3,
}

/**
 * A native ("sparse") histogram sample. Integer histograms carry `countInt`/`zeroCountInt` and bucket
 * `*Deltas`; float histograms carry `countFloat`/`zeroCountFloat` and bucket `*Counts`. Exactly one of each
 * oneof pair is set. uint64 counts are JS numbers (exact up to 2^53).
 *
 * A native-histogram series ends with a histogram whose `sum` is the stale-marker NaN (Prometheus
 * tsdb: `value.IsStaleNaN(h.Sum)`); like `Sample.stale`, the codec reports it as `stale: true`.
 */
export interface Histogram {
  countInt?: number;
  countFloat?: number;
  sum: number;
  schema: number;
  zeroThreshold: number;
  zeroCountInt?: number;
  zeroCountFloat?: number;
  negativeSpans: BucketSpan[];
  negativeDeltas: number[];
  negativeCounts: number[];
  positiveSpans: BucketSpan[];
  positiveDeltas: number[];
  positiveCounts: number[];
  resetHint: HistogramResetHint;
  timestamp: number;
  customValues: number[];
  stale?: boolean;
}

export interface TimeSeries {
  /** Sorted by name (byte order), unique names, no empty values, `__name__` present — after validation. */
  labels: Label[];
  samples: Sample[];
  exemplars: Exemplar[];
  histograms: Histogram[];
}

export enum MetricType {
  UNKNOWN = 0,
  COUNTER = 1,
  GAUGE = 2,
  HISTOGRAM = 3,
  GAUGEHISTOGRAM = 4,
  SUMMARY = 5,
  INFO = 6,
  STATESET = 7,
}

export interface MetricMetadata {
  type: MetricType;
  metricFamilyName: string;
  help: string;
  unit: string;
}

export interface WriteRequest {
  timeseries: TimeSeries[];
  metadata: MetricMetadata[];
}
