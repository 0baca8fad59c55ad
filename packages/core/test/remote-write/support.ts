/** Shared test helpers for the remote-write unit tests: builders, an independent protobuf oracle, error capture. */
import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { RequestError } from "../../src/errors";
import type { Histogram, Label, TimeSeries, WriteRequest } from "../../src/remote-write/types";

/** 2023-11-14T22:13:20Z in ms: a plausible remote-write timestamp. */
export const T0 = 1_700_000_000_000;

export function labels(record: Record<string, string>): Label[] {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}

/** A series with labels in the given order (not sorted) and `[timestamp, value]` samples. */
export function series(record: Record<string, string>, samples: Array<[number, number]> = [[T0, 1]]): TimeSeries {
  return {
    labels: labels(record),
    samples: samples.map(([timestamp, value]) => ({ timestamp, value })),
    exemplars: [],
    histograms: [],
  };
}

export function request(...timeseries: TimeSeries[]): WriteRequest {
  return { timeseries, metadata: [] };
}

/** An integer native histogram as Prometheus sends it (schema 0, buckets via spans + deltas). */
export function intHistogram(timestamp: number): Histogram {
  return {
    countInt: 12, sum: 18.4, schema: 0, zeroThreshold: 1e-128, zeroCountInt: 2,
    negativeSpans: [{ offset: 0, length: 2 }], negativeDeltas: [2, -1], negativeCounts: [],
    positiveSpans: [{ offset: -1, length: 2 }, { offset: 3, length: 1 }], positiveDeltas: [3, 1, -2], positiveCounts: [],
    resetHint: 2, timestamp, customValues: [],
  };
}

/** A float native histogram (counts instead of deltas). */
export function floatHistogram(timestamp: number): Histogram {
  return {
    countFloat: 7.5, sum: -3.25, schema: 3, zeroThreshold: 0.001, zeroCountFloat: 0.5,
    negativeSpans: [], negativeDeltas: [], negativeCounts: [],
    positiveSpans: [{ offset: 2, length: 3 }], positiveDeltas: [], positiveCounts: [1.5, 4, 1.5],
    resetHint: 3, timestamp, customValues: [],
  };
}

/** Runs `fn` and returns the RequestError it threw; fails the test on success or on any other error. */
export function catchRequestError(fn: () => unknown): RequestError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RequestError) return error;
    throw error;
  }
  throw new Error("expected a RequestError, but nothing was thrown");
}

/** Bit pattern of a float64 held in 8 little-endian bytes, as "0x7ff0000000000002". */
export function float64Bits(bytes: Uint8Array, offset: number): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 8);
  const hex = (word: number) => word.toString(16).padStart(8, "0");
  return `0x${hex(view.getUint32(4, true))}${hex(view.getUint32(0, true))}`;
}

/**
 * A label-less one-sample series encodes as `0a L 12 L 09 <8 value bytes> …`: the value's bits are at byte 5.
 */
export const SAMPLE_VALUE_OFFSET = 5;

/**
 * protobufjs *reflection* built from the .proto schema: an independent implementation of the same wire format
 * (the slow path our hand-written codec replaces), used to cross-check it.
 */
export const reflectionWriteRequest = protobuf
  .parse(readFileSync(new URL("../../../../test/fixtures/remote-write/prometheus-remote.proto", import.meta.url), "utf8"))
  .root.lookupType("prometheus.WriteRequest");

export function reflectionEncode(request: WriteRequest): Uint8Array {
  return reflectionWriteRequest.encode(reflectionWriteRequest.fromObject(request)).finish();
}

export function reflectionDecode(bytes: Uint8Array): Record<string, unknown> {
  return reflectionWriteRequest.toObject(reflectionWriteRequest.decode(bytes), {
    longs: Number, enums: Number, defaults: true, arrays: true,
  });
}
