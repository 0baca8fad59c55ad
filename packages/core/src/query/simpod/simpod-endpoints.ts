/**
 * The simPod JSON data source protocol (`simpod-json-datasource` ≥ 0.6, reference §2) under `/grafana-json/`,
 * for installs that already use that plugin. A target is PromQL (the metric picker offers metric names, which
 * are PromQL too); payload options add a legend, table format and a device filter; ad-hoc filters narrow
 * every selector. Everything runs through the same enforcement and guard rails as the Prometheus API.
 *
 *   GET  /grafana-json                          Save & test (any 200)
 *   POST /grafana-json/metrics                  [{label, value, payloads:[…]}]
 *   POST /grafana-json/metric-payload-options   [{label, value}]
 *   POST /grafana-json/query                    [{target, datapoints:[[value, ms]], tags}] or tables
 *   POST /grafana-json/variable                 [{__text, __value}]
 *   POST /grafana-json/tag-keys                 [{type:"string", text}]
 *   POST /grafana-json/tag-values               [{text}]
 */
import { isJsonObject } from "../../json-object";
import { badData } from "../prometheus-errors";
import { instantQuery, labelNames, labelValues, rangeQuery, sampleValue } from "../prometheus-reader";
import { deviceIdMatchers } from "../device-filter";
import { formatSelector, type LabelMatcher } from "../promql/label-matcher";
import type { Endpoint, EndpointCall } from "../query-context";
import { jsonPayload, jsonTextPayload } from "../query-response";
import { autoStepMs } from "../json/grafana-time";
import { listDevices } from "../json/json-endpoints";
import { labelColumns, seriesName } from "../json/long-rows";
import { filterMatchers, filtersOf } from "./adhoc-filters";
import { timeseriesItems } from "./timeseries-items";

type Json = Record<string, unknown>;

function body(call: EndpointCall): Json {
  if (call.request.body.byteLength === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(call.request.body).toString("utf8"));
  } catch {
    throw badData("the request body is not valid JSON");
  }
  if (!isJsonObject(value)) throw badData("the request body must be a JSON object");
  return value;
}

const asObject = (value: unknown): Json => (isJsonObject(value) ? value : {});
const asString = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** Payload options every metric offers (reference §2.1, `/metrics` payload descriptors). */
const PAYLOADS = [
  { name: "legend", label: "Legend", type: "input", placeholder: "{{device_name}}", width: 30 },
  { name: "format", label: "Format", type: "select", options: [{ label: "Time series", value: "timeseries" }, { label: "Table", value: "table" }] },
  { name: "device_id", label: "Devices", type: "multi-select", placeholder: "all devices" },
];

/** Grafana's range: ISO strings in `range.from`/`range.to` (default: the last 6 hours). */
function timeRange(call: EndpointCall, request: Json): { fromMs: number; toMs: number } {
  const range = asObject(request.range ?? request.timeRange);
  const now = call.deps.now();
  const parse = (value: unknown, fallback: number, name: string) => {
    if (value === undefined) return fallback;
    const ms = typeof value === "number" ? value : Date.parse(String(value));
    if (!Number.isFinite(ms)) throw badData(`invalid range.${name} ${JSON.stringify(String(value).slice(0, 40))}`);
    return ms;
  };
  const toMs = parse(range.to, now, "to");
  return { fromMs: parse(range.from, toMs - 6 * 3_600_000, "from"), toMs };
}

/** The payload's device filter (a string or, from a multi-select, an array). */
function payloadMatchers(payload: Json): LabelMatcher[] {
  const raw = payload.device_id;
  return deviceIdMatchers((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String));
}

const health: Endpoint = async (call) => jsonPayload(200, { status: "success", data: { token: call.token.name } });

const metrics: Endpoint = async (call) => {
  const request = body(call);
  const names = await labelValues(call, "__name__");
  const wanted = asString(request.metric);
  return jsonPayload(200, names.filter((name) => !wanted || name === wanted).map((name) => ({ label: name, value: name, payloads: PAYLOADS })));
};

const metricPayloadOptions: Endpoint = async (call) => {
  const request = body(call);
  const name = asString(request.name);
  const payload = PAYLOADS.find((p) => p.name === name);
  if (!payload) throw badData(`unknown payload option ${JSON.stringify(name ?? "")}`);
  if (payload.options) return jsonPayload(200, payload.options);
  const metric = asString(request.metric);
  const matches = metric ? [formatSelector(undefined, [{ name: "__name__", op: "=", value: metric }])] : [];
  const values = await labelValues(call, name!, matches);
  // Devices are picked by name, filtered by id (names can change or repeat).
  const names = name === "device_id" ? new Map((await listDevices(call)).map((d) => [d.device_id, d.device_name])) : new Map<string, string>();
  return jsonPayload(200, values.map((value) => ({ label: names.get(value) ?? value, value })));
};

interface Target {
  target: string;
  refId: string;
  payload: Json;
}

function targetsOf(request: Json): Target[] {
  const targets = Array.isArray(request.targets) ? request.targets : [];
  return targets.map(asObject)
    .filter((t) => t.hide !== true && asString(t.target))
    .map((t) => ({ target: String(t.target), refId: asString(t.refId) ?? "A", payload: asObject(t.payload) }));
}

const query: Endpoint = async (call) => {
  const request = body(call);
  const { fromMs, toMs } = timeRange(call, request);
  const adhoc = filterMatchers(filtersOf(request));
  const intervalMs = typeof request.intervalMs === "number" && request.intervalMs > 0 ? request.intervalMs : autoStepMs(fromMs, toMs);
  const stepMs = Math.max(1000, Math.ceil(intervalMs / 1000) * 1000, Math.ceil((toMs - fromMs) / call.deps.limits.maxPointsPerSeries / 1000) * 1000);
  const parts: string[] = [];
  for (const target of targetsOf(request)) {
    const extra = [...adhoc, ...payloadMatchers(target.payload)];
    const legend = asString(target.payload.legend);
    if (target.payload.format === "table") parts.push(JSON.stringify(await table(call, target, toMs, extra, legend)));
    else parts.push(...(await timeseries(call, target, fromMs, toMs, stepMs, extra, legend)));
  }
  return jsonTextPayload(200, `[${parts.join(",")}]`);
};

async function timeseries(call: EndpointCall, target: Target, fromMs: number, toMs: number, stepMs: number,
  extra: LabelMatcher[], legend: string | undefined): Promise<string[]> {
  const result = await rangeQuery(call, target.target, fromMs, toMs, stepMs, extra);
  return timeseriesItems(result.data, target.refId, legend);
}

/** One row per series at the end of the range: Time, one column per label, Value. */
async function table(call: EndpointCall, target: Target, toMs: number, extra: LabelMatcher[], legend: string | undefined) {
  const result = await instantQuery(call, target.target, toMs, extra);
  const columns = labelColumns(result.data.map((s) => s.metric));
  return {
    type: "table",
    refId: target.refId,
    columns: [{ text: "Time", type: "time" }, ...(legend ? [{ text: "Series", type: "string" }] : []),
      ...columns.map((c) => ({ text: c, type: "string" })), { text: "Value", type: "number" }],
    rows: result.data.map((s) => [
      Math.round((s.value?.[0] ?? toMs / 1000) * 1000),
      ...(legend ? [seriesName(s.metric, legend)] : []),
      ...columns.map((c) => s.metric[c] ?? ""),
      s.value ? sampleValue(s.value[1]) : null,
    ]),
  };
}

/**
 * Variable queries, in the Prometheus data source's own mini-language so dashboards read the same:
 * `label_values(label)`, `label_values(selector, label)`, `label_names()`, `metrics(regex)`, `devices()`, or any
 * PromQL (one option per series, as `query_result()`).
 */
const variable: Endpoint = async (call) => {
  const request = body(call);
  const payload = request.payload;
  const text = (typeof payload === "string" ? payload : asString(asObject(payload).target) ?? "").trim();
  if (!text) throw badData("the variable query is empty; try label_values(device_name) or devices()");
  const { fromMs, toMs } = timeRange(call, request);
  const options = (values: string[]) => jsonPayload(200, values.map((v) => ({ __text: v, __value: v })));

  const functionCall = /^(\w+)\s*\(([\s\S]*)\)$/.exec(text);
  const fn = functionCall?.[1];
  const args = functionCall?.[2]?.trim() ?? "";
  if (fn === "label_values") {
    const comma = args.lastIndexOf(",");
    const label = (comma < 0 ? args : args.slice(comma + 1)).trim();
    const selector = comma < 0 ? [] : [args.slice(0, comma).trim()];
    return options(await labelValues(call, label, selector, fromMs, toMs));
  }
  if (fn === "label_names") return options(await labelNames(call, args ? [args] : [], fromMs, toMs));
  if (fn === "metrics") {
    const match = args ? [formatSelector(undefined, [{ name: "__name__", op: "=~", value: args }])] : [];
    return options(await labelValues(call, "__name__", match, fromMs, toMs));
  }
  if (fn === "devices" && args === "") {
    return jsonPayload(200, (await listDevices(call)).map((d) => ({ __text: d.__text, __value: d.__value })));
  }
  const result = await instantQuery(call, text, toMs);
  return options(result.data.map((s) => `${seriesName(s.metric)} ${s.value?.[1] ?? ""}`.trim()));
};

function filterSelectors(request: Json): string[] {
  const matchers = filterMatchers(filtersOf(request));
  return matchers.length === 0 ? [] : [formatSelector(undefined, matchers)];
}

const tagKeys: Endpoint = async (call) => {
  const request = body(call);
  const names = await labelNames(call, filterSelectors(request));
  return jsonPayload(200, names.filter((n) => n !== "__name__").map((text) => ({ type: "string", text })));
};

const tagValues: Endpoint = async (call) => {
  const request = body(call);
  const key = asString(request.key);
  if (!key) throw badData("tag-values needs a \"key\"");
  const values = await labelValues(call, key, filterSelectors(request));
  return jsonPayload(200, values.map((text) => ({ text })));
};

export const SIMPOD_ENDPOINTS = { health, metrics, metricPayloadOptions, query, variable, tagKeys, tagValues } satisfies Record<string, Endpoint>;
