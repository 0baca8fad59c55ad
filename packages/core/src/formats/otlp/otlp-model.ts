/**
 * An OTLP metrics export request as plain objects — the shape `TO_PLAIN_OBJECT` (otlp-schema.ts) produces from
 * either encoding. Field names are the proto's in lowerCamelCase (as in OTLP/JSON); 64-bit integers are decimal
 * strings; `data` and `value` name the set oneof member.
 */

export interface AnyValue {
  value?: "stringValue" | "boolValue" | "intValue" | "doubleValue" | "arrayValue" | "kvlistValue" | "bytesValue";
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values: AnyValue[] };
  kvlistValue?: { values: KeyValue[] };
  bytesValue?: Uint8Array;
}

export interface KeyValue {
  key: string;
  value?: AnyValue;
}

export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeUnixNano: string;
  value?: "asDouble" | "asInt";
  asDouble?: number;
  asInt?: string;
  spanId: Uint8Array;
  traceId: Uint8Array;
}

interface DataPointBase {
  attributes: KeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  flags: number;
}

export interface NumberDataPoint extends DataPointBase {
  value?: "asDouble" | "asInt";
  asDouble?: number;
  asInt?: string;
  exemplars: Exemplar[];
}

export interface HistogramDataPoint extends DataPointBase {
  count: string;
  /** Present only when the producer set it (proto3 `optional`). */
  sum?: number;
  bucketCounts: string[];
  explicitBounds: number[];
  exemplars: Exemplar[];
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: string[];
}

export interface ExponentialHistogramDataPoint extends DataPointBase {
  count: string;
  sum?: number;
  scale: number;
  zeroCount: string;
  positive?: ExponentialBuckets;
  negative?: ExponentialBuckets;
  exemplars: Exemplar[];
  zeroThreshold: number;
}

export interface SummaryDataPoint extends DataPointBase {
  count: string;
  sum: number;
  quantileValues: Array<{ quantile: number; value: number }>;
}

/** OTLP AggregationTemporality. */
export const Temporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;
export type Temporality = (typeof Temporality)[keyof typeof Temporality];

export interface Metric {
  name: string;
  description: string;
  unit: string;
  data?: "gauge" | "sum" | "histogram" | "exponentialHistogram" | "summary";
  gauge?: { dataPoints: NumberDataPoint[] };
  sum?: { dataPoints: NumberDataPoint[]; aggregationTemporality: Temporality; isMonotonic: boolean };
  histogram?: { dataPoints: HistogramDataPoint[]; aggregationTemporality: Temporality };
  exponentialHistogram?: { dataPoints: ExponentialHistogramDataPoint[]; aggregationTemporality: Temporality };
  summary?: { dataPoints: SummaryDataPoint[] };
}

export interface ResourceMetrics {
  resource?: { attributes: KeyValue[] };
  scopeMetrics: Array<{ metrics: Metric[] }>;
}

export interface ExportMetricsRequest {
  resourceMetrics: ResourceMetrics[];
}

/** DataPointFlags.NO_RECORDED_VALUE_MASK: the point stands for "no value" — a Prometheus stale marker. */
export const NO_RECORDED_VALUE = 1;

/** OTLP nanoseconds (decimal string) → epoch ms, truncated as the Collector's `ns / 1e6` does. */
export const nanosToMillis = (nanos: string): number => Number(BigInt(nanos) / 1_000_000n);
