/**
 * Endpoints for Grafana's JSON API (marcusolsson) and Infinity data sources: a panel needs only a URL and plain
 * JSONPath fields (docs/grafana/README.md shows the exact settings). All are GET with query-string parameters,
 * because JSON API's own cache and Grafana's variables work on the URL (reference §1.3).
 *
 *   GET /json                       who am I (Save & test: any 200 passes)
 *   GET /json/range?query=&from=&to=&step=&legend=   long rows of a range query
 *   GET /json/query?query=&time=&legend=            long rows of an instant query (tables, stat panels)
 *   GET /json/devices                               one row per SwitchBot device (variables, tables)
 *   GET /json/energy?from=&to=&period=day|month&device_id=   kWh and cost rows (energy-endpoint.ts)
 */
import { parseDurationParam } from "../prometheus-time";
import { instantQuery, rangeQuery } from "../prometheus-reader";
import type { Endpoint, EndpointCall } from "../query-context";
import { jsonPayload, jsonTextPayload } from "../query-response";
import { optionalParam, requiredParam } from "../request-params";
import { autoStepMs, dashboardRange, parseDashboardTime } from "./grafana-time";
import { matrixRows, vectorRows } from "./long-rows";

const whoAmI: Endpoint = async (call) =>
  jsonPayload(200, { status: "success", data: { token: call.token.name, restricted: call.token.matchers.length > 0 } });

const range: Endpoint = async (call) => {
  const query = requiredParam(call.params, "query");
  const { fromMs, toMs } = dashboardRange(call.params, call.deps.now());
  const step = optionalParam(call.params, "step");
  const stepMs = step ? parseDurationParam(step, "step") : autoStepMs(fromMs, toMs);
  const result = await rangeQuery(call, query, fromMs, toMs, stepMs);
  return jsonTextPayload(200, matrixRows(result.data, result.warnings, optionalParam(call.params, "legend")));
};

const instant: Endpoint = async (call) => {
  const query = requiredParam(call.params, "query");
  const time = optionalParam(call.params, "time");
  const now = call.deps.now();
  const result = await instantQuery(call, query, time ? parseDashboardTime(time, "time", now) : now);
  return jsonTextPayload(200, vectorRows(result.data, result.warnings, optionalParam(call.params, "legend")));
};

/**
 * Devices as the poller last described them (`switchbot_device_info`, written every poll), over a lookback
 * (default 1 day) so that a device offline for a while is still listed. `__text`/`__value` make the rows usable
 * as a simPod variable too; JSON API variables use the text/value field settings instead.
 */
const DEVICE_INFO_LABELS = ["device_id", "device_name", "device_type", "hub_id", "cloud_enabled"] as const;

const devicesQuery = (lookbackSeconds: number) =>
  `max by (${DEVICE_INFO_LABELS.join(", ")}) (last_over_time(switchbot_device_info[${lookbackSeconds}s]))`;

export interface DeviceRow {
  device_id: string;
  device_name: string;
  device_type: string;
  hub_id: string;
  cloud_enabled: string;
  __text: string;
  __value: string;
}

export async function listDevices(call: EndpointCall, lookback = "1d"): Promise<DeviceRow[]> {
  const lookbackSeconds = Math.max(1, Math.round(parseDurationParam(lookback, "lookback") / 1000));
  const result = await instantQuery(call, devicesQuery(lookbackSeconds), call.deps.now());
  const byId = new Map<string, DeviceRow>();
  for (const sample of result.data) {
    const m = sample.metric;
    const id = m.device_id ?? "";
    byId.set(id, {
      device_id: id, device_name: m.device_name ?? id, device_type: m.device_type ?? "", hub_id: m.hub_id ?? "",
      cloud_enabled: m.cloud_enabled ?? "", __text: m.device_name ?? id, __value: id,
    });
  }
  return [...byId.values()].sort((a, b) => a.device_name.localeCompare(b.device_name) || a.device_id.localeCompare(b.device_id));
}

const devices: Endpoint = async (call) => {
  const rows = await listDevices(call, optionalParam(call.params, "lookback") ?? "1d");
  return jsonPayload(200, { status: "success", rows });
};

export const JSON_ENDPOINTS = { whoAmI, range, instant, devices } satisfies Record<string, Endpoint>;
