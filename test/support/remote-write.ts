/**
 * Remote-write 1.0 requests as a Prometheus agent sends them, for tests that push to the stack's ingest route or
 * straight to a Prometheus receiver: protobuf in a snappy block, with the three headers the spec requires.
 */
import { compressSnappyBlock, encodeWriteRequest, type WriteRequest } from "@ampgate/core/remote-write/index";

/** One series to write: its labels, `__name__` included, in any order. */
export interface SeriesSpec {
  labels: Record<string, string>;
  /** `[epoch ms, value]` */
  samples: Array<[number, number]>;
}

/** A WriteRequest of float samples, each series' labels sorted as the spec requires. */
export function writeRequest(series: readonly SeriesSpec[]): WriteRequest {
  return {
    timeseries: series.map((s) => ({
      labels: Object.keys(s.labels).sort().map((name) => ({ name, value: s.labels[name]! })),
      samples: s.samples.map(([timestamp, value]) => ({ timestamp, value })),
      exemplars: [],
      histograms: [],
    })),
    metadata: [],
  };
}

export const REMOTE_WRITE_HEADERS = {
  "content-type": "application/x-protobuf",
  "content-encoding": "snappy",
  "x-prometheus-remote-write-version": "0.1.0",
} as const;

export const remoteWriteBody = (request: WriteRequest): Uint8Array => compressSnappyBlock(encodeWriteRequest(request));

/** POST `request` (or an already encoded body) to a remote-write URL; `headers` add to or override the standard ones. */
export function postRemoteWrite(url: string, request: WriteRequest | Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { ...REMOTE_WRITE_HEADERS, ...headers },
    body: request instanceof Uint8Array ? request : remoteWriteBody(request),
  });
}
