/**
 * A real backend for the query tests: Prometheus 2.42 behind the SigV4-verifying AMP stand-in, written to with
 * the real remote-write client and read by the real query router through the signed AMP client — the same
 * path as in Lambda, minus API Gateway (contract tests that need API Gateway use the local stack instead).
 *
 * Prometheus is started with an out-of-order window so tests can write days of history ending "now"
 * (a plain TSDB only takes samples near its head).
 */
import { gunzipSync } from "node:zlib";
import { createAmpWriter, type AmpWriter } from "@ampgate/core/amp/remote-write-client";
import { createAmpHttpClient, type AmpHttpClient } from "@ampgate/core/amp/signed-client";
import { createSigV4Signer } from "@ampgate/core/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "@ampgate/core/amp/workspace-endpoint";
import { hashToken } from "@ampgate/core/auth/token-hash";
import type { ReadToken } from "@ampgate/core/auth/read-tokens";
import type { CoreRequest } from "@ampgate/core/http";
import { createLogger } from "@ampgate/core/log/logger";
import { UNCONFIGURED_TARIFF, type Tariff } from "@ampgate/core/query/energy/tariff";
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from "@ampgate/core/query/query-limits";
import { createQueryRouter } from "@ampgate/core/query/query-router";
import { startAmpStandin, type AmpStandin } from "../../local/amp-standin/amp-front";
import { startPrometheus, type PrometheusProcess } from "../../local/prometheus-process";
import { postRemoteWrite, writeRequest, type SeriesSpec } from "../support/remote-write";

const REGION = "eu-central-1";
const CREDENTIALS = { accessKeyId: "AKIAQUERYTEST", secretAccessKey: "query-test-secret-key" };

export const PROMETHEUS_WITH_HISTORY = "global:\n  scrape_interval: 15s\nstorage:\n  tsdb:\n    out_of_order_time_window: 400d\n";

export interface QueryBackend {
  prometheus: PrometheusProcess;
  standin: AmpStandin;
  amp: AmpHttpClient;
  /** Remote-write these series through the stand-in (signed, as the ingest Lambda writes). */
  write(series: readonly SeriesSpec[]): Promise<void>;
  /** An instant query straight at Prometheus (no enforcement): the oracle for differential tests. */
  promQuery(query: string, timeMs: number): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startQueryBackend(): Promise<QueryBackend> {
  const prometheus = await startPrometheus({ mode: "server", config: PROMETHEUS_WITH_HISTORY });
  const standin = await startAmpStandin({ prometheusUrl: prometheus.url, workspaceId: "ws-query-test", region: REGION, credentials: CREDENTIALS });
  const amp = createAmpHttpClient({
    endpoint: parseWorkspaceEndpoint(standin.workspaceUrl, { region: REGION }),
    signer: createSigV4Signer({ region: REGION, credentials: async () => CREDENTIALS }),
  });
  const writer: AmpWriter = createAmpWriter({ client: amp, acceptedParts: false, retry: { baseDelayMs: 20, maxDelayMs: 100 } });
  return {
    prometheus,
    standin,
    amp,
    async write(series) {
      // Chronological batches: Prometheus takes out-of-order samples only within its window, in any order.
      await writer.write(writeRequest(series), { deadline: Date.now() + 20_000 });
    },
    async promQuery(query, timeMs) {
      const response = await fetch(`${prometheus.url}/api/v1/query`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ query, time: String(timeMs / 1000) }),
      });
      return response.json();
    },
    async stop() {
      await standin.close();
      await prometheus.stop();
    },
  };
}

/** Push series through a local stack's own ingest route (real remote write, stamped with its ingest token). */
export async function pushToStack(stack: { url: string; ingestToken: string }, series: readonly SeriesSpec[]): Promise<number> {
  const response = await postRemoteWrite(`${stack.url}/api/v1/write`, writeRequest(series), { authorization: `Bearer ${stack.ingestToken}` });
  return response.status;
}

/** A read token record and the plain token that matches it. */
export function readToken(name: string, matchers: ReadToken["matchers"] = []): { token: string; record: ReadToken } {
  const token = `ag_test_${name}_${Math.random().toString(36).slice(2)}`;
  return { token, record: { name, sha256: hashToken(token), matchers } };
}

export interface CallOptions {
  token?: string;
  query?: Record<string, string | string[]>;
  /** Sent as an application/x-www-form-urlencoded body. */
  form?: Record<string, string | string[]>;
  /** Sent as a JSON body. */
  json?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  /** The body exactly as the router returned it (compressed if it compressed). */
  raw: Buffer;
  headers: Record<string, string>;
  text: string;
  json: any;
}

function encode(params: Record<string, string | string[]> | undefined): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) for (const v of [value].flat()) out.append(key, v);
  return out;
}

export interface RouterOptions {
  tokens: ReadToken[];
  tariff?: Tariff;
  limits?: Partial<QueryLimits>;
  now?: () => number;
}

/** The query router over a backend, called with CoreRequests as functions/query.ts would call it. */
export function queryClient(backend: Pick<QueryBackend, "amp">, options: RouterOptions) {
  const route = createQueryRouter({
    upstream: backend.amp,
    readTokens: async () => options.tokens,
    limits: { ...DEFAULT_QUERY_LIMITS, ...options.limits },
    tariff: options.tariff ?? UNCONFIGURED_TARIFF,
    now: options.now ?? Date.now,
    version: "test",
  });
  const log = createLogger({ level: "error" });
  return async function call(method: string, path: string, call: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string> = { ...call.headers };
    if (call.token) headers.authorization = `Bearer ${call.token}`;
    let body = new Uint8Array(0);
    if (call.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new Uint8Array(Buffer.from(encode(call.form).toString()));
    } else if (call.json !== undefined) {
      headers["content-type"] = "application/json";
      body = new Uint8Array(Buffer.from(JSON.stringify(call.json)));
    }
    const request: CoreRequest = {
      method, routeKey: `${method} ${path}`, path, headers, query: encode(call.query), pathParameters: {}, body,
      requestId: "test", sourceIp: "127.0.0.1",
    };
    const response = await route(request, { deadline: Date.now() + 20_000, log });
    const raw = typeof response.body === "string" ? Buffer.from(response.body) : Buffer.from(response.body);
    const text = (response.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, raw, text, json };
  };
}
