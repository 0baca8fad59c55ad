/**
 * Remote Write 2.0 requests, built with protobufjs from the 2.0 schema (../../src/formats/proto/io/prometheus/
 * write/v2/types.proto) — an encoder independent of the hand-written decoder — must land as the same series as
 * the equivalent 1.0 request sent through the 1.0 codec.
 */
import { fileURLToPath } from "node:url";
import protobuf from "protobufjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { RequestError } from "../../src/errors";
import { remoteWriteFormat } from "../../src/formats/remote-write";
import { remoteWriteMessage } from "../../src/formats/remote-write-v2/remote-write-message";
import { compressSnappyBlock, encodeWriteRequest, validateWriteRequest } from "../../src/remote-write";
import { HistogramResetHint, MetricType, type Label, type TimeSeries, type WriteRequest } from "../../src/remote-write/types";
import { coreRequest, pushContext } from "./core-request";
import { seriesName } from "./series-table";

const V2_CONTENT_TYPE = "application/x-protobuf;proto=io.prometheus.write.v2.Request";
let V2Request: protobuf.Type;

beforeAll(async () => {
  const root = await protobuf.load(fileURLToPath(new URL("../../src/formats/proto/io/prometheus/write/v2/types.proto", import.meta.url)));
  V2Request = root.lookupType("io.prometheus.write.v2.Request");
});

const labels = (pairs: Record<string, string>): Label[] => Object.entries(pairs).map(([name, value]) => ({ name, value }));
const histogram = { sum: 18.4, schema: 1, zeroThreshold: 0.001, zeroCountInt: 2, countInt: 12, positiveSpans: [{ offset: 0, length: 2 }, { offset: 1, length: 2 }], positiveDeltas: [1, 1, -1, 0], negativeSpans: [{ offset: 0, length: 1 }], negativeDeltas: [1], timestamp: 1_700_000_000_000, resetHint: HistogramResetHint.NO };
const floatHistogram = { sum: 2.5, schema: 0, zeroThreshold: 0, zeroCountFloat: 0.5, countFloat: 3.5, positiveSpans: [{ offset: 1, length: 1 }], positiveCounts: [3], timestamp: 1_700_000_000_000, resetHint: HistogramResetHint.GAUGE };

/** The scenario as 1.0 series. */
function v1Scenario(): WriteRequest {
  const series = (l: Record<string, string>, extra: Partial<TimeSeries>): TimeSeries => ({ labels: labels(l), samples: [], histograms: [], exemplars: [], ...extra });
  const h = (x: object) => ({ negativeSpans: [], negativeDeltas: [], negativeCounts: [], positiveSpans: [], positiveDeltas: [], positiveCounts: [], customValues: [], ...x }) as never;
  return {
    timeseries: [
      series({ __name__: "http_requests_total", job: "api", code: "200" }, {
        samples: [{ value: 10, timestamp: 1_700_000_000_000 }, { value: 12, timestamp: 1_700_000_015_000 }],
        exemplars: [{ labels: labels({ trace_id: "abc123" }), value: 1, timestamp: 1_700_000_014_000 }],
      }),
      series({ __name__: "temperature", job: "api", room: "küche" }, {
        samples: [{ value: -0.5, timestamp: 1_700_000_000_000 }, { value: Infinity, timestamp: 1_700_000_001_000 }, { value: Number.NaN, timestamp: 1_700_000_002_000 }],
      }),
      series({ __name__: "latency_seconds", job: "api" }, { histograms: [h(histogram)] }),
      series({ __name__: "queue_seconds", job: "api" }, { histograms: [h(floatHistogram)] }),
    ],
    metadata: [
      { type: MetricType.COUNTER, metricFamilyName: "http_requests_total", help: "Requests.", unit: "" },
      { type: MetricType.HISTOGRAM, metricFamilyName: "latency_seconds", help: "", unit: "seconds" },
    ],
  };
}

/** The same scenario as a 2.0 request object for protobufjs, with an interned symbol table. */
function v2Scenario(options: { startTimestamps?: boolean } = {}) {
  const symbols = [""];
  const ref = (s: string) => {
    let i = symbols.indexOf(s);
    if (i < 0) i = symbols.push(s) - 1;
    return i;
  };
  const refs = (pairs: Record<string, string>) => Object.entries(pairs).sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([n, v]) => [ref(n), ref(v)]);
  const st = options.startTimestamps ? { startTimestamp: 1_699_999_000_000 } : {};
  const timeseries = [
    {
      labelsRefs: refs({ __name__: "http_requests_total", job: "api", code: "200" }),
      samples: [{ value: 10, timestamp: 1_700_000_000_000, ...st }, { value: 12, timestamp: 1_700_000_015_000, ...st }],
      exemplars: [{ labelsRefs: refs({ trace_id: "abc123" }), value: 1, timestamp: 1_700_000_014_000 }],
      metadata: { type: 1, helpRef: ref("Requests."), unitRef: 0 },
    },
    {
      labelsRefs: refs({ __name__: "temperature", job: "api", room: "küche" }),
      samples: [{ value: -0.5, timestamp: 1_700_000_000_000 }, { value: Infinity, timestamp: 1_700_000_001_000 }, { value: Number.NaN, timestamp: 1_700_000_002_000 }],
    },
    { labelsRefs: refs({ __name__: "latency_seconds", job: "api" }), histograms: [{ ...histogram, ...st }], metadata: { type: 3, helpRef: 0, unitRef: ref("seconds") } },
    { labelsRefs: refs({ __name__: "queue_seconds", job: "api" }), histograms: [floatHistogram] },
  ];
  return { symbols, timeseries };
}

const encodeV2 = (request: object) => V2Request.encode(V2Request.fromObject(request)).finish();

async function decode(protobufBody: Uint8Array, contentType: string) {
  return remoteWriteFormat.decode(
    coreRequest({ path: "/api/v1/write", headers: { "content-type": contentType, "content-encoding": "snappy" }, body: compressSnappyBlock(protobufBody) }),
    pushContext({ maxDecodedBytes: 32 * 1024 * 1024 }),
  );
}

const sorted = (request: WriteRequest) => ({
  timeseries: [...request.timeseries].sort((a, b) => (seriesName(a.labels) < seriesName(b.labels) ? -1 : 1)),
  metadata: [...request.metadata].sort((a, b) => (a.metricFamilyName < b.metricFamilyName ? -1 : 1)),
});

describe("Remote Write 2.0 → 1.0", () => {
  it("a 2.0 request lands as the same series, histograms, exemplars and metadata as the equivalent 1.0 request", async () => {
    const viaV1 = validateWriteRequest((await decode(encodeWriteRequest(v1Scenario()), "application/x-protobuf")).writeRequest);
    const viaV2 = validateWriteRequest((await decode(encodeV2(v2Scenario()), V2_CONTENT_TYPE)).writeRequest);
    expect(viaV2.timeseries).toHaveLength(4);
    expect(sorted(viaV2)).toEqual(sorted(viaV1));
  });

  it("start timestamps have no 1.0 field and are dropped; the samples are unchanged", async () => {
    const withStart = (await decode(encodeV2(v2Scenario({ startTimestamps: true })), V2_CONTENT_TYPE)).writeRequest;
    const without = (await decode(encodeV2(v2Scenario()), V2_CONTENT_TYPE)).writeRequest;
    expect(sorted(withStart)).toEqual(sorted(without));
  });

  it("keeps the stale-marker NaN bits of a 2.0 sample", async () => {
    const bytes = encodeV2({ symbols: ["", "__name__", "gone"], timeseries: [{ labelsRefs: [1, 2], samples: [{ value: Number.NaN, timestamp: 1_700_000_000_000 }] }] });
    // protobufjs writes a canonical NaN; overwrite it with Prometheus' stale marker 0x7ff0000000000002.
    const nan = Buffer.from(bytes).indexOf(Buffer.from([0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f]));
    expect(nan).toBeGreaterThan(0);
    bytes.set([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f], nan + 1);
    const [series] = (await decode(bytes, V2_CONTENT_TYPE)).writeRequest.timeseries;
    expect(series!.samples).toEqual([{ value: Number.NaN, timestamp: 1_700_000_000_000, stale: true }]);
  });

  it.each([
    ["symbols[0] not empty", { symbols: ["x", "__name__", "up"], timeseries: [{ labelsRefs: [1, 2] }] }, /symbols\[0\] must be the empty string/],
    ["reference out of range", { symbols: ["", "__name__"], timeseries: [{ labelsRefs: [1, 7] }] }, /timeseries\[0\]: symbol reference 7 is out of range \(the request has 2 symbols\)/],
    ["odd labels_refs", { symbols: ["", "__name__", "up"], timeseries: [{ labelsRefs: [1, 2, 1] }] }, /labels_refs has odd length 3/],
    ["exemplar reference out of range", { symbols: ["", "__name__", "up"], timeseries: [{ labelsRefs: [1, 2], samples: [{ value: 1, timestamp: 1 }], exemplars: [{ labelsRefs: [1, 9], value: 1, timestamp: 1 }] }] }, /timeseries\[0\] up exemplar 0: symbol reference 9/],
    ["samples and histograms in one series", { symbols: ["", "__name__", "up"], timeseries: [{ labelsRefs: [1, 2], samples: [{ value: 1, timestamp: 1 }], histograms: [{ countInt: 1, timestamp: 1 }] }] }, /carries samples or histograms, not both/],
  ])("400 for %s", async (_title, request, message) => {
    await expect(decode(encodeV2(request), V2_CONTENT_TYPE)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(message) });
  });

  it("400 naming the series, not the 1.0 message or an offset in our copy, when a sample's bytes are invalid", async () => {
    // Request { symbols: ["", "__name__", "up"], timeseries: [{ labels_refs: [1, 2], samples: [<wire type 7>] }] }
    const series = new protobuf.Writer().uint32((1 << 3) | 2).fork().uint32(1).uint32(2).ldelim().uint32((2 << 3) | 2).bytes(new Uint8Array([0x0f]));
    const body = new protobuf.Writer();
    for (const symbol of ["", "__name__", "up"]) body.uint32((4 << 3) | 2).string(symbol);
    body.uint32((5 << 3) | 2).bytes(series.finish());
    const error = (await decode(body.finish(), V2_CONTENT_TYPE).then(() => undefined, (e: unknown) => e)) as RequestError;
    expect(error).toMatchObject({ status: 400, reason: "invalid_protobuf" });
    expect(error.message).toMatch(/^timeseries\[0\] up: a sample or histogram is not valid protobuf: /);
    expect(error.message).not.toMatch(/prometheus\.WriteRequest|at byte/);
  });

  it("400 for bytes that are not a 2.0 request", async () => {
    await expect(decode(new Uint8Array([0x2a, 0x05, 0x01]), V2_CONTENT_TYPE)).rejects.toMatchObject({ status: 400, reason: "invalid_protobuf" });
  });

  it("415 for a native histogram with custom buckets, which 1.0 (and so AMP) cannot carry", async () => {
    const request = { symbols: ["", "__name__", "nhcb"], timeseries: [{ labelsRefs: [1, 2], histograms: [{ schema: -53, countInt: 1, customValues: [0.1, 1], positiveSpans: [{ offset: 0, length: 1 }], positiveDeltas: [1], timestamp: 1 }] }] };
    await expect(decode(encodeV2(request), V2_CONTENT_TYPE)).rejects.toMatchObject({
      status: 415,
      message: expect.stringMatching(/timeseries\[0\] nhcb: native histograms with custom buckets \(schema -53\) cannot be sent as Remote Write 1.0/),
    });
  });

  it("answers 2.0 with the *-Written headers and 1.0 with a bare 204", async () => {
    const decoded = await decode(encodeV2(v2Scenario()), V2_CONTENT_TYPE);
    const v2Request = coreRequest({ path: "/api/v1/write", headers: { "content-type": V2_CONTENT_TYPE } });
    const response = remoteWriteFormat.respond!({ request: v2Request, decoded, samplesWritten: 5, histogramsWritten: 2, exemplarsWritten: 1 });
    expect(response).toEqual({
      status: 204,
      body: "",
      headers: {
        "x-prometheus-remote-write-samples-written": "5",
        "x-prometheus-remote-write-histograms-written": "2",
        "x-prometheus-remote-write-exemplars-written": "1",
      },
    });
    const v1 = await decode(encodeWriteRequest(v1Scenario()), "application/x-protobuf");
    const v1Request = coreRequest({ path: "/api/v1/write", headers: { "content-type": "application/x-protobuf" } });
    expect(remoteWriteFormat.respond!({ request: v1Request, decoded: v1, samplesWritten: 5, histogramsWritten: 2, exemplarsWritten: 1 })).toEqual({ status: 204, headers: {}, body: "" });
  });
});

describe("content-type negotiation", () => {
  it.each([
    [undefined, "prometheus.WriteRequest"],
    ["application/x-protobuf", "prometheus.WriteRequest"],
    ["application/x-protobuf;proto=prometheus.WriteRequest", "prometheus.WriteRequest"],
    ["application/x-protobuf; proto=io.prometheus.write.v2.Request", "io.prometheus.write.v2.Request"],
    ['Application/X-Protobuf; charset=utf-8; proto="io.prometheus.write.v2.Request"', "io.prometheus.write.v2.Request"],
    ["text/plain; charset=utf-8", "prometheus.WriteRequest"],
  ])("%s → %s", (contentType, expected) => {
    expect(remoteWriteMessage(coreRequest({ headers: contentType ? { "content-type": contentType } : {} }))).toBe(expected);
  });

  it("415 for an unknown proto=", () => {
    expect(() => remoteWriteMessage(coreRequest({ headers: { "content-type": "application/x-protobuf;proto=io.prometheus.write.v3.Request" } }))).toThrow(
      expect.objectContaining({ status: 415, message: expect.stringMatching(/proto=io.prometheus.write.v3.Request is not supported/) }),
    );
  });
});
