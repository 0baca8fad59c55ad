import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, remoteWriteLimits } from "../../src/remote-write/limits";
import type { TimeSeries, WriteRequest } from "../../src/remote-write/types";
import { validateWriteRequest } from "../../src/remote-write/validate";
import { catchRequestError, floatHistogram, intHistogram, labels, request, series, T0 } from "./support";

/** Validates a one-series request expected to fail; checks status, reason, and that the message names series and rule. */
function rejection(s: TimeSeries, reason: string, seriesText: string | RegExp, rule: string, limits = DEFAULT_LIMITS) {
  const e = catchRequestError(() => validateWriteRequest(request(series({ __name__: "ok_metric" }), s), limits));
  expect(e.status).toBe(400);
  expect(e.reason).toBe(reason);
  if (typeof seriesText === "string") expect(e.message.startsWith(`timeseries[1] ${seriesText}`)).toBe(true);
  else expect(e.message).toMatch(seriesText);
  expect(e.message).toContain(rule);
  return e;
}

describe("validateWriteRequest normalises", () => {
  it("accepts a valid request and returns the same object (in place)", () => {
    const r = request(series({ __name__: "up", instance: "pi:9100", job: "node" }));
    expect(validateWriteRequest(r, DEFAULT_LIMITS)).toBe(r);
  });

  it("sorts labels by name in byte order, not locale order", () => {
    const r = request(series({ job: "x", Zone: "eu", __name__: "up", a_b: "1", aB: "2", _x: "3" }));
    validateWriteRequest(r);
    // byte order: '_' (0x5f) sorts after upper case and before lower case; localeCompare would say otherwise
    expect(r.timeseries[0]!.labels.map((l) => l.name)).toEqual(["Zone", "__name__", "_x", "aB", "a_b", "job"]);
  });

  it("drops labels with an empty value (empty means absent)", () => {
    const r = request(series({ __name__: "up", empty: "", job: "node" }));
    validateWriteRequest(r);
    expect(r.timeseries[0]!.labels).toEqual(labels({ __name__: "up", job: "node" }));
  });

  it("puts samples of a series entry in timestamp order and folds exact repeats into one sample", () => {
    const r = request(series({ __name__: "up" }, [[T0 + 2000, 3], [T0, 1], [T0 + 1000, 2], [T0, 1], [T0 + 2000, 3]]));
    validateWriteRequest(r);
    expect(r.timeseries[0]!.samples).toEqual([
      { timestamp: T0, value: 1 }, { timestamp: T0 + 1000, value: 2 }, { timestamp: T0 + 2000, value: 3 },
    ]);
  });

  it("allows NaN, ±Inf and stale markers as values and keeps the stale flag", () => {
    const s = series({ __name__: "up" }, [[T0, Number.NaN], [T0 + 1, Number.POSITIVE_INFINITY], [T0 + 2, Number.NEGATIVE_INFINITY]]);
    s.samples.push({ timestamp: T0 + 3, value: Number.NaN, stale: true });
    const r = request(s);
    validateWriteRequest(r);
    expect(r.timeseries[0]!.samples[3]).toEqual({ timestamp: T0 + 3, value: Number.NaN, stale: true });
  });

  it("accepts metadata-only and empty requests (Prometheus sends metadata on its own every minute)", () => {
    const metadataOnly: WriteRequest = { timeseries: [], metadata: [{ type: 1, metricFamilyName: "up", help: "1 if up", unit: "" }] };
    expect(validateWriteRequest(metadataOnly)).toBe(metadataOnly);
    expect(validateWriteRequest({ timeseries: [], metadata: [] })).toEqual({ timeseries: [], metadata: [] });
  });

  it("accepts valid native histograms and exemplars, ordering histograms by timestamp", () => {
    const s: TimeSeries = {
      labels: labels({ __name__: "latency_seconds" }),
      samples: [],
      exemplars: [{ labels: labels({ trace_id: "abc123" }), value: 0.3, timestamp: T0 }],
      histograms: [floatHistogram(T0 + 1000), intHistogram(T0)],
    };
    validateWriteRequest(request(s));
    expect(s.histograms.map((h) => h.timestamp)).toEqual([T0, T0 + 1000]);
  });
});

describe("validateWriteRequest rejects with 400, a stable reason, and a message naming the series and the rule", () => {
  it("invalid_label_name", () => {
    rejection(series({ __name__: "up", "1st": "x" }), "invalid_label_name", 'up{"1st"="x"}', 'label name "1st" must match [a-zA-Z_][a-zA-Z0-9_]*');
    rejection(series({ __name__: "up", "host-name": "pi" }), "invalid_label_name", 'up{"host-name"="pi"}', '"host-name"');
  });

  it("duplicate_label_name", () => {
    const s = series({ __name__: "up", job: "a" });
    s.labels.push({ name: "job", value: "b" });
    rejection(s, "duplicate_label_name", 'up{job="a",job="b"}', 'label name "job" appears more than once');
  });

  it("duplicate_label_name also when the duplicates only meet after sorting", () => {
    const s = series({ job: "a", __name__: "up" });
    s.labels.push({ name: "job", value: "b" });
    rejection(s, "duplicate_label_name", /up\{job="[ab]",job="[ab]"\}/, 'label name "job" appears more than once');
  });

  it("missing_metric_name, including a __name__ that is empty (and therefore absent)", () => {
    rejection(series({ job: "node" }), "missing_metric_name", '{job="node"}: ', "every series needs a non-empty __name__ label");
    rejection(series({ __name__: "", job: "node" }), "missing_metric_name", '{job="node"}: ', "no metric name");
  });

  it("invalid_metric_name", () => {
    rejection(series({ __name__: "http.requests", job: "x" }), "invalid_metric_name", '{"http.requests",job="x"}',
      'metric name "http.requests" must match [a-zA-Z_:][a-zA-Z0-9_:]*');
  });

  it("reserved_label_name, for __replica__ too unless allowed", () => {
    rejection(series({ __name__: "up", __meta_x: "1" }), "reserved_label_name", 'up{__meta_x="1"}', 'label name "__meta_x" is reserved');
    rejection(series({ __name__: "up", __replica__: "a", cluster: "home" }), "reserved_label_name", 'up{__replica__="a",cluster="home"}', '"__replica__"');
    const allowed = remoteWriteLimits({ allowedReservedLabelNames: ["__replica__"] });
    expect(() => validateWriteRequest(request(series({ __name__: "up", __replica__: "a", cluster: "home" })), allowed)).not.toThrow();
  });

  it("labels_not_sorted when the deployment asks for strict Remote Write 1.0 ordering", () => {
    rejection(series({ job: "x", __name__: "up" }), "labels_not_sorted", 'up{job="x"}', 'label "__name__" comes after "job"; labels must be sorted by name',
      remoteWriteLimits({ rejectUnsortedLabels: true }));
  });

  it("too_many_labels", () => {
    const record: Record<string, string> = { __name__: "wide" };
    for (let i = 0; i < 70; i++) record[`l${String(i).padStart(2, "0")}`] = "v";
    const e = rejection(series(record), "too_many_labels", "wide{", "71 labels; the limit is 70 per series");
    expect(e.message).toContain("…}"); // the series text is cut, not the rule
    expect(() => validateWriteRequest(request(series(record)), remoteWriteLimits({ maxLabelsPerSeries: 71 }))).not.toThrow();
  });

  it("label_name_too_long", () => {
    const name = `n${"x".repeat(1024)}`;
    rejection(series({ __name__: "up", [name]: "v" }), "label_name_too_long", "up{nxxx", "is 1025 bytes; the limit is 1024");
  });

  it("label_value_too_long, counted in UTF-8 bytes", () => {
    rejection(series({ __name__: "up", room: "ü".repeat(1025) }), "label_value_too_long", 'up{room="üü', 'label "room" value is 2050 bytes; the limit is 2048');
  });

  it("labels_too_long for the whole label set", () => {
    const record: Record<string, string> = { __name__: "up" };
    for (let i = 0; i < 4; i++) record[`l${i}`] = "v".repeat(2000);
    rejection(series(record), "labels_too_long", "up{l0=", "label names and values total 8018 bytes; the limit is 7168 per series");
  });

  it("invalid_utf8 for a value with a lone surrogate (it cannot be encoded)", () => {
    rejection(series({ __name__: "up", room: "a\ud800b" }), "invalid_utf8", 'up{room="a', 'label "room" has a value that is not valid Unicode');
  });

  it.each([
    [1_700_000_000, "looks like seconds, not milliseconds since the Unix epoch"],
    [1_700_000_000_000_000, "looks like microseconds"],
    [5, "is not a millisecond Unix timestamp within 1973-03-03..2286-11-20"],
    [-T0, "is not a millisecond Unix timestamp"],
  ])("timestamp_not_ms for %d", (timestamp, rule) => {
    rejection(series({ __name__: "up" }, [[timestamp, 1]]), "timestamp_not_ms", "up{}", `sample timestamp ${timestamp} ${rule}`);
  });

  it("invalid_timestamp for a fractional timestamp", () => {
    rejection(series({ __name__: "up" }, [[T0 + 0.5, 1]]), "invalid_timestamp", "up{}", `sample timestamp ${T0 + 0.5} is not an integer number of milliseconds`);
  });

  it("duplicate_timestamp for two different values at one timestamp", () => {
    rejection(series({ __name__: "up" }, [[T0, 1], [T0, 2]]), "duplicate_timestamp", "up{}", `two samples at timestamp ${T0} with different values (1 and 2)`);
    const staleAndValue = series({ __name__: "up" }, [[T0, Number.NaN]]);
    staleAndValue.samples.push({ timestamp: T0, value: Number.NaN, stale: true });
    rejection(staleAndValue, "duplicate_timestamp", "up{}", "two samples at timestamp");
  });

  it("invalid_histogram for spans that do not match the buckets, and for an unknown schema", () => {
    const s = series({ __name__: "latency" }, []);
    s.histograms.push({ ...intHistogram(T0), positiveDeltas: [1] });
    rejection(s, "invalid_histogram", "latency{}", `native histogram at ${T0}: positive spans cover 3 buckets but 1 deltas are given`);
    const t = series({ __name__: "latency" }, []);
    t.histograms.push({ ...floatHistogram(T0), schema: 9 });
    rejection(t, "invalid_histogram", "latency{}", "schema 9 is outside -4..8");
  });

  it("duplicate_timestamp for two native histograms at one timestamp", () => {
    const s = series({ __name__: "latency" }, []);
    s.histograms.push(intHistogram(T0), floatHistogram(T0));
    rejection(s, "duplicate_timestamp", "latency{}", `two native histograms at timestamp ${T0}`);
  });

  it("timestamp_not_ms for a histogram in seconds", () => {
    const s = series({ __name__: "latency" }, []);
    s.histograms.push(intHistogram(1_700_000_000));
    rejection(s, "timestamp_not_ms", "latency{}", "native histogram timestamp 1700000000 looks like seconds");
  });

  it("invalid_exemplar: no labels, label set over 128 characters, bad name", () => {
    const base = () => series({ __name__: "requests_total" });
    const none = base();
    none.exemplars.push({ labels: [], value: 1, timestamp: T0 });
    rejection(none, "invalid_exemplar", "requests_total{}", `exemplar at ${T0}: has no labels`);
    const long = base();
    long.exemplars.push({ labels: labels({ trace_id: "x".repeat(121) }), value: 1, timestamp: T0 });
    rejection(long, "invalid_exemplar", "requests_total{}", "labels total 129 characters; the limit is 128");
    const badName = base();
    badName.exemplars.push({ labels: labels({ "trace-id": "x" }), value: 1, timestamp: T0 });
    rejection(badName, "invalid_exemplar", "requests_total{}", 'label name "trace-id" must match');
  });

  it("rejects bad metadata naming the metadata entry and the rule", () => {
    const cases = [
      [{ type: 1, metricFamilyName: "", help: "", unit: "" }, "missing_metric_name", 'metadata[0] "": metadata needs a metric_family_name'],
      [{ type: 1, metricFamilyName: "up", help: "h".repeat(1025), unit: "" }, "help_too_long", 'metadata[0] "up": help is 1025 bytes; the limit is 1024'],
      [{ type: 1, metricFamilyName: "up", help: "", unit: "u".repeat(1025) }, "unit_too_long", "unit is 1025 bytes"],
      [{ type: 1, metricFamilyName: `m${"x".repeat(1024)}`, help: "", unit: "" }, "metric_name_too_long", "metric_family_name is 1025 bytes"],
    ] as const;
    for (const [metadata, reason, message] of cases) {
      const e = catchRequestError(() => validateWriteRequest({ timeseries: [], metadata: [metadata] }));
      expect([e.status, e.reason]).toEqual([400, reason]);
      expect(e.message).toContain(message);
    }
  });

  it("escapes quotes and newlines in the series text so the message stays one line", () => {
    const e = rejection(series({ __name__: "up", note: 'say "hi"\nbye', "bad name": "x" }), "invalid_label_name",
      'up{"bad name"="x",note="say \\"hi\\"\\nbye"}: ', 'label name "bad name"');
    expect(e.message).not.toContain("\n");
  });
});
