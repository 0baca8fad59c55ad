/**
 * How AMP would have answered a remote write, given how the local Prometheus 2.42 receiver answered it.
 *
 * The two differ (reference §1.8, §4.6, §7.3): Prometheus answers 204 on success, AMP 200 with an empty body;
 * Prometheus 2.42 answers 400 only for out-of-order / out-of-bounds / duplicate-timestamp samples and 500 for
 * every other append error — duplicate label names, an empty label set, `too old sample` with an OOO window —
 * whereas AMP (Cortex) validates those and answers 400. AMP prefixes its texts with `user=<account>_<ws>: `
 * and writes `err: <reason>`; reproducing that shape lets tests see the same bodies ampgate will see from AWS.
 */

export interface AmpAnswer {
  status: number;
  body: string;
  /** Stand-in counter name for a rejection. */
  reason?: string;
}

/** Prometheus 2.42 append errors that AMP reports as the sender's fault (400), by text (tsdb/head_append.go). */
const CLIENT_FAULT_TEXTS: readonly RegExp[] = [
  /out of order sample/i,
  /out of bounds/i,
  /duplicate sample for timestamp/i,
  /too old sample/i,
  /is not unique/i, // `label name "x" is not unique: invalid sample`
  /invalid sample/i, // empty label set, invalid metric name
  /invalid (?:metric|label) name/i,
  /snappy|proto|unmarshal|decode/i, // undecodable body (already 400 in Prometheus)
];

/** The account id AMP would print; the stand-in has none, so an obviously fake one. */
const LOCAL_ACCOUNT = "000000000000";

export function ampAnswerForPrometheusWrite(prometheusStatus: number, prometheusBody: string, workspaceId: string): AmpAnswer {
  if (prometheusStatus >= 200 && prometheusStatus < 300) return { status: 200, body: "" };
  const text = prometheusBody.trim();
  const clientFault = prometheusStatus === 400 || CLIENT_FAULT_TEXTS.some((pattern) => pattern.test(text));
  if (clientFault) {
    return { status: 400, body: `user=${LOCAL_ACCOUNT}_${workspaceId}: err: ${text}\n`, reason: "prometheus_rejected" };
  }
  // A genuine storage failure in the local Prometheus: AMP would answer 5xx, and senders retry.
  return { status: prometheusStatus >= 500 ? prometheusStatus : 500, body: text, reason: "prometheus_error" };
}
