/**
 * snappy-splice.ts: every spliced part must decompress (through the guarded decoder) to exactly the part of
 * the fast path's output — for bodies compressed by snappyjs and by a randomised test encoder that uses every
 * element form (long literals, all three copy forms, overlapping run-length copies, far and near distances) —
 * and stay about as small as compressing the output afresh.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeWriteRequest } from "../../src/remote-write/codec";
import { fastIngest } from "../../src/remote-write/fast-ingest";
import { remoteWriteLimits } from "../../src/remote-write/limits";
import { compressSnappyBlock, decompressSnappyBlock } from "../../src/remote-write/snappy";
import { SnappySplicer } from "../../src/remote-write/snappy-splice";
import { splitEncodedEntries } from "../../src/remote-write/split-encoded";
import type { TimeSeries, WriteRequest } from "../../src/remote-write/types";
import { encodeVarint, randomSnappy, seededRandom } from "./random-snappy";
import { T0 } from "./support";

/** Telegraf-like series with shared label runs, so copies abound; `source` sometimes set by the sender. */
function telegrafLike(seriesCount: number, withSource: (i: number) => boolean): WriteRequest {
  const timeseries: TimeSeries[] = Array.from({ length: seriesCount }, (_, i) => ({
    labels: [
      { name: "__name__", value: ["cpu_usage_idle", "mem_used_percent", "disk_free"][i % 3]! },
      { name: "cpu", value: `cpu${i % 4}` },
      { name: "host", value: `node-${String(i >> 3).padStart(4, "0")}.example` },
      ...(withSource(i) ? [{ name: "source", value: i % 2 ? "spoofed" : "pi" }] : []),
      { name: "zone", value: ["a", "b", "c"][i % 3]! },
    ],
    samples: [{ value: i % 7 === 0 ? 0 : 97.5 - i / 1000, timestamp: T0 + (i % 5) }],
    exemplars: [],
    histograms: [],
  }));
  return { timeseries, metadata: [] };
}

function expectSplicedPartsDecodeExactly(body: Uint8Array, labels: Record<string, string>, maxRequestBytes: number): void {
  const protobuf = decompressSnappyBlock(body, 1 << 26);
  const batch = fastIngest(protobuf, labels, remoteWriteLimits())!;
  expect(batch).toBeDefined();
  const splicer = SnappySplicer.create(body, batch)!;
  expect(splicer).toBeDefined();
  const parts = splitEncodedEntries(batch.protobuf, batch.entryEnds, maxRequestBytes) ?? [batch.protobuf];
  for (const part of parts) {
    const start = part.byteOffset - batch.protobuf.byteOffset;
    const spliced = splicer.compress(start, start + part.length)!;
    expect(spliced).toBeDefined();
    expect(Buffer.from(decompressSnappyBlock(spliced, 1 << 26)).equals(Buffer.from(part))).toBe(true);
  }
}

describe("SnappySplicer", () => {
  it("spliced parts decompress to exactly the output, for snappyjs bodies (token labels inserted, replaced, kept)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(1_000_000, 5_000, 700),
        fc.constantFrom<Record<string, string>>({ source: "pi" }, { a: "1", source: "pi" }, { zz: "last" }, {}),
        (seriesCount, sourceEvery, maxRequestBytes, labels) => {
          const body = compressSnappyBlock(encodeWriteRequest(telegrafLike(seriesCount, (i) => sourceEvery > 0 && i % sourceEvery === 0)));
          expectSplicedPartsDecodeExactly(body, labels, maxRequestBytes);
        }),
      { numRuns: 150 },
    );
  });

  it("…and for bodies using every element form: literals up to 400 bytes, 1/2/4-byte-offset copies, run-length, far distances", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1500 }), fc.integer(), fc.constantFrom(1_000_000, 9_000, 900), (seriesCount, seed, maxRequestBytes) => {
        const body = randomSnappy(encodeWriteRequest(telegrafLike(seriesCount, (i) => i % 5 === 0)), seededRandom(seed));
        expectSplicedPartsDecodeExactly(body, { source: "pi" }, maxRequestBytes);
      }),
      { numRuns: 120 },
    );
  });

  it("is about as small as compressing the output afresh", () => {
    const body = compressSnappyBlock(encodeWriteRequest(telegrafLike(5_000, () => false)));
    const batch = fastIngest(decompressSnappyBlock(body, 1 << 26), { source: "pi-livingroom" }, remoteWriteLimits())!;
    const spliced = SnappySplicer.create(body, batch)!.compress(0, batch.protobuf.length)!;
    expect(spliced.length / compressSnappyBlock(batch.protobuf).length).toBeLessThan(1.15);
  });

  it("refuses a body that does not cover the runs it is given (the caller then compresses afresh)", () => {
    const protobuf = encodeWriteRequest(telegrafLike(10, () => false));
    const batch = fastIngest(protobuf, { source: "pi" }, remoteWriteLimits())!;
    const shorter = compressSnappyBlock(protobuf.subarray(0, protobuf.length - 5));
    expect(SnappySplicer.create(shorter, batch)).toBeUndefined();
    expect(SnappySplicer.create(new Uint8Array([0x80]), batch)).toBeUndefined();
    // a preamble that claims enough, over a stream that ends early
    const lying = new Uint8Array([...encodeVarint(protobuf.length), ...compressSnappyBlock(protobuf.subarray(0, 50)).subarray(1)]);
    expect(SnappySplicer.create(lying, batch)!.compress(0, batch.protobuf.length)).toBeUndefined();
  });
});
