/**
 * Test helper: OTLP requests made by the official OpenTelemetry JS SDK and serializers — the bytes an
 * instrumented app (or, in the same encoding, the Collector) sends — rather than hand-built ones.
 */
import type { Meter } from "@opentelemetry/api";
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AggregationTemporality, AggregationType, InstrumentType, MeterProvider, MetricReader, type ResourceMetrics, type ViewOptions,
} from "@opentelemetry/sdk-metrics";

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface CollectOptions {
  resource?: Record<string, string>;
  temporality?: "cumulative" | "delta";
  views?: ViewOptions[];
}

export const HOME_PI = { "service.name": "pi", "service.namespace": "home", "service.instance.id": "pi-1", "host.arch": "arm64" };

/** Records with `record`, collects once, and returns the SDK's ResourceMetrics. */
export async function collectWithSdk(record: (meter: Meter) => void, options: CollectOptions = {}): Promise<ResourceMetrics> {
  const reader = new CollectingReader({
    aggregationTemporalitySelector: (instrument) =>
      options.temporality === "delta" && instrument !== InstrumentType.UP_DOWN_COUNTER && instrument !== InstrumentType.OBSERVABLE_UP_DOWN_COUNTER
        ? AggregationTemporality.DELTA
        : AggregationTemporality.CUMULATIVE,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(options.resource ?? HOME_PI),
    readers: [reader],
    views: options.views ?? [],
  });
  record(provider.getMeter("ampgate-test", "1.0.0"));
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw errors[0];
  await provider.shutdown();
  return resourceMetrics;
}

export const exponentialView = (instrumentName: string): ViewOptions => ({
  instrumentName,
  aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
});

export const toProtobuf = (metrics: ResourceMetrics): Uint8Array => ProtobufMetricsSerializer.serializeRequest(metrics)!;
export const toJson = (metrics: ResourceMetrics): Uint8Array => JsonMetricsSerializer.serializeRequest(metrics)!;

/** The collection time of the first data point, in ms (the SDK stamps every point of a collection alike). */
export function collectionTimeMs(metrics: ResourceMetrics): number {
  const [seconds, nanos] = metrics.scopeMetrics[0]!.metrics[0]!.dataPoints[0]!.endTime;
  return seconds * 1000 + Math.trunc(nanos / 1e6);
}

export { ProtobufMetricsSerializer };
