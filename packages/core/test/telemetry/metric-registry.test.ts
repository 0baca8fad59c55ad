/**
 * The self-metrics registry: what a snapshot looks like on the wire (labels, samples, the 0 before a series'
 * first value, histogram buckets, metadata) and that AMP's own rules accept it.
 */
import { describe, expect, it } from "vitest";
import { validateWriteRequest } from "../../src/remote-write/validate";
import { DEFAULT_LIMITS } from "../../src/remote-write/limits";
import { MetricType, type TimeSeries, type WriteRequest } from "../../src/remote-write/types";
import { createMetricRegistry, MAX_ZERO_AGE_MS } from "../../src/telemetry/metric-registry";

const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);

function registryAt(start = T0, maxSeries?: number) {
  let now = start;
  const overflows: string[] = [];
  const registry = createMetricRegistry({
    constantLabels: { fn: "ingest", instance: "0a1b2c3d" },
    now: () => now,
    ...(maxSeries ? { maxSeries } : {}),
    onOverflow: (name) => overflows.push(name),
  });
  return { registry, overflows, advance: (ms: number) => (now += ms), now: () => now };
}

const labelsOf = (series: TimeSeries) => Object.fromEntries(series.labels.map((l) => [l.name, l.value]));
const find = (request: WriteRequest, labels: Record<string, string>) =>
  request.timeseries.filter((s) => Object.entries(labels).every(([k, v]) => labelsOf(s)[k] === v));

describe("counters", () => {
  it("adds up increments per label set, with fn and instance on every series and labels sorted by name", () => {
    const { registry } = registryAt();
    registry.inc("ampgate_ingest_requests_total", { route: "POST /api/v1/write", format: "remote-write", source: "pi", code: "204" });
    registry.inc("ampgate_ingest_requests_total", { route: "POST /api/v1/write", format: "remote-write", source: "pi", code: "204" });
    registry.inc("ampgate_ingest_requests_total", { route: "POST /api/v1/write", format: "remote-write", source: "pi", code: "400" });
    registry.inc("ampgate_ingest_samples_total", { source: "pi" }, 120);
    const snapshot = registry.snapshot(T0 + 5_000);
    expect(snapshot.timeseries.map((s) => s.labels.map((l) => l.name))).toContainEqual(["__name__", "code", "fn", "format", "instance", "route", "source"]);
    const ok = find(snapshot, { __name__: "ampgate_ingest_requests_total", code: "204" });
    expect(ok).toHaveLength(1);
    expect(labelsOf(ok[0]!)).toEqual({
      __name__: "ampgate_ingest_requests_total", code: "204", fn: "ingest", format: "remote-write", instance: "0a1b2c3d", route: "POST /api/v1/write", source: "pi",
    });
    expect(ok[0]!.samples.at(-1)).toEqual({ value: 2, timestamp: T0 + 5_000 });
    expect(find(snapshot, { __name__: "ampgate_ingest_samples_total" })[0]!.samples.at(-1)!.value).toBe(120);
    expect(registry.seriesCount).toBe(3);
  });

  it("writes a 0 just before a series' first increment until a snapshot with it may be stored, so increase() counts that increment", () => {
    const { registry, advance } = registryAt();
    registry.inc("ampgate_ingest_samples_total", { source: "pi" }, 7);
    advance(20_000);
    const first = registry.snapshot(T0 + 30_000);
    expect(first.timeseries[0]!.samples).toEqual([{ value: 0, timestamp: T0 - 1 }, { value: 7, timestamp: T0 + 30_000 }]);
    registry.settle(true);
    registry.inc("ampgate_ingest_samples_total", { source: "pi" }, 3);
    registry.inc("ampgate_ingest_samples_total", { source: "esp" }, 1);
    const second = registry.snapshot(T0 + 90_000);
    expect(find(second, { source: "pi" })[0]!.samples).toEqual([{ value: 10, timestamp: T0 + 90_000 }]);
    expect(find(second, { source: "esp" })[0]!.samples).toEqual([{ value: 0, timestamp: T0 + 20_000 - 1 }, { value: 1, timestamp: T0 + 90_000 }]);
  });

  it("sends the 0 again, at the same time, after a snapshot AMP stored nothing of (throttled, 5xx, unreachable)", () => {
    const { registry } = registryAt();
    registry.inc("ampgate_ingest_requests_total", { route: "POST /write", format: "influx-v1", source: "pi", code: "503" });
    registry.snapshot(T0 + 10_000);
    registry.settle(false);
    registry.inc("ampgate_ingest_requests_total", { route: "POST /write", format: "influx-v1", source: "pi", code: "503" });
    expect(registry.snapshot(T0 + 70_000).timeseries[0]!.samples).toEqual([{ value: 0, timestamp: T0 - 1 }, { value: 2, timestamp: T0 + 70_000 }]);
    registry.settle(true);
    expect(registry.snapshot(T0 + 130_000).timeseries[0]!.samples).toEqual([{ value: 2, timestamp: T0 + 130_000 }]);
  });

  it("drops a 0 that has grown too old for AMP while it waited", () => {
    const { registry } = registryAt();
    registry.inc("ampgate_ingest_bytes_total", { source: "pi" }, 10);
    registry.snapshot(T0 + 1_000);
    registry.settle(false);
    expect(registry.snapshot(T0 + MAX_ZERO_AGE_MS + 5_000).timeseries[0]!.samples).toEqual([{ value: 10, timestamp: T0 + MAX_ZERO_AGE_MS + 5_000 }]);
  });

  it("keeps the 0 inside AMP's sample-age limit and strictly before the value", () => {
    const { registry } = registryAt();
    registry.inc("ampgate_ingest_bytes_total", { source: "pi" }, 10);
    const late = registry.snapshot(T0 + 3 * 3_600_000);
    expect(late.timeseries[0]!.samples[0]).toEqual({ value: 0, timestamp: T0 + 3 * 3_600_000 - MAX_ZERO_AGE_MS });

    const same = registryAt();
    same.registry.inc("ampgate_ingest_bytes_total", { source: "pi" }, 10);
    expect(same.registry.snapshot(T0 - 5).timeseries[0]!.samples.map((s) => s.timestamp)).toEqual([T0 - 6, T0 - 5]);
  });

  it("never goes down: negative and NaN increments are ignored", () => {
    const { registry } = registryAt();
    registry.inc("ampgate_ingest_bytes_total", { source: "pi" }, 10);
    registry.inc("ampgate_ingest_bytes_total", { source: "pi" }, -3);
    registry.inc("ampgate_ingest_bytes_total", { source: "pi" }, Number.NaN);
    expect(registry.snapshot(T0 + 1).timeseries[0]!.samples.at(-1)!.value).toBe(10);
  });

  it("leaves an empty label value off, as Prometheus would treat it as absent", () => {
    const { registry } = registryAt();
    registry.inc("ampgate_amp_write_retries_total", { reason: "" });
    expect(registry.snapshot(T0 + 1).timeseries[0]!.labels.map((l) => l.name)).toEqual(["__name__", "fn", "instance"]);
  });

  it("reports changes since the last snapshot", () => {
    const { registry } = registryAt();
    expect(registry.changed).toBe(false);
    registry.inc("ampgate_webhook_requests_total", { code: "204" });
    expect(registry.changed).toBe(true);
    registry.snapshot(T0 + 1);
    expect(registry.changed).toBe(false);
  });

  it("stops creating series at the limit and says so once; existing series still count", () => {
    const { registry, overflows } = registryAt(T0, 2);
    for (const code of ["200", "400", "401", "500"]) registry.inc("ampgate_query_requests_total", { endpoint: "query", code });
    registry.inc("ampgate_query_requests_total", { endpoint: "query", code: "200" });
    expect(registry.seriesCount).toBe(2);
    expect(overflows).toEqual(["ampgate_query_requests_total"]);
    expect(find(registry.snapshot(T0 + 1), { code: "200" })[0]!.samples.at(-1)!.value).toBe(2);
  });
});

describe("histograms", () => {
  it("are classic: cumulative _bucket{le} series up to +Inf, _sum and _count, all starting from 0", () => {
    const { registry } = registryAt();
    for (const seconds of [0.004, 0.02, 0.02, 0.3, 40]) registry.observe("ampgate_amp_write_duration_seconds", {}, seconds);
    const snapshot = registry.snapshot(T0 + 1_000);
    const last = (labels: Record<string, string>) => find(snapshot, labels)[0]!.samples.at(-1)!.value;
    const buckets = find(snapshot, { __name__: "ampgate_amp_write_duration_seconds_bucket" });
    expect(buckets.map((s) => labelsOf(s).le)).toEqual(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "25", "+Inf"]);
    expect(buckets.map((s) => s.samples.at(-1)!.value)).toEqual([1, 1, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 5]);
    expect(last({ __name__: "ampgate_amp_write_duration_seconds_count" })).toBe(5);
    expect(last({ __name__: "ampgate_amp_write_duration_seconds_sum" })).toBeCloseTo(40.344, 9);
    for (const series of snapshot.timeseries) expect(series.samples[0]!.value).toBe(0);
  });

  it("ignores a non-finite observation", () => {
    const { registry } = registryAt();
    registry.observe("ampgate_query_duration_seconds", {}, Number.POSITIVE_INFINITY);
    registry.observe("ampgate_query_duration_seconds", {}, 0.2);
    expect(find(registry.snapshot(T0 + 1), { __name__: "ampgate_query_duration_seconds_count" })[0]!.samples.at(-1)!.value).toBe(1);
  });
});

describe("a snapshot as AMP sees it", () => {
  it("passes remote-write validation with AMP's strict rules (sorted labels, ordered distinct timestamps), with TYPE/HELP/UNIT metadata", () => {
    const { registry } = registryAt();
    registry.inc("ampgate_ingest_requests_total", { route: "POST /write", format: "influx-v1", source: "(unauthenticated)", code: "401" });
    registry.inc("ampgate_ingest_bytes_total", { source: "(unauthenticated)" }, 512);
    registry.observe("ampgate_amp_write_duration_seconds", {}, 0.05);
    const snapshot = registry.snapshot(T0 + 10);
    const copy = structuredClone(snapshot);
    expect(() => validateWriteRequest(copy, { ...DEFAULT_LIMITS, rejectUnsortedLabels: true })).not.toThrow();
    expect(copy).toEqual(snapshot); // nothing needed normalising
    expect(snapshot.metadata).toEqual([
      { metricFamilyName: "ampgate_amp_write_duration_seconds", type: MetricType.HISTOGRAM, unit: "seconds", help: expect.stringContaining("AMP") },
      { metricFamilyName: "ampgate_ingest_bytes_total", type: MetricType.COUNTER, unit: "bytes", help: expect.any(String) },
      { metricFamilyName: "ampgate_ingest_requests_total", type: MetricType.COUNTER, unit: "", help: expect.any(String) },
    ]);
  });
});
