/**
 * `GET /json/energy?from=&to=&period=day|month[&device_id=…]` — kWh and cost per device per local day or month:
 *
 *   {"status":"success","period":"day","from":…,"to":…,
 *    "tariff":{"configured":true,"currency":"EUR","timezone":"Europe/Berlin","bands":[{"name":"day","pricePerKwh":0.34},…]},
 *    "rows":[{"period":"2026-07-01","start":1782856800000,"device_id":"6055F9…","device_name":"Washing machine",
 *             "kwh":1.234,"cost":0.41,"kwh_day":1.0,"cost_day":0.34,"kwh_night":0.234,"cost_night":0.07}, …],
 *    "totals":[{"device_id":…,"device_name":…,"kwh":…,"cost":…}]}
 *
 * Every row has the same fields, so JSON API/Infinity tables need only `$.rows[*].<field>` paths; the chart page
 * draws daily bars from the same rows.
 */
import { badData } from "../prometheus-errors";
import { rangeQuery } from "../prometheus-reader";
import type { Endpoint } from "../query-context";
import { jsonPayload } from "../query-response";
import { dashboardRange } from "../json/grafana-time";
import { escapeRegexLiteral, type LabelMatcher } from "../promql/label-matcher";
import { type CounterSeries, type EnergyPeriod, energyGrid, energyReport } from "./energy-report";

export const ENERGY_COUNTER = "switchbot_energy_watt_hours_total";

/** Under Prometheus's 11,000 points per query, with the baseline boundary included. */
const POINTS_PER_CHUNK = 10_000;
/** A year of months, with room for the partial months at both ends. */
export const MAX_ENERGY_RANGE_MS = 400 * 86_400_000;

const energy: Endpoint = async (call) => {
  const requested = call.params.get("period") ?? "day";
  if (requested !== "day" && requested !== "month") throw badData(`invalid parameter "period": use day or month, not ${JSON.stringify(requested.slice(0, 20))}`);
  const period: EnergyPeriod = requested;
  const now = call.deps.now();
  const { fromMs, toMs } = dashboardRange(call.params, now);
  const tariff = call.deps.tariff;
  const grid = energyGrid(fromMs, Math.min(toMs, now), period, tariff);
  if (grid.end - grid.start > MAX_ENERGY_RANGE_MS) throw badData("the energy report covers at most 400 days; choose a shorter range");
  // Each query stays inside both the point limit and the range limit.
  const chunkMs = Math.min(POINTS_PER_CHUNK * grid.stepMs, Math.floor(call.deps.limits.maxRangeMs / grid.stepMs) * grid.stepMs);
  const devices = call.params.getAll("device_id").filter((id) => id !== "" && id !== "$__all");
  const filter: LabelMatcher[] = devices.length === 0 ? [] : [{ name: "device_id", op: "=~", value: devices.map(escapeRegexLiteral).join("|") }];

  const query = `last_over_time(${ENERGY_COUNTER}[${grid.stepMs / 1000}s])`;
  const series = new Map<string, CounterSeries>();
  for (let chunkStart = grid.start; chunkStart < grid.end; chunkStart += chunkMs) {
    const chunkEnd = Math.min(grid.end, chunkStart + chunkMs);
    const result = await rangeQuery(call, query, chunkStart, chunkEnd, grid.stepMs, filter);
    for (const s of result.data) {
      const key = JSON.stringify(Object.entries(s.metric).sort());
      const entry = series.get(key) ?? { labels: s.metric, points: [] };
      for (const [t, v] of s.values ?? []) {
        const ms = Math.round(t * 1000);
        const value = Number(v);
        const last = entry.points[entry.points.length - 1];
        if (Number.isFinite(value) && (!last || last[0] < ms)) entry.points.push([ms, value]);
      }
      series.set(key, entry);
    }
  }
  const report = energyReport([...series.values()], grid, period, tariff);
  return jsonPayload(200, {
    status: "success",
    period,
    from: grid.start,
    to: grid.end,
    tariff: { configured: tariff.configured, currency: tariff.currency, timezone: tariff.timezone, bands: tariff.bands },
    rows: report.rows,
    totals: report.totals,
  });
};

export const ENERGY_ENDPOINTS = { energy } satisfies Record<string, Endpoint>;
