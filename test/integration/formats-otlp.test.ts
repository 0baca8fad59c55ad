// OTLP/HTTP through the local stack into the Prometheus stand-in, sent by the official OpenTelemetry JS
// exporters (protobuf with gzip, as the Collector's otlphttp exporter sends by default, and JSON).
import { OTLPMetricExporter as ProtobufExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPMetricExporter as JsonExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import type { ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectWithSdk, toJson } from "../../packages/core/test/formats/otel-sdk";
import { INGEST_TOKEN, startFormatsHarness, valuesBy, type FormatsHarness } from "./formats-harness";

let h: FormatsHarness;
beforeAll(async () => {
  h = await startFormatsHarness("otlp");
});
afterAll(() => h?.stop());

type Exporter = { export(metrics: ResourceMetrics, done: (result: { code: number; error?: Error }) => void): void; shutdown(): Promise<void> };

function exportWith(exporter: Exporter, metrics: ResourceMetrics): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(metrics, resolve));
}

const SUCCESS = 0;
const FAILED = 1;

describe("OTLP/HTTP → AMP", () => {
  it("the protobuf exporter (gzip) writes Collector-style series with job/instance and target_info", async () => {
    const metrics = await collectWithSdk((meter) => {
      meter.createCounter("door.opens", { unit: "{open}" }).add(3, { door: "front" });
      meter.createHistogram("pump.runtime", { unit: "s", advice: { explicitBucketBoundaries: [1, 10] } }).record(4);
      meter.createGauge("room.temperature", { unit: "Cel" }).record(21.5, { room: "living" });
    }, { resource: { "service.name": "sensors", "service.namespace": "home", "service.instance.id": "pi-otlp", "host.arch": "arm64" } });
    const exporter = new ProtobufExporter({ url: `${h.stack.url}/v1/metrics`, headers: { Authorization: `Bearer ${INGEST_TOKEN}` }, compression: "gzip" as never });
    const result = await exportWith(exporter, metrics);
    await exporter.shutdown();
    expect(result).toEqual({ code: SUCCESS });

    const [opens] = await h.series('door_opens_total{instance="pi-otlp"}');
    expect(opens!.metric).toEqual({ __name__: "door_opens_total", door: "front", instance: "pi-otlp", job: "home/sensors", source: "local" });
    expect(opens!.value[1]).toBe("3");
    expect(valuesBy(await h.series('pump_runtime_seconds_bucket{instance="pi-otlp"}'), "le")).toEqual({ "1": "0", "10": "1", "+Inf": "1" });
    expect((await h.series('room_temperature_celsius{instance="pi-otlp"}'))[0]!.value[1]).toBe("21.5");
    expect((await h.series('target_info{instance="pi-otlp"}'))[0]!.metric).toMatchObject({ host_arch: "arm64", job: "home/sensors" });
  });

  it("the JSON exporter works too", async () => {
    const metrics = await collectWithSdk((meter) => meter.createUpDownCounter("queue.depth").add(7), { resource: { "service.name": "json-app" } });
    const exporter = new JsonExporter({ url: `${h.stack.url}/v1/metrics`, headers: { Authorization: `Bearer ${INGEST_TOKEN}` } });
    expect(await exportWith(exporter, metrics)).toEqual({ code: SUCCESS });
    await exporter.shutdown();
    expect((await h.series('queue_depth{job="json-app"}'))[0]!.value[1]).toBe("7");
  });

  it("delta-only exports fail with a clear 400 and nothing reaches AMP; a wrong token is 401", async () => {
    const before = h.writesAccepted();
    const metrics = await collectWithSdk((meter) => meter.createCounter("delta.things").add(1), { temporality: "delta" });
    const response = await h.push("/v1/metrics", { headers: { "content-type": "application/json" }, body: toJson(metrics) });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({ code: 3, message: expect.stringMatching(/^no data point could be converted: metric "delta.things" has delta temporality/) });

    const exporter = new ProtobufExporter({ url: `${h.stack.url}/v1/metrics`, headers: { Authorization: "Bearer ag_wrong" } });
    const denied = await exportWith(exporter, await collectWithSdk((meter) => meter.createGauge("g").record(1)));
    await exporter.shutdown();
    expect(denied.code).toBe(FAILED);
    expect(h.writesAccepted()).toBe(before);
  });
});
