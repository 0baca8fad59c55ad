import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/errors";
import { otlpFormat } from "../../src/formats/otlp/otlp-push-format";
import { otlpSchema } from "../../src/formats/otlp/otlp-schema";
import type { PushOutcome } from "../../src/ingest/push-format";
import { validateWriteRequest } from "../../src/remote-write";
import { MetricType } from "../../src/remote-write/types";
import { coreRequest, pushContext } from "./core-request";
import {
  collectionTimeMs, collectWithSdk, exponentialView, ProtobufMetricsSerializer, toJson, toProtobuf,
} from "./otel-sdk";
import { seriesTable } from "./series-table";

const PROTOBUF = { "content-type": "application/x-protobuf" };
const JSON_TYPE = { "content-type": "application/json" };

async function decode(body: Uint8Array | string, headers: Record<string, string>) {
  return otlpFormat.decode(coreRequest({ path: "/v1/metrics", headers, body }), pushContext());
}

type OtlpDecoded = Awaited<ReturnType<typeof decode>>;
const outcome = (decoded: OtlpDecoded): PushOutcome<OtlpDecoded> =>
  ({ request: coreRequest({ path: "/v1/metrics" }), decoded, samplesWritten: 0, histogramsWritten: 0, exemplarsWritten: 0 });

/** Every instrument kind the JS SDK has. */
const recordEverything = (meter: import("@opentelemetry/api").Meter) => {
  meter.createCounter("http.server.requests", { unit: "{request}", description: "Requests served." }).add(5, { "http.route": "/a" });
  meter.createUpDownCounter("queue.size").add(3);
  meter.createHistogram("http.server.duration", { unit: "s", advice: { explicitBucketBoundaries: [0.005, 0.1, 1] } }).record(0.3, { "http.route": "/a" });
  meter.createHistogram("latency", { unit: "ms" }).record(12);
  meter.createGauge("room.temperature", { unit: "Cel" }).record(21.5, { room: "living" });
  meter.createGauge("battery.level", { unit: "1" }).record(0.87);
};

function expectedEverything(t: number) {
  const id = 'instance="pi-1",job="home/pi"';
  return {
    [`battery_level_ratio{${id}}`]: [[t, 0.87]],
    [`http_server_duration_seconds_bucket{http_route="/a",${id},le="+Inf"}`]: [[t, 1]],
    [`http_server_duration_seconds_bucket{http_route="/a",${id},le="0.005"}`]: [[t, 0]],
    [`http_server_duration_seconds_bucket{http_route="/a",${id},le="0.1"}`]: [[t, 0]],
    [`http_server_duration_seconds_bucket{http_route="/a",${id},le="1"}`]: [[t, 1]],
    [`http_server_duration_seconds_count{http_route="/a",${id}}`]: [[t, 1]],
    [`http_server_duration_seconds_sum{http_route="/a",${id}}`]: [[t, 0.3]],
    [`http_server_requests_total{http_route="/a",${id}}`]: [[t, 5]],
    [`queue_size{${id}}`]: [[t, 3]],
    [`room_temperature_celsius{${id},room="living"}`]: [[t, 21.5]],
    [`target_info{host_arch="arm64",${id}}`]: [[t, 1]],
  };
}

describe("OTLP/HTTP from the official OpenTelemetry JS SDK", () => {
  it.each([
    ["protobuf", toProtobuf, PROTOBUF],
    ["JSON", toJson, JSON_TYPE],
  ] as const)("%s: counters, up-down counters, histograms, gauges → Collector-style series", async (_name, serialize, headers) => {
    const metrics = await collectWithSdk(recordEverything, { views: [exponentialView("latency")] });
    const decoded = await decode(serialize(metrics), headers);
    expect(decoded.rejected).toEqual([]);
    const batch = validateWriteRequest(decoded.writeRequest);
    const table = seriesTable(batch);
    expect(table).toEqual(expectedEverything(collectionTimeMs(metrics)));

    // The exponential histogram (SDK default scale 20) arrives as a native histogram downscaled to schema 8.
    const latency = batch.timeseries.find((s) => s.labels.some((l) => l.value === "latency_milliseconds"))!;
    expect(latency.samples).toEqual([]);
    // 12 ms lies in bucket ceil(log2(12) · 2^8) = 918 of schema 8, i.e. (2^(917/256), 2^(918/256)].
    expect(Math.ceil(Math.log2(12) * 256)).toBe(918);
    expect(latency.histograms).toEqual([expect.objectContaining({
      countInt: 1, sum: 12, schema: 8, zeroCountInt: 0, positiveSpans: [{ offset: 918, length: 1 }], positiveDeltas: [1],
      negativeSpans: [], negativeDeltas: [], timestamp: collectionTimeMs(metrics),
    })]);

    expect(batch.metadata).toEqual(expect.arrayContaining([
      { type: MetricType.COUNTER, metricFamilyName: "http_server_requests_total", help: "Requests served.", unit: "" },
      { type: MetricType.HISTOGRAM, metricFamilyName: "http_server_duration_seconds", help: "", unit: "seconds" },
    ]));
  });

  it("gzip bodies (the Collector's otlphttp default) are accepted", async () => {
    const metrics = await collectWithSdk(recordEverything, { views: [exponentialView("latency")] });
    const decoded = await decode(gzipSync(toProtobuf(metrics)), { ...PROTOBUF, "content-encoding": "gzip" });
    expect(seriesTable(decoded.writeRequest)).toEqual(expectedEverything(collectionTimeMs(metrics)));
  });

  it("answers in the request's encoding with an ExportMetricsServiceResponse the SDK can read", async () => {
    const metrics = await collectWithSdk(recordEverything);
    const protobufResponse = otlpFormat.respond!(outcome(await decode(toProtobuf(metrics), PROTOBUF)));
    expect(protobufResponse).toMatchObject({ status: 200, headers: { "content-type": "application/x-protobuf" } });
    expect(ProtobufMetricsSerializer.deserializeResponse(protobufResponse.body as Uint8Array)).toEqual({});

    const jsonResponse = otlpFormat.respond!(outcome(await decode(toJson(metrics), JSON_TYPE)));
    expect(jsonResponse).toMatchObject({ status: 200, headers: { "content-type": "application/json" }, body: "{}" });
  });

  it("delta temporality is rejected with a clear message; the rest is written and reported as partial success", async () => {
    const deltaMetrics = await collectWithSdk(
      (meter) => {
        meter.createCounter("requests").add(2);
        meter.createHistogram("duration", { unit: "s" }).record(1);
        meter.createGauge("temperature").record(20);
      },
      { temporality: "delta" },
    );
    const decoded = await decode(toProtobuf(deltaMetrics), PROTOBUF);
    expect(Object.keys(seriesTable(decoded.writeRequest))).toEqual(['target_info{host_arch="arm64",instance="pi-1",job="home/pi"}', 'temperature{instance="pi-1",job="home/pi"}']);
    expect(decoded.rejected.map((r) => r.message)).toEqual([
      expect.stringMatching(/^metric "requests" has delta temporality; Prometheus stores cumulative values only — set the SDK's temporality preference to cumulative or add the Collector's deltatocumulative processor$/),
      expect.stringMatching(/^metric "duration" has delta temporality/),
    ]);
    const response = otlpFormat.respond!(outcome(decoded));
    const parsed = ProtobufMetricsSerializer.deserializeResponse(response.body as Uint8Array);
    expect(Number(parsed.partialSuccess?.rejectedDataPoints)).toBe(2);
    expect(parsed.partialSuccess?.errorMessage).toMatch(/^metric "requests" has delta temporality; .*; metric "duration" has delta temporality; /);
  });

  it("a request whose every point is delta is a 400, nothing is written", async () => {
    const metrics = await collectWithSdk((meter) => meter.createCounter("requests").add(2), { temporality: "delta" });
    await expect(decode(toJson(metrics), JSON_TYPE)).rejects.toMatchObject({
      status: 400,
      reason: "otlp_rejected",
      message: expect.stringMatching(/^no data point could be converted: metric "requests" has delta temporality/),
    });
  });

  it("a resource without service attributes gets no job/instance and no target_info", async () => {
    const metrics = await collectWithSdk((meter) => meter.createGauge("g").record(1, { "1st.attr": "x", _private: "y" }), { resource: { "host.name": "pi" } });
    const t = collectionTimeMs(metrics);
    expect(seriesTable((await decode(toProtobuf(metrics), PROTOBUF)).writeRequest)).toEqual({ 'g{key_1st_attr="x",key_private="y"}': [[t, 1]] });
  });
});

/**
 * Summaries, exemplars, NO_RECORDED_VALUE and attribute collisions cannot be produced by the JS SDK (it has no
 * summary instrument and records no exemplars), so these requests are OTLP/JSON documents written per the spec.
 */
describe("OTLP/JSON features the JS SDK does not produce", () => {
  const T = "1700000000123456789";
  const request = {
    resourceMetrics: [{
      resource: { attributes: [{ key: "service.name", value: { stringValue: "collector" } }] },
      scopeMetrics: [{
        scope: { name: "x" },
        metrics: [
          {
            name: "rpc.duration", unit: "s",
            summary: { dataPoints: [{ timeUnixNano: T, count: "10", sum: 2.5, quantileValues: [{ quantile: 0.5, value: 0.2 }, { quantile: 0.99, value: 1.5 }] }] },
          },
          {
            name: "requests", sum: {
              aggregationTemporality: 2, isMonotonic: true,
              dataPoints: [{
                timeUnixNano: T, asInt: "7",
                attributes: [{ key: "a.b", value: { stringValue: "1" } }, { key: "a_b", value: { intValue: "2" } }, { key: "ok", value: { boolValue: true } }, { key: "list", value: { arrayValue: { values: [{ stringValue: "x" }, { doubleValue: 1.5 }] } } }],
                exemplars: [{ timeUnixNano: "1700000000000000000", asDouble: 1, traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b174", filteredAttributes: [{ key: "user.id", value: { stringValue: "42" } }] }],
              }],
            },
          },
          {
            name: "latency", unit: "ms", histogram: {
              aggregationTemporality: 2,
              dataPoints: [{
                timeUnixNano: T, count: "3", bucketCounts: ["1", "1", "1"], explicitBounds: [0.0000001, 1e21],
                exemplars: [{ timeUnixNano: T, asDouble: 0.5, traceId: "", spanId: "" }],
              }],
            },
          },
          { name: "gone", gauge: { dataPoints: [{ timeUnixNano: T, asDouble: 0, flags: 1 }] } },
          { name: "exp", exponentialHistogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: T, count: "1", scale: -5, positive: { offset: 0, bucketCounts: ["1"] } }] } },
          { name: "nodata" },
        ],
      }],
    }],
  };

  it("summaries, exemplars, stale markers, attribute collisions, plain le formatting, no _sum when unset", async () => {
    const decoded = await decode(JSON.stringify(request), JSON_TYPE);
    const t = 1_700_000_000_123;
    const job = 'job="collector"';
    expect(seriesTable(decoded.writeRequest)).toEqual({
      [`gone{${job}}`]: [[t, "stale"]],
      [`latency_milliseconds_bucket{${job},le="+Inf"}`]: [[t, 3]],
      [`latency_milliseconds_bucket{${job},le="0.0000001"}`]: [[t, 1]],
      [`latency_milliseconds_bucket{${job},le="1000000000000000000000"}`]: [[t, 2]],
      [`latency_milliseconds_count{${job}}`]: [[t, 3]],
      [`requests_total{a_b="1;2",${job},list=${JSON.stringify('["x",1.5]')},ok="true"}`]: [[t, 7]],
      [`rpc_duration_seconds_count{${job}}`]: [[t, 10]],
      [`rpc_duration_seconds_sum{${job}}`]: [[t, 2.5]],
      [`rpc_duration_seconds{${job},quantile="0.5"}`]: [[t, 0.2]],
      [`rpc_duration_seconds{${job},quantile="0.99"}`]: [[t, 1.5]],
    });
    const requests = decoded.writeRequest.timeseries.find((s) => s.labels.some((l) => l.value === "requests_total"))!;
    expect(requests.exemplars).toEqual([{
      labels: [
        { name: "trace_id", value: "5b8efff798038103d269b633813fc60c" },
        { name: "span_id", value: "eee19b7ec3c1b174" },
        { name: "user_id", value: "42" },
      ],
      value: 1,
      timestamp: 1_700_000_000_000,
    }]);
    const bucket = decoded.writeRequest.timeseries.find((s) => s.labels.some((l) => l.value === "1000000000000000000000"))!;
    expect(bucket.exemplars).toEqual([{ labels: [], value: 0.5, timestamp: t }]);
    expect(decoded.rejected.map((r) => r.message)).toEqual([
      'metric "exp" scale -5 is below -4, the coarsest native histogram schema',
      'metric "nodata" has no data (gauge, sum, histogram, exponential histogram or summary)',
    ]);
  });

  it("rejects malformed hex ids and non-OTLP bodies with 400", async () => {
    const bad = structuredClone(request);
    (bad.resourceMetrics[0]!.scopeMetrics[0]!.metrics[1] as { sum: { dataPoints: Array<{ exemplars: Array<{ traceId: string }> }> } }).sum.dataPoints[0]!.exemplars[0]!.traceId = "zz";
    await expect(decode(JSON.stringify(bad), JSON_TYPE)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/traceId of metric "requests" must be a hex string/) });
    await expect(decode("[1,2]", JSON_TYPE)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/must be an ExportMetricsServiceRequest object/) });
    await expect(decode('{"resourceMetrics": 5}', JSON_TYPE)).rejects.toMatchObject({ status: 400, reason: "invalid_otlp" });
    await expect(decode(new Uint8Array([0x0a, 0xff, 0x01]), PROTOBUF)).rejects.toMatchObject({ status: 400, reason: "invalid_otlp" });
  });

  it("refuses other content types with 415", async () => {
    await expect(decode("{}", { "content-type": "text/plain" })).rejects.toMatchObject({
      status: 415,
      message: 'OTLP/HTTP needs Content-Type application/x-protobuf or application/json, not "text/plain"',
    });
  });

  it("errors are google.rpc.Status in the request's encoding", () => {
    const error = new RequestError(429, "rate_limited", "slow down", { retryAfterSeconds: 3 });
    const json = otlpFormat.respondError!(error, coreRequest({ headers: JSON_TYPE }));
    expect(json).toMatchObject({ status: 429, headers: { "content-type": "application/json" } });
    expect(JSON.parse(json.body as string)).toEqual({ code: 8, message: "slow down" });
    const protobuf = otlpFormat.respondError!(new RequestError(400, "x", "bad"), coreRequest({ headers: PROTOBUF }));
    const { RpcStatus } = otlpSchema();
    expect(RpcStatus.toObject(RpcStatus.decode(protobuf.body as Uint8Array))).toEqual({ code: 3, message: "bad" });
  });

  it("int64 data point values beyond 2^53 and OTLP/JSON numbers for int64 fields are accepted", async () => {
    const body = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: "big", gauge: { dataPoints: [{ timeUnixNano: 1700000000000000000, asInt: "9007199254740993" }] } }] }] }] };
    const decoded = await decode(JSON.stringify(body), JSON_TYPE);
    expect(seriesTable(decoded.writeRequest)).toEqual({ "big{}": [[1_700_000_000_000, 9007199254740992]] });
  });
});
