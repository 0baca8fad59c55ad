/**
 * The query function's routes as data: functions/routes.ts (the one route table, used by infra/ and the local
 * runner) spreads this list in, and query-router.ts maps each `endpoint` to its handler, so the two cannot drift.
 * Paths use API Gateway HTTP API syntax (`{name}` captures one segment).
 */

export type QueryEndpointName =
  | "chart_page" | "query" | "query_range" | "series" | "labels" | "label_values" | "metadata" | "query_exemplars"
  | "buildinfo" | "rules" | "json" | "json_range" | "json_query" | "json_devices" | "json_energy" | "simpod_health"
  | "simpod_metrics" | "simpod_metric_payload_options" | "simpod_query" | "simpod_variable" | "simpod_tag_keys"
  | "simpod_tag_values";

export interface QueryRouteSpec {
  methods: readonly ("GET" | "POST")[];
  path: string;
  /** Stable name for logs and `ampgate_query_requests_total{endpoint}`. */
  endpoint: QueryEndpointName;
  description: string;
  /** simPod endpoints take a JSON body; every other POST is a Prometheus-style form. */
  body?: "json";
}

const BOTH = ["GET", "POST"] as const;
const GET = ["GET"] as const;
const POST = ["POST"] as const;

export const QUERY_ROUTES: readonly QueryRouteSpec[] = [
  { methods: GET, path: "/", endpoint: "chart_page", description: "Built-in chart page: paste a read token, see devices, power, climate, energy and cost" },
  { methods: BOTH, path: "/api/v1/query", endpoint: "query", description: "Prometheus instant query (Grafana, alerting)" },
  { methods: BOTH, path: "/api/v1/query_range", endpoint: "query_range", description: "Prometheus range query" },
  { methods: BOTH, path: "/api/v1/series", endpoint: "series", description: "Prometheus series metadata (repeated match[])" },
  { methods: BOTH, path: "/api/v1/labels", endpoint: "labels", description: "Prometheus label names" },
  { methods: GET, path: "/api/v1/label/{name}/values", endpoint: "label_values", description: "Prometheus label values" },
  { methods: GET, path: "/api/v1/metadata", endpoint: "metadata", description: "Prometheus metric metadata" },
  { methods: BOTH, path: "/api/v1/query_exemplars", endpoint: "query_exemplars", description: "Exemplars (AMP has none: always empty)" },
  { methods: GET, path: "/api/v1/status/buildinfo", endpoint: "buildinfo", description: "Build info of ampgate's query API" },
  { methods: GET, path: "/api/v1/rules", endpoint: "rules", description: "Rules probe (none exposed)" },
  { methods: GET, path: "/json", endpoint: "json", description: "JSON API/Infinity health check: the read token's name" },
  { methods: GET, path: "/json/range", endpoint: "json_range", description: "Long rows of a range query for JSON API/Infinity" },
  { methods: GET, path: "/json/query", endpoint: "json_query", description: "Long rows of an instant query for JSON API/Infinity" },
  { methods: GET, path: "/json/devices", endpoint: "json_devices", description: "SwitchBot devices, one row each" },
  { methods: GET, path: "/json/energy", endpoint: "json_energy", description: "kWh and cost per device per day or month" },
  { methods: GET, path: "/grafana-json", endpoint: "simpod_health", description: "simPod JSON data source: Save & test" },
  { methods: POST, path: "/grafana-json/metrics", endpoint: "simpod_metrics", body: "json", description: "simPod JSON: metric picker" },
  { methods: POST, path: "/grafana-json/metric-payload-options", endpoint: "simpod_metric_payload_options", body: "json", description: "simPod JSON: payload options" },
  { methods: POST, path: "/grafana-json/query", endpoint: "simpod_query", body: "json", description: "simPod JSON: panel queries" },
  { methods: POST, path: "/grafana-json/variable", endpoint: "simpod_variable", body: "json", description: "simPod JSON: variable queries" },
  { methods: POST, path: "/grafana-json/tag-keys", endpoint: "simpod_tag_keys", body: "json", description: "simPod JSON: ad-hoc filter keys" },
  { methods: POST, path: "/grafana-json/tag-values", endpoint: "simpod_tag_values", body: "json", description: "simPod JSON: ad-hoc filter values" },
];
