/**
 * Golden bytes from a real remote-write client: Debian's Prometheus 2.42 in agent mode scrapes two local targets
 * (text format: counter, gauge, classic histogram, summary, a series that vanishes after the first scrape,
 * Unicode and escaped label values; protobuf format: a native histogram and a counter with an exemplar) and
 * remote-writes to a capture server. Everything captured must decode with ampgate's codec to exactly what was
 * served, re-encode to the identical bytes, and pass ampgate's strictest validation.
 *
 * `UPDATE_GOLDEN=1 npx vitest run test/integration/remote-write-golden.test.ts` rewrites the fixtures in
 * test/fixtures/remote-write/ that packages/core/test/remote-write/golden.test.ts decodes offline.
 *
 * The other direction too: what ampgate encodes is written to a real Prometheus 2.42 *receiver* and read back
 * through its query and exemplar APIs — stale marker, plain NaN, native histogram and exemplar included.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeWriteRequest, encodeWriteRequest } from "@ampgate/core/remote-write/codec";
import { decompressSnappyBlock } from "@ampgate/core/remote-write/snappy";
import { remoteWriteLimits } from "@ampgate/core/remote-write/limits";
import { isPlausibleMilliseconds } from "@ampgate/core/remote-write/timestamp-unit";
import type { Label, TimeSeries, WriteRequest } from "@ampgate/core/remote-write/types";
import { validateWriteRequest } from "@ampgate/core/remote-write/validate";
import { startPrometheus, type PrometheusProcess } from "../../local/prometheus-process";
import { startProtobufScrapeTarget, type ProtobufScrapeTarget } from "../support/protobuf-scrape-target";
import { postRemoteWrite } from "../support/remote-write";
import { startRemoteWriteCapture, type CapturedWrite, type RemoteWriteCapture } from "../support/remote-write-capture";
import { startScrapeTarget, type ScrapeTarget } from "../support/scrape-target";
import { waitFor } from "../support/wait-for";

const STALE_NAN_BYTES = Buffer.from([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);
const PATH_VALUE = "/api/ü/😀";
const NOTE_VALUE = 'say "hi"\nbye \\ back';
const ROOM_VALUE = "Wohnzimmer – Süd 🌡";

/** Text exposition; `golden_ephemeral_info` is only there on the first scrape, so Prometheus must mark it stale. */
function textExposition(scrape: number): string {
  return [
    "# HELP golden_requests_total Requests served, by path.",
    "# TYPE golden_requests_total counter",
    `golden_requests_total{path="${PATH_VALUE}",note="say \\"hi\\"\\nbye \\\\ back"} ${scrape * 3}`,
    "# HELP golden_temperature_celsius Room temperature.",
    "# TYPE golden_temperature_celsius gauge",
    `golden_temperature_celsius{room="${ROOM_VALUE}",empty=""} 21.5`,
    "# HELP golden_latency_seconds Request latency.",
    "# TYPE golden_latency_seconds histogram",
    'golden_latency_seconds_bucket{le="0.1"} 1',
    'golden_latency_seconds_bucket{le="1"} 3',
    'golden_latency_seconds_bucket{le="+Inf"} 4',
    "golden_latency_seconds_sum 2.5",
    "golden_latency_seconds_count 4",
    "# HELP golden_rpc_seconds RPC duration.",
    "# TYPE golden_rpc_seconds summary",
    'golden_rpc_seconds{quantile="0.5"} 0.2',
    'golden_rpc_seconds{quantile="0.9"} 0.7',
    "golden_rpc_seconds_sum 3",
    "golden_rpc_seconds_count 10",
    ...(scrape === 1 ? ["# TYPE golden_ephemeral_info gauge", 'golden_ephemeral_info{id="first-scrape-only"} 1'] : []),
    "",
  ].join("\n");
}

/** Protobuf exposition: a native histogram (schema 0, buckets (1,2] and (2,4]) and a counter with an exemplar. */
function protobufExposition(scrape: number): object[] {
  return [
    {
      name: "golden_native_latency_seconds", help: "Native histogram latency.", type: 4,
      metric: [{ histogram: {
        sampleCount: 5, sampleSum: 7.25, schema: 0, zeroThreshold: 1e-128, zeroCount: 1,
        positiveSpan: [{ offset: 1, length: 2 }], positiveDelta: [3, -2],
      } }],
    },
    {
      name: "golden_traced_requests_total", help: "Requests with exemplars.", type: 0,
      metric: [{ counter: { value: scrape, exemplar: {
        label: [{ name: "trace_id", value: `4bf92f3577b34da6a3ce929d0e0e${String(scrape).padStart(4, "0")}` }],
        value: 0.042, timestamp: { seconds: 1_795_000_000 + scrape, nanos: 500_000_000 },
      } } }],
    },
  ];
}

interface Decoded {
  write: CapturedWrite;
  protobuf: Uint8Array;
  request: WriteRequest;
}

const nameOf = (series: TimeSeries) => series.labels.find((l) => l.name === "__name__")?.value;
const labelMap = (labels: Label[]) => Object.fromEntries(labels.map((l) => [l.name, l.value]));

describe("remote write from a real Prometheus 2.42 agent", () => {
  let textTarget: ScrapeTarget;
  let protobufTarget: ProtobufScrapeTarget;
  let capture: RemoteWriteCapture;
  let prometheus: PrometheusProcess;
  let decoded: Decoded[];
  let started: number;
  let finished: number;
  let textScrapes = 0;

  const decodeAll = (): Decoded[] =>
    capture.writes.map((write) => {
      const protobuf = decompressSnappyBlock(write.body, 32 * 1024 * 1024);
      return { write, protobuf, request: decodeWriteRequest(protobuf) };
    });
  const allSeries = () => decoded.flatMap((d) => d.request.timeseries);
  const seriesNamed = (name: string) => allSeries().filter((s) => nameOf(s) === name);

  beforeAll(async () => {
    started = Date.now();
    textTarget = await startScrapeTarget(() => textExposition(++textScrapes));
    protobufTarget = await startProtobufScrapeTarget(protobufExposition);
    capture = await startRemoteWriteCapture();
    prometheus = await startPrometheus({
      mode: "agent",
      // exemplar-storage: keep and send exemplars; native-histograms: scrape protobuf and send native histograms
      extraArgs: ["--enable-feature=exemplar-storage,native-histograms"],
      config: `
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: golden-text
    static_configs: [{ targets: ["${textTarget.address}"] }]
  - job_name: golden-protobuf
    static_configs: [{ targets: ["${protobufTarget.address}"] }]
remote_write:
  - url: ${capture.url}
    send_exemplars: true
    send_native_histograms: true
    queue_config: { batch_send_deadline: 1s }
    metadata_config: { send: true, send_interval: 1s }
`,
    });
    decoded = await waitFor("a stale marker, an exemplar, a native histogram and metadata from the agent", () => {
      const all = decodeAll();
      const series = all.flatMap((d) => d.request.timeseries);
      const has = {
        stale: series.some((s) => nameOf(s) === "golden_ephemeral_info" && s.samples.some((x) => x.stale)),
        exemplar: series.some((s) => s.exemplars.length > 0),
        histogram: series.some((s) => s.histograms.length > 0),
        metadata: all.some((d) => d.request.metadata.some((m) => m.metricFamilyName === "golden_requests_total")),
        counter: series.filter((s) => nameOf(s) === "golden_requests_total").flatMap((s) => s.samples).length >= 2,
      };
      return Object.values(has).every(Boolean) ? all : undefined;
    }, 45_000);
    finished = Date.now();
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all([textTarget?.close(), protobufTarget?.close(), capture?.close()]);
  });

  it("sends the Remote Write 1.0 headers", () => {
    for (const { write } of decoded) {
      expect(write.method).toBe("POST");
      expect(write.headers["content-encoding"]).toBe("snappy");
      expect(write.headers["content-type"]).toBe("application/x-protobuf");
      expect(write.headers["x-prometheus-remote-write-version"]).toBe("0.1.0");
      expect(write.headers["user-agent"]).toMatch(/^Prometheus\/2\.42/);
    }
  });

  it("re-encodes every captured body to the identical bytes Prometheus sent", () => {
    for (const { protobuf, request } of decoded) {
      expect(Buffer.from(encodeWriteRequest(request)).equals(Buffer.from(protobuf))).toBe(true);
    }
  });

  it("passes ampgate's strictest validation unchanged: sorted unique labels, __name__, ms timestamps", () => {
    const strict = remoteWriteLimits({ rejectUnsortedLabels: true });
    for (const { request } of decoded) {
      const copy = structuredClone(request);
      validateWriteRequest(copy, strict);
      expect(copy).toEqual(request);
    }
    for (const series of allSeries()) {
      const names = series.labels.map((l) => l.name);
      expect(names).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it("carries every series the targets exposed, with job and instance labels", () => {
    const names = new Set(allSeries().map(nameOf));
    for (const expected of [
      "golden_requests_total", "golden_temperature_celsius",
      "golden_latency_seconds_bucket", "golden_latency_seconds_sum", "golden_latency_seconds_count",
      "golden_rpc_seconds", "golden_rpc_seconds_sum", "golden_rpc_seconds_count",
      "golden_ephemeral_info", "golden_native_latency_seconds", "golden_traced_requests_total", "up",
    ]) expect(names).toContain(expected);
    const [requests] = seriesNamed("golden_requests_total");
    expect(labelMap(requests!.labels)).toEqual({
      __name__: "golden_requests_total", instance: textTarget.address, job: "golden-text", note: NOTE_VALUE, path: PATH_VALUE,
    });
    expect(new Set(seriesNamed("golden_latency_seconds_bucket").map((s) => labelMap(s.labels).le))).toEqual(new Set(["0.1", "1", "+Inf"]));
    expect(new Set(seriesNamed("golden_rpc_seconds").map((s) => labelMap(s.labels).quantile))).toEqual(new Set(["0.5", "0.9"]));
  });

  it("keeps Unicode label values exactly and drops the empty-valued label", () => {
    const [temperature] = seriesNamed("golden_temperature_celsius");
    expect(labelMap(temperature!.labels)).toEqual({
      __name__: "golden_temperature_celsius", instance: textTarget.address, job: "golden-text", room: ROOM_VALUE,
    });
    expect(temperature!.samples[0]!.value).toBe(21.5);
  });

  it("uses millisecond timestamps from this test's run, ascending per series", () => {
    const bySeries = new Map<string, number[]>();
    for (const series of allSeries()) {
      const key = JSON.stringify(series.labels);
      for (const sample of series.samples) {
        expect(isPlausibleMilliseconds(sample.timestamp)).toBe(true);
        expect(sample.timestamp).toBeGreaterThanOrEqual(started - 1000);
        expect(sample.timestamp).toBeLessThanOrEqual(finished + 1000);
        bySeries.set(key, [...(bySeries.get(key) ?? []), sample.timestamp]);
      }
    }
    for (const timestamps of bySeries.values()) expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
    const counter = seriesNamed("golden_requests_total").flatMap((s) => s.samples.map((x) => x.value));
    expect(counter.slice(0, 2)).toEqual([3, 6]);
  });

  it("sends the StaleNaN 0x7ff0000000000002 for the series that vanished after the first scrape", () => {
    const ephemeral = seriesNamed("golden_ephemeral_info").flatMap((s) => s.samples);
    expect(ephemeral[0]).toMatchObject({ value: 1 });
    expect(ephemeral[0]!.stale).toBeUndefined();
    const stale = ephemeral.find((s) => s.stale)!;
    expect(stale.value).toBeNaN();
    expect(stale.timestamp).toBeGreaterThan(ephemeral[0]!.timestamp);
    const body = decoded.find((d) => d.request.timeseries.some((s) => nameOf(s) === "golden_ephemeral_info" && s.samples.some((x) => x.stale)))!;
    expect(Buffer.from(body.protobuf).includes(STALE_NAN_BYTES)).toBe(true);
    // and the other NaN-free series are not stale
    expect(seriesNamed("golden_temperature_celsius").flatMap((s) => s.samples).some((x) => x.stale)).toBe(false);
  });

  it("sends the exemplar with its trace id and a millisecond timestamp", () => {
    const exemplars = seriesNamed("golden_traced_requests_total").flatMap((s) => s.exemplars);
    expect(exemplars[0]).toEqual({
      labels: [{ name: "trace_id", value: "4bf92f3577b34da6a3ce929d0e0e0001" }], value: 0.042, timestamp: 1_795_000_001_500,
    });
  });

  it("sends the native histogram as an integer histogram with the served spans and deltas", () => {
    const [histogram] = seriesNamed("golden_native_latency_seconds").flatMap((s) => s.histograms);
    expect(histogram).toMatchObject({
      countInt: 5, sum: 7.25, schema: 0, zeroThreshold: 1e-128, zeroCountInt: 1,
      positiveSpans: [{ offset: 1, length: 2 }], positiveDeltas: [3, -2], negativeSpans: [], negativeDeltas: [],
    });
    expect(isPlausibleMilliseconds(histogram!.timestamp)).toBe(true);
  });

  it("sends metric metadata (type and help) in metadata-only requests", () => {
    const metadata = decoded.flatMap((d) => d.request.metadata);
    const byName = new Map(metadata.map((m) => [m.metricFamilyName, m]));
    expect(byName.get("golden_requests_total")).toEqual({ type: 1, metricFamilyName: "golden_requests_total", help: "Requests served, by path.", unit: "" });
    expect(byName.get("golden_temperature_celsius")?.type).toBe(2);
    expect(byName.get("golden_latency_seconds")?.type).toBe(3);
    expect(byName.get("golden_rpc_seconds")?.type).toBe(5);
    const metadataOnly = decoded.filter((d) => d.request.metadata.length > 0);
    expect(metadataOnly.every((d) => d.request.timeseries.length === 0)).toBe(true);
  });

  it.runIf(process.env.UPDATE_GOLDEN === "1")("writes the golden fixtures", () => {
    const pick = (what: string, test: (d: Decoded) => boolean) => {
      const found = decoded.find(test);
      if (!found) throw new Error(`no captured body with ${what}`);
      return found.write.body;
    };
    const dir = new URL("../fixtures/remote-write/", import.meta.url);
    writeFileSync(new URL("prometheus-2.42-agent-stale.snappy", dir), pick("a stale marker", (d) =>
      d.request.timeseries.some((s) => nameOf(s) === "golden_ephemeral_info" && s.samples.some((x) => x.stale))));
    writeFileSync(new URL("prometheus-2.42-agent-histogram-exemplar.snappy", dir), pick("a histogram and an exemplar", (d) =>
      d.request.timeseries.some((s) => s.histograms.length > 0) && d.request.timeseries.some((s) => s.exemplars.length > 0)));
    writeFileSync(new URL("prometheus-2.42-agent-metadata.snappy", dir), pick("metadata", (d) => d.request.metadata.length > 0));
  });
});

describe("ampgate's encoding, written to a real Prometheus 2.42 receiver", () => {
  let prometheus: PrometheusProcess;
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);

  const query = async (promql: string, atMs: number) => {
    const response = await fetch(`${prometheus.url}/api/v1/query?${new URLSearchParams({ query: promql, time: seconds(atMs) })}`);
    return ((await response.json()) as { data: { result: Array<{ value?: [number, string]; histogram?: [number, { count: string; sum: string }] }> } }).data.result;
  };

  beforeAll(async () => {
    prometheus = await startPrometheus({ mode: "server", extraArgs: ["--enable-feature=exemplar-storage,native-histograms"] });
    const request: WriteRequest = {
      timeseries: [
        { labels: [{ name: "__name__", value: "rt_stale_gauge" }], exemplars: [], histograms: [],
          samples: [{ value: 1, timestamp: t0 }, { value: Number.NaN, timestamp: t0 + 10_000, stale: true }] },
        { labels: [{ name: "__name__", value: "rt_nan_gauge" }], exemplars: [], histograms: [],
          samples: [{ value: 1, timestamp: t0 }, { value: Number.NaN, timestamp: t0 + 10_000 }] },
        { labels: [{ name: "__name__", value: "rt_requests_total" }], histograms: [],
          samples: [{ value: 7, timestamp: t0 }],
          exemplars: [{ labels: [{ name: "trace_id", value: "abc123" }], value: 0.042, timestamp: t0 }] },
        { labels: [{ name: "__name__", value: "rt_latency_seconds" }], samples: [], exemplars: [],
          histograms: [{
            countInt: 5, sum: 7.25, schema: 0, zeroThreshold: 1e-128, zeroCountInt: 1,
            negativeSpans: [], negativeDeltas: [], negativeCounts: [],
            positiveSpans: [{ offset: 1, length: 2 }], positiveDeltas: [3, -2], positiveCounts: [],
            resetHint: 0, timestamp: t0, customValues: [],
          }] },
      ],
      metadata: [],
    };
    const response = await postRemoteWrite(`${prometheus.url}/api/v1/write`, request);
    expect(response.status, await response.text()).toBe(204);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  it("treats our stale marker as the end of the series, and our plain NaN as a NaN value", async () => {
    expect((await query("rt_stale_gauge", t0 + 5_000))[0]?.value?.[1]).toBe("1");
    expect(await query("rt_stale_gauge", t0 + 15_000)).toEqual([]);
    expect((await query("rt_nan_gauge", t0 + 15_000))[0]?.value?.[1]).toBe("NaN");
  });

  it("stores our native histogram", async () => {
    const [result] = await query("rt_latency_seconds", t0 + 1_000);
    expect(result?.histogram?.[1]).toMatchObject({ count: "5", sum: "7.25" });
  });

  it("stores our exemplar", async () => {
    const params = new URLSearchParams({ query: "rt_requests_total", start: seconds(t0 - 1_000), end: seconds(t0 + 1_000) });
    const body = (await (await fetch(`${prometheus.url}/api/v1/query_exemplars?${params}`)).json()) as {
      data: Array<{ exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }> }>;
    };
    expect(body.data[0]?.exemplars).toEqual([{ labels: { trace_id: "abc123" }, value: "0.042", timestamp: t0 / 1000 }]);
  });
});
