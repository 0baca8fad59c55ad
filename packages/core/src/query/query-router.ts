/**
 * The query function's one entry point: route → (chart page | authenticate → endpoint) → response, with one
 * structured log line per request (endpoint, status, token name, time in AMP — never the token).
 *
 *   const route = createQueryRouter(deps);
 *   const response = await route(coreRequest, { deadline, log });
 *
 * Paths match with or without an API Gateway stage prefix (`/prod/api/v1/query`): with a named stage, HTTP APIs
 * pass the stage in `rawPath` (reference §4.6 item 9). `QUERY_ROUTES` must list exactly the query routes of
 * functions/routes.ts (test/integration/query-routes.test.ts checks both ways).
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
import { SIMPOD_ENDPOINTS } from "./simpod/simpod-endpoints";

export interface QueryRoute {
  methods: readonly ("GET" | "POST")[];
  /** API Gateway syntax: `{name}` captures one segment. */
  path: string;
  /** Stable name for logs and `ampgate_query_requests_total{endpoint}`. */
  endpoint: string;
  /** Absent for the chart page, which is public (its data calls carry the token). */
  handle?: Endpoint;
}

const BOTH = ["GET", "POST"] as const;
const GET = ["GET"] as const;
const POST = ["POST"] as const;
const P = PROMETHEUS_ENDPOINTS;
const S = SIMPOD_ENDPOINTS;

export const QUERY_ROUTES: readonly QueryRoute[] = [
  { methods: GET, path: "/", endpoint: "chart_page" },
  { methods: BOTH, path: "/api/v1/query", endpoint: "query", handle: P.query },
  { methods: BOTH, path: "/api/v1/query_range", endpoint: "query_range", handle: P.queryRange },
  { methods: BOTH, path: "/api/v1/series", endpoint: "series", handle: P.series },
  { methods: BOTH, path: "/api/v1/labels", endpoint: "labels", handle: P.labels },
  { methods: GET, path: "/api/v1/label/{name}/values", endpoint: "label_values", handle: P.labelValues },
  { methods: GET, path: "/api/v1/metadata", endpoint: "metadata", handle: P.metadata },
  { methods: BOTH, path: "/api/v1/query_exemplars", endpoint: "query_exemplars", handle: P.queryExemplars },
  { methods: GET, path: "/api/v1/status/buildinfo", endpoint: "buildinfo", handle: P.buildinfo },
  { methods: GET, path: "/api/v1/rules", endpoint: "rules", handle: P.rules },
  { methods: GET, path: "/json", endpoint: "json", handle: JSON_ENDPOINTS.whoAmI },
  { methods: GET, path: "/json/range", endpoint: "json_range", handle: JSON_ENDPOINTS.range },
  { methods: GET, path: "/json/query", endpoint: "json_query", handle: JSON_ENDPOINTS.instant },
  { methods: GET, path: "/json/devices", endpoint: "json_devices", handle: JSON_ENDPOINTS.devices },
  { methods: GET, path: "/json/energy", endpoint: "json_energy", handle: ENERGY_ENDPOINTS.energy },
  { methods: GET, path: "/grafana-json", endpoint: "simpod_health", handle: S.health },
  { methods: POST, path: "/grafana-json/metrics", endpoint: "simpod_metrics", handle: S.metrics },
  { methods: POST, path: "/grafana-json/metric-payload-options", endpoint: "simpod_metric_payload_options", handle: S.metricPayloadOptions },
  { methods: POST, path: "/grafana-json/query", endpoint: "simpod_query", handle: S.query },
  { methods: POST, path: "/grafana-json/variable", endpoint: "simpod_variable", handle: S.variable },
  { methods: POST, path: "/grafana-json/tag-keys", endpoint: "simpod_tag_keys", handle: S.tagKeys },
  { methods: POST, path: "/grafana-json/tag-values", endpoint: "simpod_tag_values", handle: S.tagValues },
];

const segments = (path: string) => path.split("/").filter((s) => s !== "");

interface Match {
  route: QueryRoute;
  pathParams: Record<string, string>;
}

function matchSegments(route: QueryRoute, parts: readonly string[]): Record<string, string> | undefined {
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
      if (!match.route.handle) return chartPage(deps, request, started, log);
      const token = await authenticateReader(request, () => deps.readTokens(), log);
      tokenName = token.name;
      call = {
        request, params: requestParams(request), pathParams: match.pathParams, token,
        deadline: invocation.deadline, deps, log, ampMs: 0,
      };
      payload = await match.route.handle(call);
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
  const html = deps.chartPageHtml ?? "<!doctype html><title>ampgate</title><p>The chart page is not built into this deployment.</p>";
  const response = toCoreResponse(
    { status: 200, json: new Uint8Array(Buffer.from(html, "utf8")), contentType: "text/html; charset=utf-8", headers: { "cache-control": "no-cache" } },
    request,
    deps.limits.maxWireBytes,
  );
  log.info("query", { endpoint: "chart_page", status: 200, durationMs: deps.now() - started });
  return response;
}
