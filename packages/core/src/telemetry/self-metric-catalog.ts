/**
 * Every metric ampgate writes about itself (`ampgate_*`): type, labels, unit and help, in one table. The registry
 * (metric-registry.ts) accepts only these names with exactly these labels, docs/metrics.md lists the same rows
 * (a test keeps the two in step), and the pipeline-health dashboard may use only these names.
 *
 * Every series also carries `fn` (the Lambda: ingest, query, poll, webhook) and `instance` (the execution
 * environment; instance-id.ts) — docs/metrics.md "Counters across cold starts" says why.
 *
 * Naming follows Prometheus conventions: `ampgate_` prefix, base units (`_seconds`, `_bytes`), `_total` only on
 * counters. Histograms are classic (`_bucket{le}`, `_sum`, `_count`): AMP's support for native histograms is
 * not settled (reference §2.4), and classic buckets work with every Grafana and every PromQL version.
 */
import { MetricType } from "../remote-write/types";

export type SelfMetricKind = "counter" | "histogram";

export interface SelfMetricSpec {
  kind: SelfMetricKind;
  /** Label names besides `fn` and `instance`, in the order callers pass them. */
  labels: readonly string[];
  /** Prometheus metadata unit, "" when dimensionless. */
  unit: string;
  help: string;
  /** Upper bounds of a histogram's buckets (seconds), ascending; `+Inf` is implied. */
  buckets?: readonly number[];
}

/** AMP answers a healthy write in tens of milliseconds; a write that retries may use most of the 29 s budget. */
const AMP_WRITE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25] as const;
/** Query answers are bounded by the API Gateway's 30 s integration limit. */
const QUERY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25] as const;

const counter = <const L extends readonly string[]>(labels: L, help: string, unit = "") =>
  ({ kind: "counter", labels, unit, help }) as const;
const histogram = <const L extends readonly string[]>(labels: L, help: string, buckets: readonly number[]) =>
  ({ kind: "histogram", labels, unit: "seconds", help, buckets }) as const;

export const SELF_METRICS = {
  // ── ingest ──
  ampgate_ingest_requests_total: counter(["route", "format", "source", "code"],
    "Push requests answered, by route, push format, source (ingest token name) and HTTP status."),
  ampgate_ingest_samples_total: counter(["source"],
    "Samples (float and native-histogram) AMP accepted from pushes, by source."),
  ampgate_ingest_rejected_samples_total: counter(["source", "reason"],
    "Samples refused for good (a 4xx the sender should not retry, or the rejected items of a partial write), by source and reason."),
  ampgate_ingest_bytes_total: counter(["source"],
    "Request body bytes received on push routes, as sent (before decompression), by source.", "bytes"),
  // ── AMP writes (ingest, poll, webhook) ──
  ampgate_amp_write_duration_seconds: histogram([],
    "Time to write one batch to AMP: every part and retry included, whatever the outcome.", AMP_WRITE_BUCKETS),
  ampgate_amp_write_retries_total: counter(["reason"],
    "AMP write attempts that were retried, by what went wrong (throttled, server, network, timeout)."),
  ampgate_amp_write_failures_total: counter(["reason"],
    "Batches AMP did not accept after retries, by what went wrong last (rejected, throttled, server, network, timeout, deadline, auth, configuration, too_large)."),
  // ── query ──
  ampgate_query_requests_total: counter(["endpoint", "code"],
    "Query API requests answered, by endpoint (functions/routes.ts names) and HTTP status."),
  ampgate_query_duration_seconds: histogram([],
    "Time to answer one query API request, AMP's time included.", QUERY_BUCKETS),
  // ── webhook ──
  ampgate_webhook_requests_total: counter(["code"],
    "SwitchBot webhook deliveries answered, by HTTP status (404 = wrong path secret)."),
} as const satisfies Record<string, SelfMetricSpec>;

export type SelfMetricName = keyof typeof SELF_METRICS;
export type CounterName = { [N in SelfMetricName]: (typeof SELF_METRICS)[N]["kind"] extends "counter" ? N : never }[SelfMetricName];
export type HistogramName = Exclude<SelfMetricName, CounterName>;

/** The label values a caller passes for metric `N`: exactly its declared labels. */
export type LabelValues<N extends SelfMetricName> = Record<(typeof SELF_METRICS)[N]["labels"][number], string>;

/** Labels the registry adds to every series. */
const CONSTANT_LABELS = ["fn", "instance"] as const;
export type ConstantLabels = Record<(typeof CONSTANT_LABELS)[number], string>;

export const METRIC_TYPE: Readonly<Record<SelfMetricKind, MetricType>> = {
  counter: MetricType.COUNTER,
  histogram: MetricType.HISTOGRAM,
};

/** The series names a metric produces: the name itself for a counter; `_bucket`, `_sum`, `_count` for a histogram. */
export function seriesNames(name: SelfMetricName): string[] {
  return SELF_METRICS[name].kind === "counter" ? [name] : [`${name}_bucket`, `${name}_sum`, `${name}_count`];
}
