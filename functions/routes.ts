/**
 * The one route table. `infra/api.ts` creates exactly these API Gateway routes, and the local runner serves
 * exactly these paths, so the deployed API and `npm start` cannot drift (test/infra checks both ways).
 *
 * `path` uses API Gateway HTTP API syntax: `{name}` captures one segment, a trailing `{name+}` captures the rest.
 * `fn` names the Lambda (a module `functions/<fn>.ts` exporting `handler`).
 */

import type { PushFormatName } from "@ampgate/core/ingest/push-formats";
import { QUERY_ROUTES } from "@ampgate/core/query/query-routes";

export type HttpFunctionName = "ingest" | "query" | "webhook";
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "ANY";

export interface HttpRoute {
  method: HttpMethod;
  path: string;
  fn: HttpFunctionName;
  /** One line for the README and the status page. */
  description: string;
  /** For ingest routes: which push format decodes the body (packages/core/src/ingest/push-formats.ts). */
  format?: PushFormatName;
}

export const ROUTES: readonly HttpRoute[] = [
  // ── ingest: every push format becomes one validated remote-write batch ──
  { method: "POST", path: "/api/v1/write", fn: "ingest", format: "remote-write", description: "Prometheus remote write (Telegraf, Prometheus agent, Alloy, OTel Collector)" },
  { method: "POST", path: "/api/v2/write", fn: "ingest", format: "influx-v2", description: "InfluxDB v2 line protocol (Telegraf outputs.influxdb_v2 and outputs.http data_format=influx)" },
  { method: "POST", path: "/write", fn: "ingest", format: "influx-v1", description: "InfluxDB v1 line protocol (Telegraf outputs.influxdb, ?u=&p= or Basic auth)" },
  { method: "PUT", path: "/metrics/{proxy+}", fn: "ingest", format: "prometheus-text", description: "Pushgateway-style text push: /metrics/job/<job>{/<label>/<value>}" },
  { method: "POST", path: "/metrics/{proxy+}", fn: "ingest", format: "prometheus-text", description: "Pushgateway-style text push: /metrics/job/<job>{/<label>/<value>}" },
  { method: "POST", path: "/api/v1/push/json", fn: "ingest", format: "json", description: "JSON samples [{metric, labels, value, timestamp}] for shell and MicroPython clients" },
  { method: "POST", path: "/v1/metrics", fn: "ingest", format: "otlp", description: "OTLP/HTTP metrics, protobuf or JSON (OpenTelemetry Collector otlphttp exporter, OTel SDKs)" },
  // ── query: Prometheus HTTP API, JSON API/Infinity, simPod JSON, energy, chart page (core query/query-routes.ts) ──
  ...QUERY_ROUTES.flatMap((r) => r.methods.map((method) => ({ method, path: r.path, fn: "query" as const, description: r.description }))),
  // ── webhook: SwitchBot changeReport deliveries; {secret} is the SSM webhook-path-secret (anything else is 404) ──
  { method: "POST", path: "/switchbot/webhook/{secret}", fn: "webhook", description: "SwitchBot webhook deliveries (register the URL with npm run switchbot-webhook)" },
];

/** Route key as API Gateway spells it, e.g. `POST /api/v1/write`. */
export const routeKey = (route: HttpRoute): string => `${route.method} ${route.path}`;
