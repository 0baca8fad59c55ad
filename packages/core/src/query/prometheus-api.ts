/**
 * The Prometheus HTTP API (reference §4), answered by forwarding to AMP with the reader's matchers enforced.
 *
 * Only the parameters each endpoint defines are forwarded (a caller cannot, say, raise AMP's query-cost threshold),
 * AMP's JSON is passed on byte for byte when nothing needs changing (NaN/Inf strings, warnings, stats intact),
 * and what AMP does not offer is answered here honestly: buildinfo is ours, exemplars are empty, rules are empty.
 */
import { enforceMatchList, injectIntoQuery } from "./promql/enforce-matchers";
import { badData } from "./prometheus-errors";
import { checkLabelNameInPath, labelValues } from "./prometheus-reader";
import { parseDurationParam, parseTimeParam } from "./prometheus-time";
import { callAmp, type Endpoint, type EndpointCall } from "./query-context";
import { checkRangeQuery } from "./query-limits";
import { jsonPayload, type QueryPayload } from "./query-response";
import { optionalParam, requiredParam } from "./request-params";

/** Parameters each endpoint forwards (Prometheus docs/querying/api.md); everything else is dropped. */
const FORWARDED_PARAMS = {
  query: ["query", "time", "timeout", "stats", "lookback_delta", "limit"],
  query_range: ["query", "start", "end", "step", "timeout", "stats", "lookback_delta", "limit"],
  series: ["start", "end", "limit"],
  labels: ["start", "end", "limit"],
  label_values: ["start", "end", "limit"],
  metadata: ["metric", "limit", "limit_per_metric"],
} as const;

function pick(params: URLSearchParams, names: readonly string[]): URLSearchParams {
  const picked = new URLSearchParams();
  for (const [key, value] of params) if (names.includes(key)) picked.append(key, value);
  return picked;
}

async function forward(call: EndpointCall, method: "GET" | "POST", path: string, params: URLSearchParams): Promise<QueryPayload> {
  const answer = await callAmp(call, method, path, params);
  return { status: answer.status, json: answer.json, ...(answer.gzipped ? { gzipped: answer.gzipped } : {}) };
}

function checkOptionalTimes(params: URLSearchParams, names: readonly string[]): void {
  for (const name of names) {
    const value = optionalParam(params, name);
    if (value !== undefined) parseTimeParam(value, name);
  }
}

/**
 * Grafana's "Save & test" runs `1+1` at time=4 (reference §4.2). It needs no data, so it is answered here without
 * a round trip to AMP — after the token has been checked, which is what the test should prove.
 */
function isHealthCheck(query: string): boolean {
  return query.replace(/\s+/g, "") === "1+1";
}

const query: Endpoint = async (call) => {
  const expression = requiredParam(call.params, "query");
  const time = optionalParam(call.params, "time");
  const timeMs = time === undefined ? call.deps.now() : parseTimeParam(time, "time");
  if (isHealthCheck(expression)) {
    return jsonPayload(200, { status: "success", data: { resultType: "scalar", result: [timeMs / 1000, "2"] } });
  }
  const params = pick(call.params, FORWARDED_PARAMS.query);
  params.set("query", injectIntoQuery(expression, call.token.matchers));
  return forward(call, "POST", "/api/v1/query", params);
};

const queryRange: Endpoint = async (call) => {
  const expression = requiredParam(call.params, "query");
  const startMs = parseTimeParam(requiredParam(call.params, "start"), "start");
  const endMs = parseTimeParam(requiredParam(call.params, "end"), "end");
  const stepMs = parseDurationParam(requiredParam(call.params, "step"), "step");
  checkRangeQuery(startMs, endMs, stepMs, call.deps.limits);
  const params = pick(call.params, FORWARDED_PARAMS.query_range);
  params.set("query", injectIntoQuery(expression, call.token.matchers));
  return forward(call, "POST", "/api/v1/query_range", params);
};

function withMatches(call: EndpointCall, names: readonly string[], requireMatch: boolean): URLSearchParams {
  checkOptionalTimes(call.params, ["start", "end"]);
  const matches = call.params.getAll("match[]");
  if (requireMatch && matches.length === 0 && call.token.matchers.length === 0) throw badData("no match[] parameter provided");
  const params = pick(call.params, names);
  for (const match of enforceMatchList(matches, call.token.matchers)) params.append("match[]", match);
  return params;
}

const series: Endpoint = (call) => forward(call, "POST", "/api/v1/series", withMatches(call, FORWARDED_PARAMS.series, true));

const labels: Endpoint = (call) => forward(call, "POST", "/api/v1/labels", withMatches(call, FORWARDED_PARAMS.labels, false));

const labelValuesEndpoint: Endpoint = (call) => {
  const name = call.pathParams.name ?? "";
  checkLabelNameInPath(name);
  return forward(call, "GET", `/api/v1/label/${name}/values`, withMatches(call, FORWARDED_PARAMS.label_values, false));
};

/**
 * Metric metadata is per metric name, not per series. For a restricted token it is cut down to the metric names
 * that token can see, so the list does not reveal what other households send.
 */
const metadata: Endpoint = async (call) => {
  const answer = await forward(call, "GET", "/api/v1/metadata", pick(call.params, FORWARDED_PARAMS.metadata));
  if (call.token.matchers.length === 0 || answer.status !== 200) return answer;
  const visible = new Set(await labelValues(call, "__name__"));
  const envelope = JSON.parse(Buffer.from(answer.json).toString("utf8")) as { status: string; data: Record<string, unknown>; warnings?: string[] };
  const data = Object.fromEntries(Object.entries(envelope.data ?? {}).filter(([name]) => visible.has(name)));
  return jsonPayload(200, { ...envelope, data });
};

/** AMP stores no exemplars; Grafana enables exemplar queries only after this answers success (reference §4.3). */
const queryExemplars: Endpoint = async () => jsonPayload(200, { status: "success", data: [] });

/**
 * Our own build info. No `features` key: a non-empty one would make Grafana treat us as Mimir and look for a
 * ruler API (reference §4.2).
 */
const buildinfo: Endpoint = async (call) =>
  jsonPayload(200, {
    status: "success",
    data: {
      version: call.deps.version,
      revision: "",
      branch: "",
      buildUser: "ampgate",
      buildDate: "",
      goVersion: `none (ampgate query function on Node.js ${process.versions.node}, answering from Amazon Managed Service for Prometheus)`,
    },
  });

/**
 * Grafana lists recording rules at start-up unless `disableRecordingRules` is set (failures are ignored). Rules
 * live in AMP's rule groups and can name any household's series, so none are exposed: an empty, valid list.
 */
const rules: Endpoint = async () => jsonPayload(200, { status: "success", data: { groups: [] } });

export const PROMETHEUS_ENDPOINTS = {
  query,
  queryRange,
  series,
  labels,
  labelValues: labelValuesEndpoint,
  metadata,
  queryExemplars,
  buildinfo,
  rules,
} satisfies Record<string, Endpoint>;
