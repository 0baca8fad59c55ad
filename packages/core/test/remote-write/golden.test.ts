/**
 * Offline decoding of bodies captured from a real Prometheus 2.42 agent (see test/fixtures/remote-write/README.md).
 * Exact expectations: these bytes never change, so any codec regression shows up here without Prometheus.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeWriteRequest, encodeWriteRequest } from "../../src/remote-write/codec";
import { remoteWriteLimits } from "../../src/remote-write/limits";
import { compressSnappyBlock, decompressSnappyBlock } from "../../src/remote-write/snappy";
import { splitWriteRequest } from "../../src/remote-write/split";
import { stampLabels } from "../../src/remote-write/stamp";
import type { TimeSeries } from "../../src/remote-write/types";
import { validateWriteRequest } from "../../src/remote-write/validate";
import { float64Bits } from "./support";

const fixture = (name: string) =>
  readFileSync(new URL(`../../../../test/fixtures/remote-write/prometheus-2.42-agent-${name}.snappy`, import.meta.url));
const protobufOf = (name: string) => decompressSnappyBlock(fixture(name), 32 * 1024 * 1024);
const render = (s: TimeSeries) => s.labels.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(",");
const named = (series: TimeSeries[], name: string) => series.filter((s) => s.labels[0]!.value === name);

const TEXT_INSTANCE = "127.0.0.1:43369";
const PROTOBUF_INSTANCE = "127.0.0.1:41577";

describe("golden bodies from Prometheus 2.42 (agent mode)", () => {
  it("first scrape: every series, label and value as served, Unicode and escapes intact", () => {
    const { timeseries, metadata } = decodeWriteRequest(protobufOf("histogram-exemplar"));
    expect(metadata).toEqual([]);
    expect(timeseries).toHaveLength(25);
    const [requests] = named(timeseries, "golden_requests_total");
    expect(render(requests!)).toBe(
      `__name__="golden_requests_total",instance="${TEXT_INSTANCE}",job="golden-text",note="say \\"hi\\"\\nbye \\\\ back",path="/api/ü/😀"`,
    );
    expect(requests!.samples).toEqual([{ value: 3, timestamp: 1795305495189 }]);
    expect(render(named(timeseries, "golden_temperature_celsius")[0]!)).toContain('room="Wohnzimmer – Süd 🌡"');
    expect(named(timeseries, "golden_latency_seconds_bucket").map((s) => [s.labels.at(-1)!.value, s.samples[0]!.value]))
      .toEqual([["0.1", 1], ["1", 3], ["+Inf", 4]]);
    expect(named(timeseries, "golden_rpc_seconds").map((s) => [s.labels.at(-1)!.value, s.samples[0]!.value]))
      .toEqual([["0.5", 0.2], ["0.9", 0.7]]);
    expect(named(timeseries, "golden_ephemeral_info")[0]!.samples).toEqual([{ value: 1, timestamp: 1795305495189 }]);
  });

  it("first scrape: the native histogram and the exemplar", () => {
    const { timeseries } = decodeWriteRequest(protobufOf("histogram-exemplar"));
    const [histogramSeries] = named(timeseries, "golden_native_latency_seconds");
    expect(render(histogramSeries!)).toBe(`__name__="golden_native_latency_seconds",instance="${PROTOBUF_INSTANCE}",job="golden-protobuf"`);
    expect(histogramSeries!.histograms).toEqual([{
      countInt: 5, sum: 7.25, schema: 0, zeroThreshold: 1e-128, zeroCountInt: 1,
      negativeSpans: [], negativeDeltas: [], negativeCounts: [],
      positiveSpans: [{ offset: 1, length: 2 }], positiveDeltas: [3, -2], positiveCounts: [],
      resetHint: 0, timestamp: 1795305494949, customValues: [],
    }]);
    // Prometheus sends exemplars in their own TimeSeries entry, without samples
    const exemplarEntry = named(timeseries, "golden_traced_requests_total").find((s) => s.exemplars.length > 0)!;
    expect(exemplarEntry.samples).toEqual([]);
    expect(exemplarEntry.exemplars).toEqual([
      { labels: [{ name: "trace_id", value: "4bf92f3577b34da6a3ce929d0e0e0001" }], value: 0.042, timestamp: 1795000001500 },
    ]);
  });

  it("second scrape: the vanished series carries the StaleNaN, bit-exact through decode and encode", () => {
    const protobuf = protobufOf("stale");
    const { timeseries } = decodeWriteRequest(protobuf);
    const [ephemeral] = named(timeseries, "golden_ephemeral_info");
    expect(render(ephemeral!)).toBe(`__name__="golden_ephemeral_info",id="first-scrape-only",instance="${TEXT_INSTANCE}",job="golden-text"`);
    expect(ephemeral!.samples).toEqual([{ value: Number.NaN, timestamp: 1795305496189, stale: true }]);
    expect(timeseries.flatMap((s) => s.samples).filter((s) => s.stale)).toHaveLength(1);
    const reencoded = encodeWriteRequest({ timeseries: [ephemeral!], metadata: [] });
    const at = Buffer.from(reencoded).indexOf(0x09, reencoded.length - 16); // the Sample.value tag
    expect(float64Bits(reencoded, at + 1)).toBe("0x7ff0000000000002");
  });

  it("metadata-only request: type and help of every family", () => {
    const { timeseries, metadata } = decodeWriteRequest(protobufOf("metadata"));
    expect(timeseries).toEqual([]);
    expect(metadata.map((m) => [m.metricFamilyName, m.type, m.help])).toEqual([
      ["golden_temperature_celsius", 2, "Room temperature."],
      ["golden_latency_seconds", 3, "Request latency."],
      ["golden_rpc_seconds", 5, "RPC duration."],
      ["golden_ephemeral_info", 2, ""],
      ["golden_requests_total", 1, "Requests served, by path."],
      ["golden_traced_requests_total", 1, "Requests with exemplars."],
      ["golden_native_latency_seconds", 3, "Native histogram latency."],
    ]);
  });

  it.each(["histogram-exemplar", "stale", "metadata"])("%s: re-encodes to the exact bytes Prometheus sent", (name) => {
    const protobuf = protobufOf(name);
    expect(Buffer.from(encodeWriteRequest(decodeWriteRequest(protobuf))).equals(Buffer.from(protobuf))).toBe(true);
  });

  it("goes through the whole ingest path — stamp, strict validation, split, encode, snappy — without losing a sample", () => {
    const original = decodeWriteRequest(protobufOf("stale"));
    const request = validateWriteRequest(stampLabels(decodeWriteRequest(protobufOf("stale")), { source: "pi-livingroom" }),
      remoteWriteLimits({ rejectUnsortedLabels: true }));
    const parts = splitWriteRequest(request, 300);
    expect(parts.length).toBeGreaterThan(3);
    const roundTripped = parts.flatMap((part) =>
      decodeWriteRequest(decompressSnappyBlock(compressSnappyBlock(encodeWriteRequest(part)), 1 << 20)).timeseries);
    expect(roundTripped.map((s) => s.samples)).toEqual(original.timeseries.map((s) => s.samples));
    for (const series of roundTripped) {
      expect(series.labels.find((l) => l.name === "source")?.value).toBe("pi-livingroom");
      const names = series.labels.map((l) => l.name);
      expect(names).toEqual([...names].sort());
    }
  });
});
