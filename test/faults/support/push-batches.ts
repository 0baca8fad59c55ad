/**
 * Push batches with known contents for the fault and load suites: remote-write (snappy protobuf) and Influx line
 * protocol, each sample's series, timestamp and value recorded so that what lands can be counted against it.
 */
import type { WriteRequest } from "@ampgate/core/remote-write/index";
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from "../../support/remote-write";
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
        headers: { authorization: `Bearer ${token}`, ...REMOTE_WRITE_HEADERS },
        body: remoteWriteBody(request),
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

export type PushFormatName = "remote-write" | "influx-v2" | "json" | "prometheus-text" | "otlp-json";

export interface PushPoint {
  labels: Record<string, string>;
  timestamp: number;
  value: number;
}

/**
 * The same points in any push format, as metric `name` (Influx: measurement `name`, field `value`, so the series is
 * `<name>_value`; Pushgateway text: grouping key `job/<job label>`, which the series then carries).
 */
export function formatBatch(format: PushFormatName, id: string, ingestUrl: string, token: string, name: string, points: readonly PushPoint[]): PushBatch {
  const bearer = { authorization: `Bearer ${token}` };
  const sample = (series: string, p: PushPoint) => ({ series, timestamp: p.timestamp, value: p.value });
  switch (format) {
    case "remote-write":
      return remoteWriteBatch(id, ingestUrl, token, points.map((p) => ({ spec: { name, labels: p.labels }, samples: [{ timestamp: p.timestamp, value: p.value }] })));
    case "influx-v2":
      return lineProtocolBatch(id, ingestUrl, token, name, "value", points.map((p) => ({ tags: p.labels, timestamp: p.timestamp, value: p.value })));
    case "json":
      return {
        id,
        samples: points.map((p) => sample(seriesKey({ __name__: name, ...p.labels }), p)),
        request: {
          url: `${ingestUrl}/api/v1/push/json`,
          init: { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify(points.map((p) => ({ metric: name, labels: p.labels, value: p.value, timestamp: p.timestamp }))) },
        },
      };
    case "prometheus-text": {
      const job = "faults";
      const lines = points.map((p) => `${name}{${Object.entries(p.labels).map(([k, v]) => `${k}="${v}"`).join(",")}} ${p.value} ${p.timestamp}`);
      return {
        id,
        samples: points.map((p) => sample(seriesKey({ __name__: name, ...p.labels, job }), p)),
        request: { url: `${ingestUrl}/metrics/job/${job}`, init: { method: "PUT", headers: { ...bearer, "content-type": "text/plain; version=0.0.4" }, body: `# TYPE ${name} gauge\n${lines.join("\n")}\n` } },
      };
    }
    case "otlp-json": {
      const dataPoints = points.map((p) => ({
        attributes: Object.entries(p.labels).map(([key, value]) => ({ key, value: { stringValue: value } })),
        timeUnixNano: String(BigInt(p.timestamp) * 1_000_000n),
        asDouble: p.value,
      }));
      return {
        id,
        samples: points.map((p) => sample(seriesKey({ __name__: name, ...p.labels }), p)),
        request: {
          url: `${ingestUrl}/v1/metrics`,
          init: { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify({ resourceMetrics: [{ resource: { attributes: [] }, scopeMetrics: [{ scope: { name: "faults" }, metrics: [{ name, gauge: { dataPoints } }] }] }] }) },
        },
      };
    }
  }
}
