/**
 * Reading AMP as data, for the endpoints that reshape results (JSON API, Infinity, simPod, energy, devices):
 * every read goes through the same enforcement and upstream path as the Prometheus API itself.
 */
import { RequestError } from "../errors";
import { isValidLabelName } from "../remote-write/names";
import { callAmp, type EndpointCall } from "./query-context";
import { badData, executionError } from "./prometheus-errors";
import { enforceMatchList, injectIntoQuery } from "./promql/enforce-matchers";
import type { LabelMatcher } from "./promql/label-matcher";
import { checkRangeQuery } from "./query-limits";

/** `[unix seconds, "value"]`, values as strings ("NaN", "+Inf" legal). */
export type PromSample = [number, string];

export interface MatrixSeries {
  metric: Record<string, string>;
  values?: PromSample[];
}

export interface VectorSample {
  metric: Record<string, string>;
  value?: PromSample;
}

interface Envelope<T> {
  status: "success" | "error";
  data: T;
  warnings?: string[];
  error?: string;
  errorType?: string;
}

export interface Result<T> {
  data: T;
  warnings: string[];
}

/** The query a token may run: its matchers in every selector, plus any extra (ad-hoc filter) matchers. */
function scopedQuery(call: EndpointCall, query: string, extra: readonly LabelMatcher[] = []): string {
  const narrowed = extra.length > 0 ? injectIntoQuery(query, extra, "add") : query;
  return injectIntoQuery(narrowed, call.token.matchers, "enforce");
}

async function read<T>(call: EndpointCall, method: "GET" | "POST", path: string, params: URLSearchParams): Promise<Result<T>> {
  const answer = await callAmp(call, method, path, params);
  const envelope = JSON.parse(Buffer.from(answer.json).toString("utf8")) as Envelope<T>;
  if (envelope.status !== "success") {
    throw new RequestError(answer.status >= 400 ? answer.status : 422, envelope.errorType ?? "execution", envelope.error ?? "AMP returned an error");
  }
  return { data: envelope.data, warnings: envelope.warnings ?? [] };
}

export async function rangeQuery(call: EndpointCall, query: string, startMs: number, endMs: number, stepMs: number,
  extra: readonly LabelMatcher[] = []): Promise<Result<MatrixSeries[]>> {
  checkRangeQuery(startMs, endMs, stepMs, call.deps.limits);
  const params = new URLSearchParams({
    query: scopedQuery(call, query, extra),
    start: String(startMs / 1000),
    end: String(endMs / 1000),
    step: String(stepMs / 1000),
  });
  const result = await read<{ resultType: string; result: MatrixSeries[] }>(call, "POST", "/api/v1/query_range", params);
  if (result.data.resultType !== "matrix") throw executionError(`expected a matrix from query_range, got ${result.data.resultType}`);
  return { data: result.data.result, warnings: result.warnings };
}

export async function instantQuery(call: EndpointCall, query: string, timeMs: number,
  extra: readonly LabelMatcher[] = []): Promise<Result<VectorSample[]>> {
  const params = new URLSearchParams({ query: scopedQuery(call, query, extra), time: String(timeMs / 1000) });
  const result = await read<{ resultType: string; result: unknown }>(call, "POST", "/api/v1/query", params);
  if (result.data.resultType === "vector") return { data: result.data.result as VectorSample[], warnings: result.warnings };
  if (result.data.resultType === "scalar") return { data: [{ metric: {}, value: result.data.result as PromSample }], warnings: result.warnings };
  throw executionError(`expected a vector from the instant query, got ${result.data.resultType}`);
}

function metadataParams(call: EndpointCall, matches: readonly string[], startMs?: number, endMs?: number): URLSearchParams {
  const params = new URLSearchParams();
  for (const match of enforceMatchList(matches, call.token.matchers)) params.append("match[]", match);
  if (startMs !== undefined) params.set("start", String(startMs / 1000));
  if (endMs !== undefined) params.set("end", String(endMs / 1000));
  return params;
}

export async function labelNames(call: EndpointCall, matches: readonly string[] = [], startMs?: number, endMs?: number): Promise<string[]> {
  return (await read<string[]>(call, "POST", "/api/v1/labels", metadataParams(call, matches, startMs, endMs))).data;
}

export async function labelValues(call: EndpointCall, label: string, matches: readonly string[] = [], startMs?: number, endMs?: number): Promise<string[]> {
  checkLabelNameInPath(label);
  return (await read<string[]>(call, "GET", `/api/v1/label/${label}/values`, metadataParams(call, matches, startMs, endMs))).data;
}

/**
 * A label name that can stand in an API path: legacy names, which include Prometheus's `U__` escaping of UTF-8
 * names (reference §4.3). Anything else is refused before it reaches a URL.
 */
export function checkLabelNameInPath(name: string): void {
  if (!isValidLabelName(name)) throw badData(`invalid label name ${JSON.stringify(name.slice(0, 60))}`);
}

/** Prometheus sample strings → numbers; NaN/±Inf become null (JSON has no NaN; Grafana shows a gap). */
export function sampleValue(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}
