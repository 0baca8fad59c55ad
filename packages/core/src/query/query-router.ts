/**
 * The query function's one entry point: route → (chart page | authenticate → endpoint) → response, with one
 * structured log line per request (endpoint, status, token name, time in AMP — never the token).
 *
 *   const route = createQueryRouter(deps);
 *   const response = await route(coreRequest, { deadline, log });
 *
 * Paths match with or without an API Gateway stage prefix (`/prod/api/v1/query`): with a named stage, HTTP APIs
 * pass the stage in `rawPath` (reference §4.6 item 9). The routes are data (query-routes.ts), spread into
 * functions/routes.ts.
 */
import { RequestError } from "../errors";
import type { CoreRequest, CoreResponse } from "../http";
import type { Logger } from "../log/logger";
import { ENERGY_ENDPOINTS } from "./energy/energy-endpoint";
import { JSON_ENDPOINTS } from "./json/json-endpoints";
import { PROMETHEUS_ENDPOINTS } from "./prometheus-api";
import { badData, internalError } from "./prometheus-errors";
import type { Endpoint, EndpointCall, QueryDependencies } from "./query-context";
import { errorPayload, toCoreResponse, type QueryPayload } from "./query-response";
import { authenticateReader } from "./read-auth";
import { requestParams } from "./request-params";
import { QUERY_ROUTES, type QueryEndpointName, type QueryRouteSpec } from "./query-routes";
import { SIMPOD_ENDPOINTS } from "./simpod/simpod-endpoints";

const P = PROMETHEUS_ENDPOINTS;
const S = SIMPOD_ENDPOINTS;

/** Each route's handler; the chart page has none because it is public (its data calls carry the token). */
const HANDLERS: Record<QueryEndpointName, Endpoint | undefined> = {
  chart_page: undefined,
  query: P.query,
  query_range: P.queryRange,
  series: P.series,
  labels: P.labels,
  label_values: P.labelValues,
  metadata: P.metadata,
  query_exemplars: P.queryExemplars,
  buildinfo: P.buildinfo,
  rules: P.rules,
  json: JSON_ENDPOINTS.whoAmI,
  json_range: JSON_ENDPOINTS.range,
  json_query: JSON_ENDPOINTS.instant,
  json_devices: JSON_ENDPOINTS.devices,
  json_energy: ENERGY_ENDPOINTS.energy,
  simpod_health: S.health,
  simpod_metrics: S.metrics,
  simpod_metric_payload_options: S.metricPayloadOptions,
  simpod_query: S.query,
  simpod_variable: S.variable,
  simpod_tag_keys: S.tagKeys,
  simpod_tag_values: S.tagValues,
};

const segments = (path: string) => path.split("/").filter((s) => s !== "");

interface Match {
  route: QueryRouteSpec;
  pathParams: Record<string, string>;
}

function matchSegments(route: QueryRouteSpec, parts: readonly string[]): Record<string, string> | undefined {
  const pattern = segments(route.path);
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = parts[i]!;
    if (want.startsWith("{") && want.endsWith("}")) {
      try {
        params[want.slice(1, -1)] = decodeURIComponent(got);
      } catch {
        throw badData(`path segment ${JSON.stringify(got.slice(0, 60))} is not valid percent-encoding`);
      }
    } else if (want !== got) return undefined;
  }
  return params;
}

/** The route for a path, trying it as given and then without a leading stage segment. */
export function matchQueryRoute(path: string): Match | undefined {
  const parts = segments(path);
  for (const candidate of [parts, parts.slice(1)]) {
    for (const route of QUERY_ROUTES) {
      const pathParams = matchSegments(route, candidate);
      if (pathParams) return { route, pathParams };
    }
    if (parts.length === 0) break;
  }
  return undefined;
}

export interface QueryInvocation {
  /** Epoch ms by which the response must be on its way. */
  deadline: number;
  log: Logger;
}

export type QueryRouteHandler = (request: CoreRequest, invocation: QueryInvocation) => Promise<CoreResponse>;

export function createQueryRouter(deps: QueryDependencies): QueryRouteHandler {
  return async (request, invocation) => {
    const started = deps.now();
    const log = invocation.log;
    let endpoint = "unknown";
    let tokenName: string | undefined;
    let call: EndpointCall | undefined;
    let payload: QueryPayload;
    try {
      const match = matchQueryRoute(request.path);
      if (!match) throw new RequestError(404, "not_found", `no such endpoint: ${request.method} ${request.path.slice(0, 100)}`);
      endpoint = match.route.endpoint;
      if (!match.route.methods.includes(request.method as "GET")) {
        throw new RequestError(404, "not_found", `${request.method} is not served on ${match.route.path}; use ${match.route.methods.join(" or ")}`);
      }
      const handle = HANDLERS[match.route.endpoint];
      if (!handle) return chartPage(deps, request, started, log);
      const token = await authenticateReader(request, () => deps.readTokens(), log);
      tokenName = token.name;
      call = {
        request, params: match.route.body === "json" ? request.query : requestParams(request), pathParams: match.pathParams, token,
        deadline: invocation.deadline, deps, log, ampMs: 0,
      };
      payload = await handle(call);
    } catch (error) {
      if (error instanceof RequestError) payload = errorPayload(error);
      else {
        log.error("query endpoint failed", { endpoint, error });
        payload = errorPayload(internalError("internal error in the query function; see its logs"));
      }
    }
    const response = toCoreResponse(payload, request, deps.limits.maxWireBytes);
    const status = response.status;
    const fields = {
      endpoint, status, token: tokenName, durationMs: deps.now() - started, ampMs: call?.ampMs ?? 0,
      bytes: typeof response.body === "string" ? response.body.length : response.body.byteLength,
      ...(status >= 400 ? { error: errorText(payload) } : {}),
    };
    if (status >= 500) log.warn("query", fields);
    else log.info("query", fields);
    deps.onRequestDone?.({ endpoint, status, durationMs: fields.durationMs, ampMs: fields.ampMs, ...(tokenName ? { token: tokenName } : {}) });
    return response;
  };
}

function errorText(payload: QueryPayload): string {
  try {
    return String((JSON.parse(Buffer.from(payload.json).toString("utf8")) as { error?: unknown }).error ?? "").slice(0, 300);
  } catch {
    return "";
  }
}

function chartPage(deps: QueryDependencies, request: CoreRequest, started: number, log: Logger): CoreResponse {
  const page = deps.chartPage ?? { html: "<!doctype html><title>ampgate</title><p>The chart page is not built into this deployment.</p>", contentSecurityPolicy: "default-src 'none'" };
  const response = toCoreResponse({
    status: 200,
    json: new TextEncoder().encode(page.html),
    contentType: "text/html; charset=utf-8",
    headers: {
      "cache-control": "no-cache",
      "content-security-policy": page.contentSecurityPolicy,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    },
  }, request, deps.limits.maxWireBytes);
  const durationMs = deps.now() - started;
  log.info("query", { endpoint: "chart_page", status: response.status, durationMs });
  deps.onRequestDone?.({ endpoint: "chart_page", status: response.status, durationMs, ampMs: 0 });
  return response;
}
