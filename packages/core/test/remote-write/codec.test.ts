import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { decodeWriteRequest, encodeWriteRequest } from "../../src/remote-write/codec";
import { writeRequestSize } from "../../src/remote-write/encoded-size";
import type { Sample, WriteRequest } from "../../src/remote-write/types";
import {
  catchRequestError, float64Bits, floatHistogram, intHistogram, labels, reflectionDecode, reflectionEncode,
  SAMPLE_VALUE_OFFSET, T0,
} from "./support";

const { Writer } = protobuf;

/** A request exercising every message and field of the schema. */
function everything(): WriteRequest {
  return {
    timeseries: [
      {
        labels: labels({ __name__: "http_requests_total", code: "200", path: "/api/ü/\"q\"" }),
        samples: [{ value: 1, timestamp: T0 }, { value: 2.5, timestamp: T0 + 15_000 }],
        exemplars: [{ labels: labels({ trace_id: "4bf92f3577b34da6" }), value: 0.42, timestamp: T0 + 1 }],
        histograms: [],
      },
      {
        labels: labels({ __name__: "rpc_latency_seconds" }),
        samples: [],
        exemplars: [],
        histograms: [intHistogram(T0), floatHistogram(T0 + 15_000)],
      },
    ],
    metadata: [
      { type: 1, metricFamilyName: "http_requests_total", help: "Requests served.", unit: "" },
      { type: 4, metricFamilyName: "rpc_latency_seconds", help: "", unit: "seconds" },
    ],
  };
}

function oneSample(sample: Sample): WriteRequest {
  return { timeseries: [{ labels: [], samples: [sample], exemplars: [], histograms: [] }], metadata: [] };
}

describe("encodeWriteRequest / decodeWriteRequest", () => {
  it("round-trips labels, samples, exemplars, integer and float native histograms and metadata", () => {
    const original = everything();
    const bytes = encodeWriteRequest(original);
    expect(decodeWriteRequest(bytes)).toEqual(original);
    expect(writeRequestSize(original)).toBe(bytes.length);
  });

  it("agrees with protobufjs reflection built from the .proto schema, in both directions", () => {
    const original = everything();
    const ours = encodeWriteRequest(original);
    const decodedByReflection = reflectionDecode(ours) as { timeseries: Array<{ histograms: Array<Record<string, unknown>> }> };
    expect(decodedByReflection.timeseries[1]!.histograms[0]).toMatchObject({ countInt: 12, zeroCountInt: 2, positiveDeltas: [3, 1, -2] });
    expect(decodedByReflection.timeseries[1]!.histograms[1]).toMatchObject({ countFloat: 7.5, positiveCounts: [1.5, 4, 1.5] });
    expect(decodeWriteRequest(reflectionEncode(original))).toEqual(original);
    // same fields, same order, same packing: byte-identical to the reference encoder
    expect(Buffer.from(ours).equals(Buffer.from(reflectionEncode(original)))).toBe(true);
  });

  it("accepts a Node Buffer (what Lambda hands over) exactly like a Uint8Array", () => {
    const bytes = encodeWriteRequest(everything());
    expect(decodeWriteRequest(Buffer.from(bytes))).toEqual(decodeWriteRequest(new Uint8Array(bytes)));
  });

  it("writes a stale marker with Prometheus' exact bits 0x7ff0000000000002 and reads it back as stale", () => {
    const bytes = encodeWriteRequest(oneSample({ value: Number.NaN, timestamp: T0, stale: true }));
    expect(bytes[SAMPLE_VALUE_OFFSET - 1]).toBe(0x09);
    expect(float64Bits(bytes, SAMPLE_VALUE_OFFSET)).toBe("0x7ff0000000000002");
    const decoded = decodeWriteRequest(bytes).timeseries[0]!.samples[0]!;
    expect(decoded.stale).toBe(true);
    expect(decoded.value).toBeNaN();
    expect(float64Bits(encodeWriteRequest(oneSample(decoded)), SAMPLE_VALUE_OFFSET)).toBe("0x7ff0000000000002");
  });

  it("keeps the stale bits even after the number went through a double array (V8 canonicalises NaN payloads)", () => {
    const staleBytes = new Uint8Array([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);
    const staleNumber = new DataView(staleBytes.buffer).getFloat64(0, true);
    const doubles = [staleNumber, 0.5]; // a PACKED_DOUBLE_ELEMENTS array
    const sample = { value: doubles[0]!, timestamp: T0, stale: true };
    expect(float64Bits(encodeWriteRequest(oneSample(sample)), SAMPLE_VALUE_OFFSET)).toBe("0x7ff0000000000002");
  });

  it("keeps a plain NaN plain: decoded without the stale flag, written as Prometheus' NaN 0x7ff8000000000001", () => {
    for (const bits of ["0x7ff8000000000001", "0x7ff8000000000000", "0xfff8000000000000"]) {
      const bytes = encodeWriteRequest(oneSample({ value: 1, timestamp: T0 }));
      const view = new DataView(bytes.buffer, bytes.byteOffset + SAMPLE_VALUE_OFFSET, 8);
      view.setBigUint64(0, BigInt(bits), true);
      const decoded = decodeWriteRequest(bytes).timeseries[0]!.samples[0]!;
      expect(decoded.value).toBeNaN();
      expect(decoded.stale).toBeUndefined();
      expect(float64Bits(encodeWriteRequest(oneSample(decoded)), SAMPLE_VALUE_OFFSET)).toBe("0x7ff8000000000001");
    }
  });

  it("marks a native histogram whose sum is the stale NaN as stale and writes the bits back", () => {
    const stale = { ...intHistogram(T0), sum: Number.NaN, stale: true };
    const request: WriteRequest = { timeseries: [{ labels: [], samples: [], exemplars: [], histograms: [stale] }], metadata: [] };
    const bytes = encodeWriteRequest(request);
    const sumAt = Buffer.from(bytes).indexOf(Buffer.from([0x19, 0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f])); // tag 3<<3|1, then the bits
    expect(sumAt).toBeGreaterThan(0);
    expect(decodeWriteRequest(bytes).timeseries[0]!.histograms[0]).toEqual(stale);
  });

  it("round-trips ±Inf, -0, extreme floats and negative, zero and ±(2^53−1) timestamps", () => {
    const samples: Sample[] = [
      { value: Number.POSITIVE_INFINITY, timestamp: -1 },
      { value: Number.NEGATIVE_INFINITY, timestamp: -T0 },
      { value: -0, timestamp: 0 },
      { value: Number.MIN_VALUE, timestamp: Number.MAX_SAFE_INTEGER },
      { value: -Number.MAX_VALUE, timestamp: Number.MIN_SAFE_INTEGER },
    ];
    const request: WriteRequest = { timeseries: [{ labels: [], samples, exemplars: [], histograms: [] }], metadata: [] };
    const decoded = decodeWriteRequest(encodeWriteRequest(request)).timeseries[0]!.samples;
    expect(decoded).toEqual(samples);
    expect(Object.is(decoded[2]!.value, -0)).toBe(true);
    expect(float64Bits(encodeWriteRequest(oneSample({ value: -0, timestamp: T0 })), SAMPLE_VALUE_OFFSET)).toBe("0x8000000000000000");
  });

  it("omits proto3 zero values like Prometheus, and defaults absent value and timestamp to 0", () => {
    const bytes = encodeWriteRequest(oneSample({ value: 0, timestamp: 0 }));
    expect([...bytes]).toEqual([0x0a, 0x02, 0x12, 0x00]);
    expect(decodeWriteRequest(bytes).timeseries[0]!.samples).toEqual([{ value: 0, timestamp: 0 }]);
    expect(decodeWriteRequest(new Uint8Array([0x0a, 0x02, 0x0a, 0x00])).timeseries[0]!.labels).toEqual([{ name: "", value: "" }]);
  });

  it("decodes an empty body as an empty request (Prometheus' metadata-only sends can have no series)", () => {
    expect(decodeWriteRequest(new Uint8Array())).toEqual({ timeseries: [], metadata: [] });
  });

  it("skips unknown fields of every wire type at every level", () => {
    const unknown = (w: protobuf.Writer) => {
      w.uint32((90 << 3) | 0).uint64(123456789);           // varint
      w.uint32((91 << 3) | 1).fixed64(42);                  // fixed64
      w.uint32((92 << 3) | 2).string("future field");       // length-delimited
      w.uint32((93 << 3) | 5).fixed32(7);                   // fixed32
      w.uint32((94 << 3) | 3).uint32((1 << 3) | 0).uint32(5).uint32((94 << 3) | 4); // group (deprecated) with a varint inside
    };
    const w = Writer.create();
    unknown(w);
    w.uint32(0x0a).fork();                                             // timeseries
    w.uint32(0x0a).fork(); unknown(w); w.uint32(0x0a).string("__name__"); w.uint32(0x12).string("up"); w.ldelim();
    w.uint32(0x12).fork(); w.uint32(0x09).double(1); unknown(w); w.uint32(0x10).int64(T0); w.ldelim();
    w.uint32(0x1a).fork(); unknown(w); w.uint32(0x11).double(3); w.ldelim();
    w.uint32(0x22).fork(); w.uint32(0x08).uint64(4); unknown(w);
    w.uint32(0x5a).fork(); unknown(w); w.uint32(0x10).uint32(1); w.ldelim(); // positive span
    w.uint32(0x62).fork().sint64(4).ldelim(); w.ldelim();              // packed positive delta
    unknown(w);
    w.ldelim();
    w.uint32((2 << 3) | 2).string("reserved Cortex source field");
    w.uint32(0x1a).fork(); w.uint32(0x08).int32(2); unknown(w); w.uint32(0x12).string("up"); w.ldelim();
    const decoded = decodeWriteRequest(w.finish());
    expect(decoded.timeseries).toEqual([{
      labels: [{ name: "__name__", value: "up" }],
      samples: [{ value: 1, timestamp: T0 }],
      exemplars: [{ labels: [], value: 3, timestamp: 0 }],
      histograms: [{
        ...intHistogram(0), countInt: 4, sum: 0, zeroThreshold: 0, zeroCountInt: undefined, negativeSpans: [], negativeDeltas: [],
        positiveSpans: [{ offset: 0, length: 1 }], positiveDeltas: [4], resetHint: 0,
      }],
    }]);
    expect(decoded.metadata).toEqual([{ type: 2, metricFamilyName: "up", help: "", unit: "" }]);
  });

  it("accepts repeated fields interleaved and in any order, metadata before series", () => {
    const w = Writer.create();
    w.uint32(0x1a).fork().uint32(0x12).string("a").ldelim();          // metadata first
    w.uint32(0x0a).fork();
    w.uint32(0x12).fork().uint32(0x10).int64(T0).uint32(0x09).double(1).ldelim();       // sample, fields reversed
    w.uint32(0x0a).fork().uint32(0x12).string("v").uint32(0x0a).string("b").ldelim();   // label, fields reversed
    w.uint32(0x12).fork().uint32(0x09).double(2).uint32(0x10).int64(T0 + 1).ldelim();
    w.uint32(0x0a).fork().uint32(0x0a).string("__name__").uint32(0x12).string("a").ldelim();
    w.ldelim();
    w.uint32(0x1a).fork().uint32(0x12).string("b").ldelim();          // metadata again after the series
    const decoded = decodeWriteRequest(w.finish());
    expect(decoded.timeseries[0]!.labels).toEqual(labels({ b: "v", __name__: "a" }));
    expect(decoded.timeseries[0]!.samples).toEqual([{ value: 1, timestamp: T0 }, { value: 2, timestamp: T0 + 1 }]);
    expect(decoded.metadata.map((m) => m.metricFamilyName)).toEqual(["a", "b"]);
  });

  it("accepts unpacked repeated scalars, and lets the last member of a oneof win", () => {
    const w = Writer.create();
    w.uint32(0x0a).fork().uint32(0x22).fork();
    w.uint32((1 << 3) | 0).uint64(5);                      // count_int …
    w.uint32((2 << 3) | 1).double(5.5);                    // … replaced by count_float
    w.uint32((12 << 3) | 0).sint64(-3).uint32((12 << 3) | 0).sint64(7); // unpacked positive_deltas
    w.uint32((13 << 3) | 1).double(1.25);                  // unpacked positive_counts
    w.uint32((13 << 3) | 2).fork().double(2).double(3).ldelim(); // then packed, appended
    w.ldelim().ldelim();
    const h = decodeWriteRequest(w.finish()).timeseries[0]!.histograms[0]!;
    expect(h.countFloat).toBe(5.5);
    expect(h.countInt).toBeUndefined();
    expect(h.positiveDeltas).toEqual([-3, 7]);
    expect(h.positiveCounts).toEqual([1.25, 2, 3]);
  });

  it("lets the last of repeated Sample.value / Histogram.sum fields decide whether it is a stale marker", () => {
    const stale = (w: protobuf.Writer) => w.fixed32(0x00000002).fixed32(0x7ff00000);
    const series = (sampleValues: (w: protobuf.Writer) => void, sumValues: (w: protobuf.Writer) => void) => {
      const w = Writer.create();
      w.uint32(0x0a).fork();
      w.uint32(0x12).fork(); sampleValues(w); w.uint32(0x10).int64(T0).ldelim();      // Sample
      w.uint32(0x22).fork(); sumValues(w); w.uint32((15 << 3) | 0).int64(T0).ldelim(); // Histogram
      w.ldelim();
      const decoded = decodeWriteRequest(w.finish()).timeseries[0]!;
      return { sample: decoded.samples[0]!, histogram: decoded.histograms[0]! };
    };
    const staleThenPlain = series(
      (w) => { stale(w.uint32(0x09)); w.uint32(0x09).double(1.5); },
      (w) => { stale(w.uint32((3 << 3) | 1)); w.uint32((3 << 3) | 1).double(2.5); },
    );
    expect(staleThenPlain.sample).toEqual({ value: 1.5, timestamp: T0 });
    expect(staleThenPlain.histogram.sum).toBe(2.5);
    expect(staleThenPlain.histogram.stale).toBeUndefined();
    const plainThenStale = series(
      (w) => { stale(w.uint32(0x09).double(1.5).uint32(0x09)); },
      (w) => { stale(w.uint32((3 << 3) | 1).double(2.5).uint32((3 << 3) | 1)); },
    );
    expect(plainThenStale.sample.stale).toBe(true);
    expect(plainThenStale.sample.value).toBeNaN();
    expect(plainThenStale.histogram.stale).toBe(true);
    expect(plainThenStale.histogram.sum).toBeNaN();
  });
});

describe("decodeWriteRequest rejects malformed input with 400 invalid_protobuf naming the byte offset", () => {
  it("fails cleanly on every truncation of a valid body", () => {
    const bytes = encodeWriteRequest(everything());
    let rejected = 0;
    for (let length = 1; length < bytes.length; length++) {
      try {
        decodeWriteRequest(bytes.subarray(0, length));
      } catch (error) {
        const e = catchRequestError(() => { throw error; });
        expect(e.status).toBe(400);
        expect(e.reason).toBe("invalid_protobuf");
        expect(e.message).toMatch(new RegExp(`at byte \\d+ of ${length}\\)$`));
        rejected++;
      }
    }
    // only cuts at a top-level entry boundary are complete messages
    expect(rejected).toBeGreaterThan(bytes.length - 6);
  });

  it("names what was cut off and where", () => {
    const bytes = encodeWriteRequest({ timeseries: [{ labels: labels({ __name__: "up" }), samples: [], exemplars: [], histograms: [] }], metadata: [] });
    const e = catchRequestError(() => decodeWriteRequest(bytes.subarray(0, bytes.length - 1)));
    expect(e.message).toBe(
      "body is not a valid prometheus.WriteRequest: WriteRequest.timeseries is 16 bytes long but only 15 remain (truncated?) (at byte 1 of 17)",
    );
  });

  it("rejects a length that escapes its parent message even when the body has bytes left", () => {
    // TimeSeries of 4 bytes whose Label claims 10 bytes; the metadata after it would otherwise be read as label bytes
    const bytes = new Uint8Array([0x0a, 0x04, 0x0a, 0x0a, 0x0a, 0x01, 0x1a, 0x06, 0x12, 0x04, 0x61, 0x62, 0x63, 0x64]);
    const e = catchRequestError(() => decodeWriteRequest(bytes));
    expect(e.reason).toBe("invalid_protobuf");
    expect(e.message).toContain("TimeSeries.labels is 10 bytes long but only 2 remain");
  });

  it("rejects invalid UTF-8 in a label instead of silently renaming the series", () => {
    const bytes = new Uint8Array([0x0a, 0x06, 0x0a, 0x04, 0x0a, 0x02, 0xc3, 0x28]);
    const e = catchRequestError(() => decodeWriteRequest(bytes));
    expect(e.reason).toBe("invalid_protobuf");
    expect(e.message).toContain("Label.name is not valid UTF-8 (at byte 5 of 8)");
  });

  it("rejects a known field with the wrong wire type, field number 0 and bad wire types", () => {
    expect(catchRequestError(() => decodeWriteRequest(new Uint8Array([0x08, 0x01]))).message)
      .toContain("WriteRequest.timeseries has wire type 0, expected 2");
    expect(catchRequestError(() => decodeWriteRequest(new Uint8Array([0x02, 0x00]))).message).toContain("field number 0");
    expect(catchRequestError(() => decodeWriteRequest(new Uint8Array([0x0f]))).reason).toBe("invalid_protobuf"); // wire type 7
    expect(catchRequestError(() => decodeWriteRequest(new Uint8Array([0x0c]))).reason).toBe("invalid_protobuf"); // stray end-group
  });

  it("rejects int64 timestamps beyond ±2^53 with 400 timestamp_out_of_range, and says they look like nanoseconds", () => {
    const w = Writer.create();
    w.uint32(0x0a).fork().uint32(0x12).fork().uint32(0x10).int64("1700000000000000000").ldelim().ldelim();
    const e = catchRequestError(() => decodeWriteRequest(w.finish()));
    expect(e.status).toBe(400);
    expect(e.reason).toBe("timestamp_out_of_range");
    expect(e.message).toContain("Sample.timestamp 1700000000000000000 at byte 5 is outside ±2^53");
    expect(e.message).toContain("looks like nanoseconds");
    const negative = Writer.create();
    negative.uint32(0x0a).fork().uint32(0x12).fork().uint32(0x10).int64("-9007199254740993").ldelim().ldelim();
    expect(catchRequestError(() => decodeWriteRequest(negative.finish())).reason).toBe("timestamp_out_of_range");
  });
});
