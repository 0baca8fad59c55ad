/**
 * The counting rules of telemetry/request-metrics.ts, one push outcome per row: what each answer adds to which
 * counter (docs/metrics.md, "What is counted").
 */
import { describe, expect, it } from "vitest";
import { createMetricRegistry } from "../../src/telemetry/metric-registry";
import { recordPush, recordQuery, recordWebhookDelivery, UNAUTHENTICATED_SOURCE, type PushReport } from "../../src/telemetry/request-metrics";
import { parseIngestTokens } from "../../src/auth/ingest-tokens";

/** Every counter's value after `record`, keyed `name{label=value,…}` without fn/instance, zeros left out. */
function counted(record: (registry: ReturnType<typeof createMetricRegistry>) => void): Record<string, number> {
  const registry = createMetricRegistry({ constantLabels: { fn: "ingest", instance: "i" }, now: () => 0 });
  record(registry);
  const out: Record<string, number> = {};
  for (const series of registry.snapshot(1).timeseries) {
    const name = series.labels.find((l) => l.name === "__name__")!.value;
    if (name.includes("_bucket") || name.endsWith("_sum")) continue;
    const labels = series.labels.filter((l) => !["__name__", "fn", "instance"].includes(l.name)).map((l) => `${l.name}=${l.value}`).join(",");
    out[`${name}{${labels}}`] = series.samples.at(-1)!.value;
  }
  return out;
}

/** A report from `pi`; `source: undefined` leaves the source out, as for an unauthenticated push. */
function push(overrides: Partial<PushReport>): PushReport {
  const report: PushReport = { route: "POST /api/v2/write", format: "influx-v2", source: "pi", status: 204, bytes: 100, samplesWritten: 0, rejectedItems: [], ...overrides };
  if (report.source === undefined) delete report.source;
  return report;
}
const requests = (code: string, source = "pi") => `ampgate_ingest_requests_total{code=${code},format=influx-v2,route=POST /api/v2/write,source=${source}}`;

describe("recordPush", () => {
  it.each<[string, Partial<PushReport>, Record<string, number>]>([
    ["accepted: samples and bytes", { samplesWritten: 12 }, {
      [requests("204")]: 1, "ampgate_ingest_bytes_total{source=pi}": 100, "ampgate_ingest_samples_total{source=pi}": 12,
    }],
    ["partial write: the written samples, and one rejected sample per rejected item, by reason", {
      status: 400, samplesWritten: 8, rejectedItems: [{ reason: "invalid_line" }, { reason: "invalid_line" }, { reason: "invalid_timestamp" }],
    }, {
      [requests("400")]: 1, "ampgate_ingest_bytes_total{source=pi}": 100, "ampgate_ingest_samples_total{source=pi}": 8,
      "ampgate_ingest_rejected_samples_total{reason=invalid_line,source=pi}": 2,
      "ampgate_ingest_rejected_samples_total{reason=invalid_timestamp,source=pi}": 1,
    }],
    ["validation refused the batch: all its samples, under the answer's reason", { status: 400, notWritten: { samples: 30, reason: "invalid_label_name" } }, {
      [requests("400")]: 1, "ampgate_ingest_bytes_total{source=pi}": 100, "ampgate_ingest_rejected_samples_total{reason=invalid_label_name,source=pi}": 30,
    }],
    ["AMP refused the batch for good: rejected, nothing written", { status: 400, notWritten: { samples: 30, reason: "amp_rejected" } }, {
      [requests("400")]: 1, "ampgate_ingest_bytes_total{source=pi}": 100, "ampgate_ingest_rejected_samples_total{reason=amp_rejected,source=pi}": 30,
    }],
    ["AMP down (503): nothing rejected, the sender sends it again", {
      status: 503, notWritten: { samples: 30, reason: "amp_unavailable" }, rejectedItems: [{ reason: "invalid_line" }],
    }, { [requests("503")]: 1, "ampgate_ingest_bytes_total{source=pi}": 100 }],
    ["throttled (429): nothing rejected", { status: 429, notWritten: { samples: 30, reason: "amp_throttled" } }, {
      [requests("429")]: 1, "ampgate_ingest_bytes_total{source=pi}": 100,
    }],
    ["wrong token: counted under (unauthenticated), no samples known", { status: 401, source: undefined }, {
      [requests("401", UNAUTHENTICATED_SOURCE)]: 1, [`ampgate_ingest_bytes_total{source=${UNAUTHENTICATED_SOURCE}}`]: 100,
    }],
    ["body too large, before decoding: no samples known", { status: 413 }, {
      [requests("413")]: 1, "ampgate_ingest_bytes_total{source=pi}": 100,
    }],
  ])("%s", (_name, overrides, expected) => {
    expect(counted((registry) => recordPush(registry, push(overrides)))).toEqual(expected);
  });

  it("the unauthenticated source is not a name an ingest token may have", () => {
    expect(() => parseIngestTokens(JSON.stringify([{ name: UNAUTHENTICATED_SOURCE, sha256: "0".repeat(64) }]))).toThrow(/name/);
  });
});

describe("recordQuery and recordWebhookDelivery", () => {
  it("count requests by endpoint and code, and observe the duration", () => {
    expect(counted((registry) => {
      recordQuery(registry, { endpoint: "query_range", status: 200, durationMs: 40 });
      recordQuery(registry, { endpoint: "query_range", status: 200, durationMs: 60 });
      recordQuery(registry, { endpoint: "unknown", status: 404, durationMs: 1 });
      recordWebhookDelivery(registry, 204);
      recordWebhookDelivery(registry, 404);
    })).toEqual({
      "ampgate_query_requests_total{code=200,endpoint=query_range}": 2,
      "ampgate_query_requests_total{code=404,endpoint=unknown}": 1,
      "ampgate_query_duration_seconds_count{}": 3,
      "ampgate_webhook_requests_total{code=204}": 1,
      "ampgate_webhook_requests_total{code=404}": 1,
    });
  });
});
