/** Small WriteRequests for AMP client tests, and reading back what a fake or real AMP received. */
import { decodeWriteRequest } from "../../src/remote-write/codec";
import { decompressSnappyBlock } from "../../src/remote-write/snappy";
import type { TimeSeries, WriteRequest } from "../../src/remote-write/types";

export function gaugeSeries(name: string, samples: Array<[timestamp: number, value: number]>, labels: Record<string, string> = {}): TimeSeries {
  const all = { __name__: name, ...labels };
  return {
    labels: Object.keys(all).sort().map((key) => ({ name: key, value: all[key as keyof typeof all]! })),
    samples: samples.map(([timestamp, value]) => ({ timestamp, value })),
    exemplars: [],
    histograms: [],
  };
}

/** `seriesCount` series of `samplesPerSeries` samples each, one second apart from `start`. */
export function batch(seriesCount: number, samplesPerSeries: number, start = 1_768_478_400_000): WriteRequest {
  const timeseries = Array.from({ length: seriesCount }, (_, s) =>
    gaugeSeries("ampgate_test_power_watts", Array.from({ length: samplesPerSeries }, (_, i) => [start + i * 1000, s * 1000 + i]), {
      device: `plug-${String(s).padStart(4, "0")}`,
    }),
  );
  return { timeseries, metadata: [] };
}

/** The WriteRequest inside a remote-write body (snappy block of protobuf). */
export function decodeBody(body: Uint8Array): WriteRequest {
  return decodeWriteRequest(decompressSnappyBlock(body, 64 * 1024 * 1024));
}

export function sampleCount(request: WriteRequest): number {
  return request.timeseries.reduce((sum, series) => sum + series.samples.length, 0);
}

/** `device` label → timestamps received, in arrival order, across bodies. */
export function timestampsByDevice(bodies: Uint8Array[]): Map<string, number[]> {
  const seen = new Map<string, number[]>();
  for (const body of bodies) {
    for (const series of decodeBody(body).timeseries) {
      const device = series.labels.find((label) => label.name === "device")?.value ?? "";
      seen.set(device, [...(seen.get(device) ?? []), ...series.samples.map((sample) => sample.timestamp)]);
    }
  }
  return seen;
}
