/**
 * One Prometheus API call to AMP through the signed client (amp/signed-client.ts), inside the time budget, with
 * AMP's answer turned into something a Grafana user can read.
 *
 * - POST with a form body for query/query_range/series/labels (long PromQL and many `match[]` fit; AMP accepts
 *   both methods), GET for label values and metadata (GET-only in Prometheus).
 * - We ask for gzip and decode it ourselves (bounded), keeping AMP's compressed bytes so an unchanged body can be
 *   passed on compressed without compressing it twice.
 * - Prometheus error envelopes with a status Grafana parses (400/422/503) pass through untouched; everything else
 *   (AWS-style 403/429/5xx, transport failures) becomes a 503/422 envelope naming the cause.
 */
import { gunzipSync } from "node:zlib";
import { withoutAmpTenant } from "../amp/errors";
import type { AmpRequest, AmpResponse } from "../amp/signed-client";
import { RequestError } from "../errors";
import type { Logger } from "../log/logger";
import { oneLine } from "../one-line";
import { badData, executionError, queryTimeout, upstreamUnavailable } from "./prometheus-errors";
import { describeDuration, parseDurationParam } from "./prometheus-time";
import { upstreamTimeoutMs, type QueryLimits } from "./query-limits";

/** What the query code needs from the AMP client: exactly `AmpHttpClient.request`. */
export interface PrometheusUpstream {
  request(request: AmpRequest): Promise<AmpResponse>;
}

export interface UpstreamCall {
  method: "GET" | "POST";
  /** `/api/v1/query`, `/api/v1/label/<name>/values`, … */
  path: string;
  params: URLSearchParams;
  deadline: number;
}

export interface UpstreamContext {
  upstream: PrometheusUpstream;
  limits: QueryLimits;
  now(): number;
  log: Logger;
}

export interface UpstreamAnswer {
  status: number;
  /** Decoded JSON bytes. */
  json: Uint8Array;
  /** AMP's own gzip bytes of `json`, when it sent them. */
  gzipped?: Uint8Array;
  /** Time spent waiting for AMP. */
  elapsedMs: number;
}

/** Statuses whose Prometheus JSON body Grafana parses and shows (reference §4.4). */
const PASS_THROUGH = new Set([400, 422, 503]);

export async function callUpstream(context: UpstreamContext, call: UpstreamCall): Promise<UpstreamAnswer> {
  const started = context.now();
  const timeoutMs = upstreamTimeoutMs(call.deadline, started, context.limits);
  const params = new URLSearchParams(call.params);
  if (call.path === "/api/v1/query" || call.path === "/api/v1/query_range") {
    // Tell AMP's engine the same budget (or the caller's, if shorter), so it stops when we stop waiting.
    const askedMs = askedTimeoutMs(params.get("timeout"));
    params.set("timeout", `${Math.max(1, Math.floor(Math.min(askedMs, timeoutMs) / 1000))}s`);
    if (context.limits.maxSamplesProcessed !== undefined) {
      params.set("max_samples_processed_error_threshold", String(context.limits.maxSamplesProcessed));
    }
  }
  const request: AmpRequest = call.method === "POST"
    ? {
      method: "POST",
      path: call.path,
      headers: { "content-type": "application/x-www-form-urlencoded", "accept-encoding": "gzip", accept: "application/json" },
      body: new TextEncoder().encode(params.toString()),
      timeoutMs,
      maxResponseBytes: context.limits.maxResponseBytes,
    }
    : {
      method: "GET",
      path: call.path,
      query: params,
      headers: { "accept-encoding": "gzip", accept: "application/json" },
      timeoutMs,
      maxResponseBytes: context.limits.maxResponseBytes,
    };

  let response: AmpResponse;
  try {
    response = await context.upstream.request(request);
  } catch (error) {
    throw transportFailure(error, timeoutMs, context);
  }
  const elapsedMs = context.now() - started;
  const { json, gzipped } = decodeBody(response, context.limits);

  if (response.status >= 200 && response.status < 300) return { status: 200, json, gzipped, elapsedMs };
  if (PASS_THROUGH.has(response.status)) {
    const envelope = prometheusErrorEnvelope(json);
    if (envelope) return { status: response.status, json: envelope, elapsedMs };
  }
  throw upstreamError(response.status, json, response.headers, context);
}

function askedTimeoutMs(asked: string | null): number {
  return asked ? parseDurationParam(asked, "timeout") : Infinity;
}

function decodeBody(response: AmpResponse, limits: QueryLimits): { json: Uint8Array; gzipped?: Uint8Array } {
  const encoding = (response.headers["content-encoding"] ?? "").trim().toLowerCase();
  if (encoding === "" || encoding === "identity") return { json: response.body };
  if (encoding !== "gzip") throw upstreamUnavailable(`AMP answered with an unsupported content-encoding ${JSON.stringify(encoding)}`);
  try {
    return { json: gunzipSync(response.body, { maxOutputLength: limits.maxResponseBytes }), gzipped: response.body };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(limits.maxResponseBytes);
    throw upstreamUnavailable("AMP's gzip response body could not be decoded");
  }
}

export const tooLarge = (limit: number) =>
  new RequestError(422, "too_large", `the result is larger than ${Math.round(limit / 1024 / 1024)} MiB, this API's limit; select fewer series or use a larger step`);

/**
 * AMP's Prometheus error envelope, passed on to Grafana — with AMP's `user=<account>_<workspace>:` prefix taken
 * out of `error`, which would otherwise show our AWS account id to every dashboard user.
 */
function prometheusErrorEnvelope(json: Uint8Array): Uint8Array | undefined {
  try {
    const value = JSON.parse(Buffer.from(json).toString("utf8")) as { status?: unknown; errorType?: unknown; error?: unknown };
    if (value.status !== "error" || typeof value.errorType !== "string") return undefined;
    if (typeof value.error !== "string" || withoutAmpTenant(value.error) === value.error) return json;
    return new TextEncoder().encode(JSON.stringify({ ...value, error: withoutAmpTenant(value.error) }));
  } catch {
    return undefined;
  }
}

/** AMP's message from a Prometheus envelope, an AWS-style `{"message": …}` or plain text — one line, bounded. */
function upstreamMessage(json: Uint8Array): string {
  const text = Buffer.from(json.subarray(0, 4096)).toString("utf8");
  try {
    const value = JSON.parse(Buffer.from(json).toString("utf8")) as { error?: unknown; message?: unknown; Message?: unknown };
    const message = value.error ?? value.message ?? value.Message;
    if (typeof message === "string") return oneLine(withoutAmpTenant(message));
  } catch {
    // not JSON
  }
  return oneLine(withoutAmpTenant(text));
}

function upstreamError(status: number, json: Uint8Array, headers: Record<string, string>, context: UpstreamContext): RequestError {
  const message = upstreamMessage(json);
  context.log.warn("amp query failed", { ampStatus: status, ampMessage: message });
  if (status === 429) {
    const retryAfter = Number(headers["retry-after"]);
    return upstreamUnavailable(`AMP is throttling queries (429: ${message}); retry shortly`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 2);
  }
  // AMP's text for these names our role ARN and account: it is in the log line above, not in the answer.
  if (status === 401 || status === 403) {
    return upstreamUnavailable(`AMP refused the query function's AWS credentials (${status}); the operator should check its IAM role allows aps:QueryMetrics, aps:GetSeries, aps:GetLabels and aps:GetMetricMetadata on the workspace (details in the function's log)`);
  }
  if (status === 404) return upstreamUnavailable("AMP answered 404; the operator should check AMP_ENDPOINT names an existing workspace (details in the function's log)");
  // AMP's 413 is about our request (a query or match[] list over its 1 MB request limit), not the result.
  if (status === 413) return badData("the query request is larger than AMP accepts (1 MB); shorten the query or send fewer match[] selectors");
  if (status >= 400 && status < 500) return executionError(`AMP rejected the query (${status}): ${message}`);
  return upstreamUnavailable(`AMP failed to answer (${status}: ${message}); retry shortly`, 2);
}

function transportFailure(error: unknown, timeoutMs: number, context: UpstreamContext): RequestError {
  if (error instanceof RequestError) return error;
  const kind = (error as { kind?: unknown }).kind;
  if (kind === "timeout" || kind === "aborted") {
    return queryTimeout(`AMP did not answer within ${describeDuration(timeoutMs)} (this API's time limit); shorten the time range, raise the step or simplify the query`);
  }
  if (kind === "response_too_large") return tooLarge(context.limits.maxResponseBytes);
  if (kind === "network") return upstreamUnavailable(`cannot reach AMP (${(error as Error).message}); retry shortly`, 2);
  context.log.error("amp query could not be sent", { error });
  return upstreamUnavailable("the query function could not sign or send its request to AMP (see its logs); retry shortly", 5);
}
