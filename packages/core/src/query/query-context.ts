/** What every query endpoint receives: the request, the reader, the dependencies and the time budget. */
import type { ReadToken } from "../auth/read-tokens";
import type { CoreRequest } from "../http";
import type { Logger } from "../log/logger";
import type { Tariff } from "./energy/tariff";
import { callUpstream, type PrometheusUpstream, type UpstreamAnswer } from "./prometheus-upstream";
import type { QueryLimits } from "./query-limits";
import type { QueryPayload } from "./query-response";

export interface QueryDependencies {
  /** The signed AMP client (`createAmpHttpClient`), or anything with the same `request`. */
  upstream: PrometheusUpstream;
  /** Current read tokens (cached by the secret source). */
  readTokens(): Promise<ReadToken[]>;
  limits: QueryLimits;
  tariff: Tariff;
  now(): number;
  /** ampgate's version, for `/api/v1/status/buildinfo`. */
  version: string;
  /**
   * Called once per request after the response is built — where self-metrics hook in
   * (`ampgate_query_requests_total{endpoint,code}`, `ampgate_query_duration_seconds`, issue #9).
   */
  onRequestDone?(done: { endpoint: string; status: number; durationMs: number; ampMs: number; token?: string }): void;
  /** The built chart page (packages/chart-page), served at `GET /` with its Content-Security-Policy. */
  chartPage?: { html: string; contentSecurityPolicy: string };
}

export interface EndpointCall {
  request: CoreRequest;
  /** Query string and form body merged (request-params.ts). */
  params: URLSearchParams;
  /** Captured `{name}` segments of the matched route. */
  pathParams: Record<string, string>;
  token: ReadToken;
  deadline: number;
  deps: QueryDependencies;
  log: Logger;
  /** Milliseconds spent waiting for AMP, summed over this request's calls (for the request log line). */
  ampMs: number;
}

export type Endpoint = (call: EndpointCall) => Promise<QueryPayload>;

/** One Prometheus API call to AMP for this request, inside its deadline; the wait is added to `call.ampMs`. */
export async function callAmp(call: EndpointCall, method: "GET" | "POST", path: string, params: URLSearchParams): Promise<UpstreamAnswer> {
  const { upstream, limits, now } = call.deps;
  const answer = await callUpstream({ upstream, limits, now, log: call.log }, { method, path, params, deadline: call.deadline });
  call.ampMs += answer.elapsedMs;
  return answer;
}
