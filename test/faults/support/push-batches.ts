/**
 * Push batches with known contents for the fault and load suites: remote-write (snappy protobuf) and Influx line
 * protocol, each sample's series, timestamp and value recorded so that what lands can be counted against it.
 */
import { compressSnappyBlock, encodeWriteRequest, type WriteRequest } from "@ampgate/core/remote-write/index";
import { seriesKey, type PushBatch, type SentSample } from "./retrying-sender";

export interface SeriesSpec {
  name: string;
  /** Labels besides `__name__`; sorted on the wire as the spec requires. */
  labels: Record<string, string>;
}

/** A remote-write batch: `samples[i]` are the (timestamp, value) pairs of `series[i]`, timestamps ascending. */
export function remoteWriteBatch(
  id: string,
  ingestUrl: string,
  token: string,
  series: ReadonlyArray<{ spec: SeriesSpec; samples: ReadonlyArray<{ timestamp: number; value: number }> }>,
): PushBatch {
  const request: WriteRequest = {
    timeseries: series.map(({ spec, samples }) => ({
      labels: [["__name__", spec.name] as const, ...Object.entries(spec.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]
        .map(([name, value]) => ({ name, value })),
      samples: samples.map((s) => ({ ...s })),
      exemplars: [],
      histograms: [],
    })),
    metadata: [],
  };
  const sent: SentSample[] = series.flatMap(({ spec, samples }) =>
    samples.map((s) => ({ series: seriesKey({ __name__: spec.name, ...spec.labels }), timestamp: s.timestamp, value: s.value })));
  return {
    id,
    samples: sent,
    request: {
      url: `${ingestUrl}/api/v1/write`,
      init: {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/x-protobuf",
          "content-encoding": "snappy",
          "x-prometheus-remote-write-version": "0.1.0",
        },
        body: compressSnappyBlock(encodeWriteRequest(request)),
      },
    },
  };
}

/**
 * An Influx v2 line-protocol batch, millisecond precision: one line per sample of measurement `measurement` with
 * one field `field`. Telegraf's mapping (formats/influx) stores it as `<measurement>_<field>` with the tags as labels.
 */
export function lineProtocolBatch(
  id: string,
  ingestUrl: string,
  token: string,
  measurement: string,
  field: string,
  points: ReadonlyArray<{ tags: Record<string, string>; timestamp: number; value: number }>,
): PushBatch {
  const lines = points.map((p) => {
    const tags = Object.entries(p.tags).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `,${k}=${v}`).join("");
    return `${measurement}${tags} ${field}=${p.value} ${p.timestamp}`;
  });
  return {
    id,
    samples: points.map((p) => ({ series: seriesKey({ __name__: `${measurement}_${field}`, ...p.tags }), timestamp: p.timestamp, value: p.value })),
    request: {
      url: `${ingestUrl}/api/v2/write?precision=ms`,
      init: { method: "POST", headers: { authorization: `Token ${token}`, "content-type": "text/plain; charset=utf-8" }, body: `${lines.join("\n")}\n` },
    },
  };
}
