/**
 * How one answered request becomes self-metrics: the ingest pipeline, the query router and the webhook each
 * report what they did (a plain record, no metric names), and these functions decide what is counted.
 *
 * Ingest counting rules (docs/metrics.md):
 * - every push counts once in `ampgate_ingest_requests_total` and adds its body bytes, whatever the outcome;
 * - samples count in `ampgate_ingest_samples_total` only once AMP accepted them;
 * - samples count as rejected when they will never be written: the items a format dropped from a partial
 *   write (one per item: a line of line protocol, an element of a JSON push), and the whole decoded batch when
 *   the answer is a 4xx the sender should not retry (validation, or AMP refusing it). A retryable answer (429,
 *   5xx) rejects nothing: the sender keeps the body and sends it again, and whatever is in it is counted when it
 *   is answered for good; it shows in `ampgate_ingest_requests_total{code}`. A body refused before it was
 *   decoded (401, 413, bad encoding) has no sample count, and shows only there too.
 */
import type { MetricRegistry } from "./metric-registry";

/** The `source` of a push that presented no valid ingest token (not a valid token name, so it cannot collide). */
export const UNAUTHENTICATED_SOURCE = "(unauthenticated)";

export interface PushReport {
  /** API Gateway route key, e.g. `POST /api/v1/write`. */
  route: string;
  /** Push format name (ingest/push-formats.ts). */
  format: string;
  /** The ingest token's name; absent when the request was not authenticated. */
  source?: string;
  status: number;
  /** Request body bytes as received. */
  bytes: number;
  /** Float and native-histogram samples AMP accepted. */
  samplesWritten: number;
  /** Items a format dropped while the rest was written (Influx-style partial writes). */
  rejectedItems: ReadonlyArray<{ reason: string }>;
  /** The decoded batch when it was not written: its float and native-histogram samples and the answer's reason. */
  notWritten?: { samples: number; reason: string };
}

export interface QueryReport {
  /** Route endpoint name (query/query-routes.ts), `unknown` when no route matched. */
  endpoint: string;
  status: number;
  durationMs: number;
}

/** 4xx answers that ask the sender to come back: the data is fine, the moment was not. */
const RETRYABLE_4XX: ReadonlySet<number> = new Set([408, 425, 429]);
/** The sender will send this body again: nothing in it is rejected yet (it is counted when it is answered for good). */
const retryable = (status: number) => status >= 500 || RETRYABLE_4XX.has(status);

export function recordPush(registry: MetricRegistry, push: PushReport): void {
  const source = push.source ?? UNAUTHENTICATED_SOURCE;
  registry.inc("ampgate_ingest_requests_total", { route: push.route, format: push.format, source, code: String(push.status) });
  registry.inc("ampgate_ingest_bytes_total", { source }, push.bytes);
  if (push.samplesWritten > 0) registry.inc("ampgate_ingest_samples_total", { source }, push.samplesWritten);
  if (retryable(push.status)) return;
  for (const item of push.rejectedItems) registry.inc("ampgate_ingest_rejected_samples_total", { source, reason: item.reason });
  if (push.notWritten && push.notWritten.samples > 0 && push.status >= 400) {
    registry.inc("ampgate_ingest_rejected_samples_total", { source, reason: push.notWritten.reason }, push.notWritten.samples);
  }
}

export function recordQuery(registry: MetricRegistry, query: QueryReport): void {
  registry.inc("ampgate_query_requests_total", { endpoint: query.endpoint, code: String(query.status) });
  registry.observe("ampgate_query_duration_seconds", {}, query.durationMs / 1000);
}

export function recordWebhookDelivery(registry: MetricRegistry, status: number): void {
  registry.inc("ampgate_webhook_requests_total", { code: String(status) });
}
