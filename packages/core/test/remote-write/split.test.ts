import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/errors";
import { encodeWriteRequest } from "../../src/remote-write/codec";
import { splitWriteRequest } from "../../src/remote-write/split";
import type { TimeSeries, WriteRequest } from "../../src/remote-write/types";
import { writeRequest } from "./arbitraries";
import { catchRequestError, floatHistogram, intHistogram, labels, request, series, T0 } from "./support";

/** Every sample, histogram, exemplar and metadata entry in send order, tagged with the series it belongs to. */
function sendOrder(parts: WriteRequest[], originals: TimeSeries[]): unknown[] {
  const seriesIndex = new Map(originals.map((s, i) => [s.labels, i]));
  const items: unknown[] = [];
  for (const part of parts) {
    for (const s of part.timeseries) {
      const i = seriesIndex.get(s.labels);
      items.push(...s.samples.map((x) => [i, x]), ...s.histograms.map((x) => [i, x]), ...s.exemplars.map((x) => [i, x]));
    }
  }
  for (const part of parts) items.push(...part.metadata);
  return items;
}

function expectPartsWithin(parts: WriteRequest[], max: number): void {
  for (const part of parts) expect(encodeWriteRequest(part).length).toBeLessThanOrEqual(max);
}

describe("splitWriteRequest", () => {
  it("returns a request that fits as-is, and nothing for an empty one", () => {
    const r = request(series({ __name__: "up" }));
    expect(splitWriteRequest(r, 1_000_000)).toEqual([r]);
    expect(splitWriteRequest(r, 1_000_000)[0]).toBe(r);
    expect(splitWriteRequest({ timeseries: [], metadata: [] }, 100)).toEqual([]);
  });

  it("packs series into parts under the limit, in order, metadata included", () => {
    const r = request(...Array.from({ length: 50 }, (_, i) => series({ __name__: "temp", sensor: `s${i}` }, [[T0, i], [T0 + 1000, i]])));
    r.metadata.push({ type: 2, metricFamilyName: "temp", help: "Temperature.", unit: "celsius" });
    const max = 500;
    const parts = splitWriteRequest(r, max);
    expect(parts.length).toBeGreaterThan(1);
    expectPartsWithin(parts, max);
    expect(parts.flatMap((p) => p.timeseries)).toEqual(r.timeseries);
    expect(parts.flatMap((p) => p.metadata)).toEqual(r.metadata);
    // greedy packing: no part could have taken the first entry of the next one
    for (let i = 0; i + 1 < parts.length; i++) {
      const merged = { timeseries: [...parts[i]!.timeseries, ...parts[i + 1]!.timeseries.slice(0, 1)], metadata: [] };
      if (parts[i + 1]!.timeseries.length > 0) expect(encodeWriteRequest(merged).length).toBeGreaterThan(max);
    }
  });

  it("cuts a series larger than the limit between samples, keeping timestamp order across parts", () => {
    const big = series({ __name__: "power_watts", device: "plug-1" }, Array.from({ length: 1000 }, (_, i): [number, number] => [T0 + i * 1000, i]));
    big.histograms.push(intHistogram(T0 + 2_000_000), floatHistogram(T0 + 2_001_000));
    big.exemplars.push({ labels: labels({ trace_id: "abc" }), value: 1, timestamp: T0 });
    const before = series({ __name__: "up" });
    const r = request(before, big);
    const max = 2048;
    const parts = splitWriteRequest(r, max);
    expectPartsWithin(parts, max);
    const pieces = parts.flatMap((p) => p.timeseries).filter((s) => s !== before);
    expect(pieces.length).toBeGreaterThan(5);
    for (const piece of pieces) expect(piece.labels).toEqual(big.labels);
    expect(pieces.flatMap((s) => s.samples)).toEqual(big.samples);
    expect(pieces.flatMap((s) => s.histograms)).toEqual(big.histograms);
    expect(pieces.flatMap((s) => s.exemplars)).toEqual(big.exemplars);
    expect(parts[0]!.timeseries[0]).toBe(before);
    expect(parts[0]!.timeseries[1]!.samples.length).toBeGreaterThan(0); // the first piece filled the first part
  });

  it("answers 413 when one sample with its labels cannot fit, naming the series", () => {
    const r = request(series({ __name__: "up", note: "x".repeat(300) }));
    const e = catchRequestError(() => splitWriteRequest(r, 200));
    expect([e.status, e.reason]).toEqual([413, "series_too_large"]);
    expect(e.message).toMatch(/^timeseries\[0\] up\{note="x+…\}: one sample with the series' labels encodes to 349 bytes, more than the 200-byte request limit$/);
  });

  it("answers 413 for a metadata entry larger than the limit", () => {
    const r: WriteRequest = { timeseries: [], metadata: [{ type: 1, metricFamilyName: "up", help: "h".repeat(300), unit: "" }] };
    const e = catchRequestError(() => splitWriteRequest(r, 200));
    expect([e.status, e.reason]).toEqual([413, "metadata_too_large"]);
    expect(e.message).toContain('metadata[0] "up" encodes to');
  });

  it("for random requests and limits: every part fits and the send order is the original order", () => {
    fc.assert(
      fc.property(writeRequest, fc.integer({ min: 16, max: 600 }), (r, max) => {
        let parts: WriteRequest[];
        try {
          parts = splitWriteRequest(r, max);
        } catch (error) {
          if (error instanceof RequestError && error.status === 413) return; // a single entry larger than max
          throw error;
        }
        expectPartsWithin(parts, max);
        expect(sendOrder(parts, r.timeseries)).toEqual(sendOrder([r], r.timeseries));
      }),
      { numRuns: 400 },
    );
  });
});
