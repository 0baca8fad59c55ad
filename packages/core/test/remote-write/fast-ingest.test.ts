/**
 * Differential tests of the fast ingest path (fast-ingest.ts + split-encoded.ts) against the reference path
 * (decodeWriteRequest → stampLabels → validateWriteRequest → splitWriteRequest → encodeWriteRequest): on
 * generated requests, fuzzed bytes and the golden Prometheus bodies, "fast, else reference" must give exactly
 * what the reference gives — the same parts byte for byte, or the same error. Canonical input must actually take
 * the fast path, so a fast path that always declined would fail here.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/errors";
import { decodeWriteRequest, encodeWriteRequest } from "../../src/remote-write/codec";
import { fastIngest, type EncodedWriteRequest } from "../../src/remote-write/fast-ingest";
import { isLabelNameAt, isMetricNameAt, isUtf8At } from "../../src/remote-write/label-bytes";
import { isValidLabelName, isValidMetricName } from "../../src/remote-write/names";
import { DEFAULT_LIMITS, remoteWriteLimits, type RemoteWriteLimits } from "../../src/remote-write/limits";
import { compressSnappyBlock, decompressSnappyBlock } from "../../src/remote-write/snappy";
import { splitWriteRequest } from "../../src/remote-write/split";
import { splitEncodedEntries } from "../../src/remote-write/split-encoded";
import { stampLabels } from "../../src/remote-write/stamp";
import type { Label, Sample, TimeSeries, WriteRequest } from "../../src/remote-write/types";
import { validateWriteRequest } from "../../src/remote-write/validate";
import { Reader } from "../../src/remote-write/wire";
import { mutated } from "../../../../test/fuzz/support/mutate";
import { toWriteRequestObject, validSeriesSet } from "../../../../test/fuzz/support/valid-series";
import { writeRequest } from "./arbitraries";
import { T0 } from "./support";

type Outcome = { parts: string[]; series: number; samples: number } | { error: string };

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

function describeError(error: unknown): { error: string } {
  if (error instanceof RequestError) return { error: `${error.status} ${error.reason}: ${error.message}` };
  if (error instanceof Error) return { error: `${error.name}: ${error.message}` };
  throw error;
}

function referencePath(protobuf: Uint8Array, labels: Record<string, string>, limits: RemoteWriteLimits): Outcome {
  try {
    const request = validateWriteRequest(stampLabels(decodeWriteRequest(protobuf), labels), limits);
    const parts = splitWriteRequest(request, limits.maxRequestBytes).map((part) => hex(encodeWriteRequest(part)));
    const samples = request.timeseries.reduce((total, series) => total + series.samples.length, 0);
    return { parts, series: request.timeseries.length, samples };
  } catch (error) {
    return describeError(error);
  }
}

/** What the fast path hands the writer, cut as the writer cuts it (amp/remote-write-client.ts encodedParts). */
function fastParts(batch: EncodedWriteRequest, maxRequestBytes: number): string[] {
  const parts = splitEncodedEntries(batch.protobuf, batch.entryEnds, maxRequestBytes)
    ?? splitWriteRequest(decodeWriteRequest(batch.protobuf), maxRequestBytes).map(encodeWriteRequest);
  return parts.map(hex);
}

/** The production choice: the fast path when it answers, the reference path otherwise. */
function combinedPath(protobuf: Uint8Array, labels: Record<string, string>, limits: RemoteWriteLimits): { outcome: Outcome; fast: boolean } {
  const batch = fastIngest(protobuf, labels, limits);
  if (!batch) return { outcome: referencePath(protobuf, labels, limits), fast: false };
  try {
    return { outcome: { parts: fastParts(batch, limits.maxRequestBytes), series: batch.series, samples: batch.samples }, fast: true };
  } catch (error) {
    return { outcome: describeError(error), fast: true }; // a series too big for any part: the splitter's 413
  }
}

/** The raw bytes of each top-level WriteRequest entry (a WriteRequest has no envelope: each is one itself). */
function topLevelEntries(protobuf: Uint8Array): Uint8Array[] {
  const reader = new Reader(protobuf);
  const entries: Uint8Array[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    reader.skipType(reader.uint32() & 7);
    entries.push(protobuf.subarray(start, reader.pos));
  }
  return entries;
}

// --- generators ----------------------------------------------------------------------------------------------

const labelName = fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/);
const labelValue = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 });
const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/);
const STALE: Sample = { value: Number.NaN, timestamp: 0, stale: true };

/** Increasing plausible millisecond timestamps with any float values, NaN, ±0, ±Inf and stale markers. */
const samples: fc.Arbitrary<Sample[]> = fc
  .tuple(fc.integer({ min: 1e11, max: 1e13 - 1e6 }), fc.array(fc.tuple(fc.integer({ min: 1, max: 60_000 }), fc.oneof(fc.double(), fc.constant(STALE))), { maxLength: 4 }))
  .map(([start, steps]) => {
    let timestamp = start;
    return steps.map(([step, value]) => {
      timestamp += step;
      return typeof value === "number" ? { value, timestamp } : { ...value, timestamp };
    });
  });

/** What Prometheus and Telegraf send: sorted, unique, valid labels with `__name__`, samples only. */
const canonicalSeries: fc.Arbitrary<TimeSeries> = fc
  .record({ name: metricName, labels: fc.uniqueArray(fc.tuple(labelName, labelValue), { maxLength: 6, selector: ([name]) => name }), samples })
  .map(({ name, labels, samples }) => ({
    labels: [{ name: "__name__", value: name }, ...labels.map(([n, v]): Label => ({ name: n, value: v })).sort((a, b) => (a.name < b.name ? -1 : 1))],
    samples,
    exemplars: [],
    histograms: [],
  }));

const canonicalRequest: fc.Arbitrary<WriteRequest> = fc.record({ timeseries: fc.array(canonicalSeries, { maxLength: 6 }), metadata: fc.constant([]) });

/**
 * Batches like real senders': every series repeats the previous one's label names (what fast-ingest.ts interns
 * by position), with now and then an edit that must not be trusted from the previous series — a name swapped
 * for a reserved, invalid, duplicate or out-of-order one, a label dropped or added — and the odd empty value or
 * invalid metric name.
 */
const oddName = fc.constantFrom("__replica__", "__name__", "a-b", "", "zz", "aa", "1x", "cpu", "job");
const repeatedNamesRequest: fc.Arbitrary<WriteRequest> = fc
  .record({
    names: fc.uniqueArray(labelName, { minLength: 1, maxLength: 6 }).map((names) => names.sort()),
    rows: fc.array(fc.record({
      metric: fc.oneof({ weight: 99, arbitrary: metricName }, { weight: 1, arbitrary: fc.constant("1bad") }),
      values: fc.array(fc.oneof({ weight: 199, arbitrary: labelValue }, { weight: 1, arbitrary: fc.constant("") }), { minLength: 8, maxLength: 8 }),
      edit: fc.oneof(
        { weight: 9, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom("replace", "drop", "add"), fc.nat(), oddName) },
      ),
      samples,
    }), { minLength: 1, maxLength: 12 }),
  })
  .map(({ names, rows }) => ({
    timeseries: rows.map(({ metric, values, edit, samples: rowSamples }) => {
      const rowNames = [...names];
      if (edit) {
        const [kind, at, odd] = edit;
        const i = at % rowNames.length;
        if (kind === "replace") rowNames[i] = odd;
        else if (kind === "drop") rowNames.splice(i, 1);
        else rowNames.splice(i, 0, odd);
      }
      return {
        labels: [{ name: "__name__", value: metric }, ...rowNames.map((name, i): Label => ({ name, value: values[i % values.length]! }))],
        samples: rowSamples,
        exemplars: [],
        histograms: [],
      };
    }),
    metadata: [],
  }));

/** Token labels: names that often collide with the senders' (replacement) and sort anywhere among them. */
const tokenLabels = fc.dictionary(labelName, labelValue, { maxKeys: 3 });

const limitsVariants: fc.Arbitrary<RemoteWriteLimits> = fc.record({
  rejectUnsortedLabels: fc.boolean(),
  maxLabelsPerSeries: fc.constantFrom(70, 4),
  maxLabelValueLength: fc.constantFrom(2048, 10),
  maxLabelBytesPerSeries: fc.constantFrom(7 * 1024, 40),
  maxRequestBytes: fc.constantFrom(1_000_000, 200, 60),
  allowedReservedLabelNames: fc.constantFrom([], ["__replica__"]),
}).map((overrides) => remoteWriteLimits(overrides));

// ---------------------------------------------------------------------------------------------------------------

describe("fast ingest path ≡ reference path", () => {
  it("canonical requests take the fast path and come out byte-identical, split the same way", () => {
    fc.assert(
      fc.property(canonicalRequest, tokenLabels, fc.constantFrom(1_000_000, 300, 120), (request, labels, maxRequestBytes) => {
        const limits = remoteWriteLimits({ maxRequestBytes });
        const protobuf = encodeWriteRequest(request);
        const { outcome, fast } = combinedPath(protobuf, labels, limits);
        expect(fast).toBe(true);
        expect(outcome).toEqual(referencePath(protobuf, labels, limits));
      }),
      { numRuns: 1000 },
    );
  });

  it("any request, any token labels, any limits: the same parts or the same error", () => {
    const anyRequest = fc.oneof(writeRequest, canonicalRequest);
    let fastTaken = 0;
    fc.assert(
      fc.property(anyRequest, tokenLabels, limitsVariants, (request, labels, limits) => {
        const protobuf = encodeWriteRequest(request);
        const { outcome, fast } = combinedPath(protobuf, labels, limits);
        if (fast) fastTaken++;
        expect(outcome).toEqual(referencePath(protobuf, labels, limits));
      }),
      { numRuns: 1500 },
    );
    expect(fastTaken).toBeGreaterThan(100);
  });

  it("series repeating the previous series' names, with edits that must be caught: the same parts or the same error", () => {
    let fast = 0;
    let declined = 0;
    fc.assert(
      fc.property(repeatedNamesRequest, tokenLabels, fc.oneof({ weight: 3, arbitrary: fc.constant(DEFAULT_LIMITS) }, { weight: 1, arbitrary: limitsVariants }), (request, labels, limits) => {
        const protobuf = encodeWriteRequest(request);
        const combined = combinedPath(protobuf, labels, limits);
        if (combined.fast) fast++;
        else declined++;
        expect(combined.outcome).toEqual(referencePath(protobuf, labels, limits));
      }),
      { numRuns: 2000 },
    );
    expect(fast).toBeGreaterThan(300);
    expect(declined).toBeGreaterThan(200);
  });

  it("fuzzed bytes of canonical bodies (the fuzz harness's edits): never accepted differently", () => {
    const mutatedBodies = mutated(canonicalRequest.map((request) => encodeWriteRequest(request)));
    fc.assert(
      fc.property(mutatedBodies, tokenLabels, (bytes, labels) => {
        expect(combinedPath(bytes, labels, DEFAULT_LIMITS).outcome).toEqual(referencePath(bytes, labels, DEFAULT_LIMITS));
      }),
      { numRuns: 4000 },
    );
  });

  it("random bytes: the same error or the same result", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(combinedPath(bytes, { source: "pi" }, DEFAULT_LIMITS).outcome).toEqual(referencePath(bytes, { source: "pi" }, DEFAULT_LIMITS));
      }),
      { numRuns: 3000 },
    );
  });

  const golden = (name: string) => decompressSnappyBlock(
    readFileSync(new URL(`../../../../test/fixtures/remote-write/prometheus-2.42-agent-${name}.snappy`, import.meta.url)), 32 * 1024 * 1024);
  const labels = { source: "pi-livingroom" };

  it("golden bodies from a real Prometheus agent: identical results; those with exemplars, histograms or metadata decline", () => {
    for (const name of ["histogram-exemplar", "stale", "metadata"]) {
      const protobuf = golden(name);
      const { outcome, fast } = combinedPath(protobuf, labels, DEFAULT_LIMITS);
      expect(outcome).toEqual(referencePath(protobuf, labels, DEFAULT_LIMITS));
      expect("parts" in outcome).toBe(true);
      expect(fast).toBe(false);
    }
  });

  it("Prometheus' own bytes of plain sample series (the golden bodies' other entries) take the fast path", () => {
    for (const name of ["histogram-exemplar", "stale"]) {
      const entries = topLevelEntries(golden(name)).filter((entry) => {
        const [series] = decodeWriteRequest(entry).timeseries;
        return series !== undefined && series.histograms.length === 0 && series.exemplars.length === 0;
      });
      expect(entries.length).toBeGreaterThan(15);
      const protobuf = Buffer.concat(entries);
      const { outcome, fast } = combinedPath(protobuf, labels, DEFAULT_LIMITS);
      expect(fast).toBe(true);
      expect(outcome).toEqual(referencePath(protobuf, labels, DEFAULT_LIMITS));
    }
  });
});

describe("fast ingest path ≡ reference path on the fuzz harness's inputs (test/fuzz)", () => {
  const CORPUS = new URL("../../../../test/fuzz/corpus/remote-write-1.0/", import.meta.url);

  it("its valid series sets and their mutations: the same parts or the same error", () => {
    const valid = validSeriesSet.map((series) => encodeWriteRequest(toWriteRequestObject(series)));
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(valid, mutated(valid)), (bytes) => {
        const combined = combinedPath(bytes, { source: "pi" }, DEFAULT_LIMITS);
        if (combined.fast) fast++;
        expect(combined.outcome).toEqual(referencePath(bytes, { source: "pi" }, DEFAULT_LIMITS));
      }),
      { numRuns: 2000 },
    );
    expect(fast).toBeGreaterThan(200);
  });

  it("every body in its saved corpus", () => {
    const files = existsSync(CORPUS) ? readdirSync(CORPUS).filter((file) => file.endsWith(".bin")) : [];
    for (const file of files) {
      let protobuf: Uint8Array;
      try {
        protobuf = decompressSnappyBlock(readFileSync(new URL(file, CORPUS)), 32 * 1024 * 1024);
      } catch {
        continue; // rejected before either path runs
      }
      expect(combinedPath(protobuf, { source: "pi" }, DEFAULT_LIMITS).outcome, file).toEqual(referencePath(protobuf, { source: "pi" }, DEFAULT_LIMITS));
    }
  });
});

describe("fast ingest path: where the token's labels go", () => {
  const series = (labels: Record<string, string>, value = 1): TimeSeries => ({
    labels: Object.entries(labels).map(([name, v]) => ({ name, value: v })),
    samples: [{ value, timestamp: T0 }],
    exemplars: [],
    histograms: [],
  });
  const run = (labels: Record<string, string>, stamps: Record<string, string>) => {
    const protobuf = encodeWriteRequest({ timeseries: [series(labels)], metadata: [] });
    const batch = fastIngest(protobuf, stamps, DEFAULT_LIMITS)!;
    return { protobuf, batch, labels: decodeWriteRequest(batch.protobuf).timeseries[0]!.labels.map((l) => `${l.name}=${l.value}`) };
  };

  it("inserts at the sorted place: first, between, last, several at once", () => {
    expect(run({ __name__: "up", job: "x" }, { a: "1" }).labels).toEqual(["__name__=up", "a=1", "job=x"]);
    expect(run({ __name__: "up", b: "2", job: "x" }, { c: "3" }).labels).toEqual(["__name__=up", "b=2", "c=3", "job=x"]);
    expect(run({ __name__: "up", job: "x" }, { source: "pi" }).labels).toEqual(["__name__=up", "job=x", "source=pi"]);
    expect(run({ __name__: "up", job: "x" }, { a: "1", k: "2", z: "3" }).labels).toEqual(["__name__=up", "a=1", "job=x", "k=2", "z=3"]);
  });

  it("replaces a label the sender set: the token's value wins", () => {
    const { labels, batch } = run({ __name__: "up", source: "spoofed", z: "1" }, { source: "pi" });
    expect(labels).toEqual(["__name__=up", "source=pi", "z=1"]);
    expect(batch.unchanged).toBe(false);
  });

  it("returns the input itself when the sender already carries the token's labels", () => {
    const { protobuf, batch } = run({ __name__: "up", source: "pi" }, { source: "pi" });
    expect(batch.unchanged).toBe(true);
    expect(batch.protobuf).toBe(protobuf);
    expect(run({ __name__: "up" }, {}).batch.unchanged).toBe(true);
  });

  it("counts series and samples", () => {
    const protobuf = encodeWriteRequest({ timeseries: [series({ __name__: "a" }), { ...series({ __name__: "b" }), samples: [{ value: 1, timestamp: T0 }, { value: 2, timestamp: T0 + 1 }] }], metadata: [] });
    const batch = fastIngest(protobuf, { source: "pi" }, DEFAULT_LIMITS)!;
    expect([batch.series, batch.samples, batch.entryEnds.length, batch.entryEnds.at(-1)]).toEqual([2, 3, 2, batch.protobuf.length]);
  });
});

describe("fast ingest path: declines what the reference path would reshape or reject", () => {
  const one = (sample: Partial<Sample> = {}, labels: Label[] = [{ name: "__name__", value: "up" }]): Uint8Array =>
    encodeWriteRequest({ timeseries: [{ labels, samples: [{ value: 1, timestamp: T0, ...sample }], exemplars: [], histograms: [] }], metadata: [] });
  const declines = (protobuf: Uint8Array, limits: RemoteWriteLimits = DEFAULT_LIMITS) => {
    expect(fastIngest(protobuf, { source: "pi" }, limits)).toBeUndefined();
  };
  /** The sample's value bytes in `one()`: tag 0a, len, labels (0a 0c 0a 08 "__name__" 12 02 "up"), 12 len 09 <8>. */
  const withValueBits = (bits: number[]) => {
    const bytes = one({ value: 0.5 });
    const at = bytes.indexOf(0x09, 16) + 1;
    bytes.set(bits, at);
    return bytes;
  };

  it("a NaN other than Prometheus' two patterns (the encoder rewrites it)", () => {
    declines(withValueBits([0x03, 0, 0, 0, 0, 0, 0xf8, 0x7f]));
    expect(fastIngest(withValueBits([0x01, 0, 0, 0, 0, 0, 0xf8, 0x7f]), {}, DEFAULT_LIMITS)).toBeDefined();
    expect(fastIngest(withValueBits([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]), {}, DEFAULT_LIMITS)).toBeDefined();
  });

  it("+0 written out (the encoder omits it), but not -0", () => {
    declines(withValueBits([0, 0, 0, 0, 0, 0, 0, 0]));
    expect(fastIngest(withValueBits([0, 0, 0, 0, 0, 0, 0, 0x80]), {}, DEFAULT_LIMITS)).toBeDefined();
  });

  it("labels the validator drops, sorts or refuses", () => {
    declines(one({}, [{ name: "__name__", value: "up" }, { name: "a", value: "" }]));
    declines(one({}, [{ name: "__name__", value: "up" }, { name: "b", value: "1" }, { name: "a", value: "1" }]));
    declines(one({}, [{ name: "__name__", value: "up" }, { name: "a", value: "1" }, { name: "a", value: "1" }]));
    declines(one({}, [{ name: "__name__", value: "up" }, { name: "__replica__", value: "1" }]));
    declines(one({}, [{ name: "__name__", value: "1up" }]));
    declines(one({}, [{ name: "job", value: "x" }]));
    declines(one({}, [{ name: "__name__", value: "up" }, { name: "a-b", value: "1" }]));
    declines(one({}, [{ name: "__name__", value: "up" }, { name: "a", value: "x".repeat(11) }]), remoteWriteLimits({ maxLabelValueLength: 10 }));
    expect(fastIngest(one({}, [{ name: "__name__", value: "up" }, { name: "__replica__", value: "1" }]), {}, remoteWriteLimits({ allowedReservedLabelNames: ["__replica__"] }))).toBeDefined();
  });

  it("a stamp that makes the series break a limit", () => {
    declines(one({}, [{ name: "__name__", value: "up" }, { name: "a", value: "1" }]), remoteWriteLimits({ maxLabelsPerSeries: 2 }));
    expect(fastIngest(one({}, [{ name: "__name__", value: "up" }]), { source: "pi" }, remoteWriteLimits({ maxLabelsPerSeries: 2 }))).toBeDefined();
  });

  it("invalid UTF-8 in a label value: overlong, surrogate, truncated", () => {
    for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]]) {
      const value = "x".repeat(bad.length);
      const bytes = one({}, [{ name: "__name__", value: "up" }, { name: "a", value }]);
      bytes.set(bad, Buffer.from(bytes).indexOf(Buffer.from(value)));
      declines(bytes);
      expect(referencePath(bytes, { source: "pi" }, DEFAULT_LIMITS)).toMatchObject({ error: expect.stringMatching(/^400 invalid_protobuf: .*not valid UTF-8/) });
    }
  });

  it("timestamps out of order, repeated, implausible or absent; metadata, exemplars, histograms", () => {
    const twoSamples = (a: number, b: number) =>
      encodeWriteRequest({ timeseries: [{ labels: [{ name: "__name__", value: "up" }], samples: [{ value: 1, timestamp: a }, { value: 1, timestamp: b }], exemplars: [], histograms: [] }], metadata: [] });
    declines(twoSamples(T0 + 1, T0));
    declines(twoSamples(T0, T0));
    declines(one({ timestamp: 1_700_000_000 }));
    declines(one({ timestamp: 0 }));
    declines(encodeWriteRequest({ timeseries: [], metadata: [{ type: 1, metricFamilyName: "up", help: "", unit: "" }] }));
    declines(encodeWriteRequest({ timeseries: [{ labels: [{ name: "__name__", value: "up" }], samples: [], exemplars: [{ labels: [{ name: "trace_id", value: "1" }], value: 1, timestamp: T0 }], histograms: [] }], metadata: [] }));
  });

  it("a non-minimal length varint (the encoder would shorten it)", () => {
    const bytes = one();
    const padded = new Uint8Array([bytes[0]!, bytes[1]! | 0x80, 0x00, ...bytes.subarray(2)]);
    expect(decodeWriteRequest(padded)).toEqual(decodeWriteRequest(bytes));
    declines(padded);
  });
});

describe("label-bytes.ts: the byte-level rules answer as their string counterparts", () => {
  const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const isUtf8 = (bytes: Uint8Array) => {
    try {
      strictUtf8.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };
  /** Bytes biased towards UTF-8 lead/continuation edges: C0-C2, E0, ED, F0, F4, F5, 80, 9F, A0, BF. */
  const edgyBytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf)), { maxLength: 12 })
    .map((bytes) => new Uint8Array(bytes));

  it("isUtf8At ≡ a fatal TextDecoder (what the codec uses)", () => {
    fc.assert(fc.property(edgyBytes, fc.nat(3), (bytes, offset) => {
      const padded = new Uint8Array([...new Array<number>(offset).fill(0x41), ...bytes, 0xff]);
      expect(isUtf8At(padded, offset, offset + bytes.length)).toBe(isUtf8(bytes));
    }), { numRuns: 20_000 });
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (text) => {
      const bytes = new TextEncoder().encode(text);
      expect(isUtf8At(bytes, 0, bytes.length)).toBe(true);
    }), { numRuns: 2_000 });
  });

  it("isLabelNameAt / isMetricNameAt ≡ the names.ts regular expressions", () => {
    const asciiName = fc.string({ unit: fc.constantFrom(..."aZ_:09-. é"), maxLength: 6 });
    fc.assert(fc.property(asciiName, (name) => {
      const bytes = new TextEncoder().encode(name);
      expect(isLabelNameAt(bytes, 0, bytes.length)).toBe(isValidLabelName(name));
      expect(isMetricNameAt(bytes, 0, bytes.length)).toBe(isValidMetricName(name));
    }), { numRuns: 5_000 });
  });
});

describe("splitEncodedEntries", () => {
  it("cuts where splitWriteRequest cuts, as views of the one buffer", () => {
    fc.assert(
      fc.property(canonicalRequest, fc.integer({ min: 20, max: 400 }), (request, max) => {
        const protobuf = encodeWriteRequest(request);
        const ends: number[] = [];
        let at = 0;
        for (const series of request.timeseries) ends.push((at += encodeWriteRequest({ timeseries: [series], metadata: [] }).length));
        const parts = splitEncodedEntries(protobuf, ends, max);
        let expected: string[] | undefined;
        try {
          expected = splitWriteRequest(request, max).map((part) => hex(encodeWriteRequest(part)));
        } catch {
          expected = undefined; // one sample with its labels over the limit: the reference refuses, the fast split declines
        }
        if (parts) expect(parts.map(hex)).toEqual(expected);
        else expect(ends.some((end, i) => end - (ends[i - 1] ?? 0) > max)).toBe(true);
        if (parts) for (const part of parts) expect(part.buffer).toBe(protobuf.buffer);
      }),
      { numRuns: 500 },
    );
  });

  it("an empty request has no parts", () => {
    expect(splitEncodedEntries(new Uint8Array(), [], 100)).toEqual([]);
  });
});

describe("snappy body forwarded as it came", () => {
  it("is only offered when the batch is unchanged", () => {
    const protobuf = encodeWriteRequest({ timeseries: [{ labels: [{ name: "__name__", value: "up" }, { name: "source", value: "pi" }], samples: [{ value: 1, timestamp: T0 }], exemplars: [], histograms: [] }], metadata: [] });
    expect(decompressSnappyBlock(compressSnappyBlock(protobuf), 1 << 20)).toEqual(new Uint8Array(protobuf));
    expect(fastIngest(protobuf, { source: "pi" }, DEFAULT_LIMITS)!.unchanged).toBe(true);
    expect(fastIngest(protobuf, { source: "other" }, DEFAULT_LIMITS)!.unchanged).toBe(false);
  });
});
