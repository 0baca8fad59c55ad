/**
 * An OTLP metrics export → remote-write series, the way the OpenTelemetry Collector's `prometheusremotewrite`
 * exporter converts it with its defaults (pkg/translator/prometheusremotewrite, `FromMetrics`), so pointing an
 * `otlphttp` exporter at ampgate gives the series a `prometheusremotewrite` exporter would have written:
 *
 * | OTLP                                  | series                                                              |
 * |---------------------------------------|---------------------------------------------------------------------|
 * | Gauge, non-monotonic Sum              | `<name>[_<unit>][_ratio]` one sample per point                        |
 * | monotonic Sum                         | `<name>[_<unit>]_total`, exemplars attached                            |
 * | Histogram                             | `_bucket{le}` (cumulative, plus `+Inf`), `_sum` (if set), `_count`; exemplars on their bucket |
 * | ExponentialHistogram                  | one native histogram series, exemplars attached                      |
 * | Summary                               | `{quantile}` per quantile, `_sum`, `_count`                          |
 * | resource `service.*`                  | `job`, `instance` labels; other resource attributes → `target_info` |
 *
 * - timestamps: `time_unix_nano` truncated to ms; `start_time_unix_nano` is not sent (no `_created` series);
 * - `NO_RECORDED_VALUE` points become stale markers;
 * - only cumulative temporality exists in Prometheus: Sum/Histogram/ExponentialHistogram points with delta (or
 *   unspecified) temporality are *rejected* and counted, never summed up silently — the sender is told to
 *   configure cumulative temporality (or the Collector's `deltatocumulative` processor);
 * - metric descriptions and units become remote-write metadata (`send_metadata`), for Grafana's help text.
 */
import type { Exemplar as PromExemplar, Label, WriteRequest } from "../../remote-write/types";
import { MetricType } from "../../remote-write/types";
import { formatFloatPlain } from "../go-format-float";
import { SeriesBuilder } from "../series-builder";
import {
  attributesToLabels, IDENTIFYING_RESOURCE_ATTRIBUTES, resourceIdentity,
} from "./otlp-attributes";
import { exponentialToNativeHistogram, UnrepresentableHistogram } from "./exponential-histogram";
import {
  NO_RECORDED_VALUE, nanosToMillis, Temporality,
  type Exemplar, type ExportMetricsRequest, type HistogramDataPoint, type KeyValue, type Metric, type NumberDataPoint,
  type SummaryDataPoint,
} from "./otlp-model";
import { prometheusMetricName, prometheusUnit, type OtlpMetricKind } from "./otlp-names";

/** OpenMetrics caps an exemplar's label names and values at 128 characters in total. */
const MAX_EXEMPLAR_RUNES = 128;

export interface OtlpConversion {
  writeRequest: WriteRequest;
  /** Data points that could not be converted (OTLP `partial_success.rejected_data_points`). */
  rejectedDataPoints: number;
  acceptedDataPoints: number;
  /** One line per rejected metric: `metric "x": why`. */
  rejections: string[];
}

class MetricRejected extends Error {
  constructor(readonly dataPoints: number, message: string) {
    super(message);
  }
}

const METADATA_TYPES: Record<OtlpMetricKind, MetricType> = {
  gauge: MetricType.GAUGE,
  "non-monotonic-counter": MetricType.GAUGE,
  "monotonic-counter": MetricType.COUNTER,
  histogram: MetricType.HISTOGRAM,
  "exponential-histogram": MetricType.HISTOGRAM,
  summary: MetricType.SUMMARY,
};

const runeCount = (text: string) => [...text].length;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

function numberValue(point: { value?: "asDouble" | "asInt"; asDouble?: number; asInt?: string }): number {
  return point.value === "asInt" ? Number(point.asInt) : (point.asDouble ?? 0);
}

function toPromExemplar(exemplar: Exemplar): PromExemplar {
  const labels: Label[] = [];
  let runes = 0;
  if (exemplar.traceId.length > 0) {
    labels.push({ name: "trace_id", value: hex(exemplar.traceId) });
    runes += "trace_id".length + exemplar.traceId.length * 2;
  }
  if (exemplar.spanId.length > 0) {
    labels.push({ name: "span_id", value: hex(exemplar.spanId) });
    runes += "span_id".length + exemplar.spanId.length * 2;
  }
  // Filtered attributes go along only while the exemplar stays within OpenMetrics' 128-character budget. Their
  // names are normalised like series labels (the Collector copies them raw, which AMP would refuse).
  const fromAttributes = attributesToLabels(exemplar.filteredAttributes, []);
  for (const label of fromAttributes) runes += runeCount(label.name) + runeCount(label.value);
  if (runes <= MAX_EXEMPLAR_RUNES) labels.push(...fromAttributes);
  return { labels, value: numberValue(exemplar), timestamp: nanosToMillis(exemplar.timeUnixNano) };
}

function metricKind(metric: Metric): OtlpMetricKind | undefined {
  switch (metric.data) {
    case "gauge": return "gauge";
    case "sum": return metric.sum!.isMonotonic ? "monotonic-counter" : "non-monotonic-counter";
    case "histogram": return "histogram";
    case "exponentialHistogram": return "exponential-histogram";
    case "summary": return "summary";
    default: return undefined;
  }
}

function dataPointCount(metric: Metric): number {
  return metric.data === undefined ? 0 : (metric[metric.data]?.dataPoints.length ?? 0);
}

function latestTimestamp(metric: Metric): bigint {
  let latest = 0n;
  if (metric.data === undefined) return latest;
  for (const point of metric[metric.data]?.dataPoints ?? []) {
    const time = BigInt(point.timeUnixNano);
    if (time > latest) latest = time;
  }
  return latest;
}

function temporalityOf(metric: Metric): Temporality | undefined {
  if (metric.data === "sum") return metric.sum!.aggregationTemporality;
  if (metric.data === "histogram") return metric.histogram!.aggregationTemporality;
  if (metric.data === "exponentialHistogram") return metric.exponentialHistogram!.aggregationTemporality;
  return undefined;
}

class OtlpConverter {
  readonly builder = new SeriesBuilder();
  rejectedDataPoints = 0;
  acceptedDataPoints = 0;
  readonly rejections: string[] = [];
  private resourceAttributes: KeyValue[] = [];

  forResource(attributes: KeyValue[]): void {
    this.resourceAttributes = attributes;
  }

  /** Labels of one series: data-point attributes, job/instance from the resource, then `extra` (name, le…). */
  private labels(attributes: readonly KeyValue[], name: string, extra: Label[] = []): Label[] {
    return attributesToLabels(attributes, [...resourceIdentity(this.resourceAttributes), ...extra, { name: "__name__", value: name }]);
  }

  private sample(labels: Label[], value: number, point: { timeUnixNano: string; flags: number }): void {
    const timestamp = nanosToMillis(point.timeUnixNano);
    if ((point.flags & NO_RECORDED_VALUE) !== 0) this.builder.addSample(labels, { value: Number.NaN, timestamp, stale: true });
    else this.builder.addSample(labels, { value, timestamp });
  }

  convert(metric: Metric): void {
    const kind = metricKind(metric);
    const points = dataPointCount(metric);
    if (kind === undefined) throw new MetricRejected(0, "has no data (gauge, sum, histogram, exponential histogram or summary)");
    const temporality = temporalityOf(metric);
    if (temporality !== undefined && temporality !== Temporality.CUMULATIVE) {
      throw new MetricRejected(
        points,
        `has ${temporality === Temporality.DELTA ? "delta" : "unspecified"} temporality; Prometheus stores cumulative values only — set the SDK's temporality preference to cumulative or add the Collector's deltatocumulative processor`,
      );
    }
    const name = prometheusMetricName(metric.name, metric.unit, kind);
    if (name === "") throw new MetricRejected(points, "has no usable name: nothing is left after removing characters Prometheus does not allow");
    this.builder.addMetadata({ type: METADATA_TYPES[kind], metricFamilyName: name, help: metric.description, unit: prometheusUnit(metric.unit) });

    switch (metric.data) {
      case "gauge":
        for (const point of metric.gauge!.dataPoints) this.sample(this.labels(point.attributes, name), numberValue(point), point);
        break;
      case "sum":
        for (const point of metric.sum!.dataPoints) this.sumPoint(point, name);
        break;
      case "histogram":
        for (const point of metric.histogram!.dataPoints) this.histogramPoint(point, name);
        break;
      case "exponentialHistogram":
        this.exponentialHistogram(metric, name);
        return; // counts its own accepted points
      case "summary":
        for (const point of metric.summary!.dataPoints) this.summaryPoint(point, name);
        break;
    }
    this.acceptedDataPoints += points;
  }

  private sumPoint(point: NumberDataPoint, name: string): void {
    const labels = this.labels(point.attributes, name);
    this.sample(labels, numberValue(point), point);
    this.builder.addExemplars(labels, point.exemplars.map(toPromExemplar));
  }

  private histogramPoint(point: HistogramDataPoint, name: string): void {
    const stale = { timeUnixNano: point.timeUnixNano, flags: point.flags };
    if (point.sum !== undefined) this.sample(this.labels(point.attributes, `${name}_sum`), point.sum, stale);
    this.sample(this.labels(point.attributes, `${name}_count`), Number(point.count), stale);
    // Bucket counts are per bucket in OTLP and cumulative in Prometheus; bucket i is (bounds[i-1], bounds[i]].
    const buckets: Array<{ bound: number; labels: Label[] }> = [];
    let cumulative = 0;
    const explicit = Math.min(point.explicitBounds.length, point.bucketCounts.length);
    for (let i = 0; i < explicit; i++) {
      cumulative += Number(point.bucketCounts[i]);
      const bound = point.explicitBounds[i]!;
      const labels = this.labels(point.attributes, `${name}_bucket`, [{ name: "le", value: formatFloatPlain(bound) }]);
      this.sample(labels, cumulative, stale);
      buckets.push({ bound, labels });
    }
    const infLabels = this.labels(point.attributes, `${name}_bucket`, [{ name: "le", value: "+Inf" }]);
    this.sample(infLabels, Number(point.count), stale);
    buckets.push({ bound: Infinity, labels: infLabels });
    // Each exemplar goes to the first bucket whose upper bound holds its value.
    for (const exemplar of point.exemplars) {
      const converted = toPromExemplar(exemplar);
      const bucket = buckets.find((b) => converted.value <= b.bound) ?? buckets[buckets.length - 1]!;
      this.builder.addExemplars(bucket.labels, [converted]);
    }
  }

  private summaryPoint(point: SummaryDataPoint, name: string): void {
    this.sample(this.labels(point.attributes, `${name}_sum`), point.sum, point);
    this.sample(this.labels(point.attributes, `${name}_count`), Number(point.count), point);
    for (const quantile of point.quantileValues) {
      const labels = this.labels(point.attributes, name, [{ name: "quantile", value: formatFloatPlain(quantile.quantile) }]);
      this.sample(labels, quantile.value, point);
    }
  }

  private exponentialHistogram(metric: Metric, name: string): void {
    for (const point of metric.exponentialHistogram!.dataPoints) {
      const labels = this.labels(point.attributes, name);
      try {
        this.builder.addHistogram(labels, exponentialToNativeHistogram(point));
      } catch (error) {
        if (!(error instanceof UnrepresentableHistogram)) throw error;
        this.reject(metric, 1, error.message);
        continue;
      }
      this.builder.addExemplars(labels, point.exemplars.map(toPromExemplar));
      this.acceptedDataPoints++;
    }
  }

  reject(metric: Metric, dataPoints: number, why: string): void {
    this.rejectedDataPoints += dataPoints;
    this.rejections.push(`metric ${JSON.stringify(metric.name)} ${why}`);
  }

  /** `target_info`: the resource's non-identifying attributes, once, if the resource has a job or instance. */
  targetInfo(latest: bigint): void {
    const attributes = this.resourceAttributes;
    const identity = resourceIdentity(attributes);
    const described = attributes.some((a) => !IDENTIFYING_RESOURCE_ATTRIBUTES.includes(a.key));
    if (latest === 0n || identity.length === 0 || !described) return;
    const labels = attributesToLabels(attributes, [...identity, { name: "__name__", value: "target_info" }], IDENTIFYING_RESOURCE_ATTRIBUTES);
    this.builder.addSample(labels, { value: 1, timestamp: Number(latest / 1_000_000n) });
  }
}

export function otlpToWriteRequest(request: ExportMetricsRequest): OtlpConversion {
  const converter = new OtlpConverter();
  for (const resourceMetrics of request.resourceMetrics) {
    converter.forResource(resourceMetrics.resource?.attributes ?? []);
    let latest = 0n;
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) {
        const metricLatest = latestTimestamp(metric);
        if (metricLatest > latest) latest = metricLatest;
        try {
          converter.convert(metric);
        } catch (error) {
          if (!(error instanceof MetricRejected)) throw error;
          converter.reject(metric, error.dataPoints, error.message);
        }
      }
    }
    converter.targetInfo(latest);
  }
  return {
    writeRequest: converter.builder.build(),
    rejectedDataPoints: converter.rejectedDataPoints,
    acceptedDataPoints: converter.acceptedDataPoints,
    rejections: converter.rejections,
  };
}
