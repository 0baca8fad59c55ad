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
import { deviceIdMatchers } from "../device-filter";
import { type CounterReading, type CounterSeries, type EnergyPeriod, energyGrid, energyReport } from "./energy-report";

const ENERGY_COUNTER = "switchbot_energy_watt_hours_total";
const PART_LABEL = "ampgate_part";

/**
 * The counter's last and smallest value in each step, in one query: the last reading at every boundary, and
 * the first reading of a counter that appears inside the range (energy-report.ts). `label_replace` tags which is
 * which; the label is removed again below.
 */
const counterQuery = (stepMs: number) => {
  const window = `[${stepMs / 1000}s]`;
  return `label_replace(last_over_time(${ENERGY_COUNTER}${window}), "${PART_LABEL}", "last", "", "")`
    + ` or label_replace(min_over_time(${ENERGY_COUNTER}${window}), "${PART_LABEL}", "min", "", "")`;
};

/** Under Prometheus's 11,000 points per query, with the baseline boundary included. */
const POINTS_PER_CHUNK = 10_000;
/** A year of months, with room for the partial months at both ends. */
const MAX_ENERGY_RANGE_MS = 400 * 86_400_000;

const energy: Endpoint = async (call) => {
  const requested = call.params.get("period") ?? "day";
  if (requested !== "day" && requested !== "month") throw badData(`invalid parameter "period": use day or month, not ${JSON.stringify(requested.slice(0, 20))}`);
  const period: EnergyPeriod = requested;
  const now = call.deps.now();
  const { fromMs, toMs } = dashboardRange(call.params, now);
  const tariff = call.deps.tariff;
  const grid = energyGrid(fromMs, Math.min(toMs, now), period, tariff);
  if (grid.end - grid.start > MAX_ENERGY_RANGE_MS) throw badData(`the energy report covers at most ${MAX_ENERGY_RANGE_MS / 86_400_000} days; choose a shorter range`);
  // Each query stays inside both the point limit and the range limit.
  const chunkMs = Math.min(POINTS_PER_CHUNK * grid.stepMs, Math.floor(call.deps.limits.maxRangeMs / grid.stepMs) * grid.stepMs);
  const filter = deviceIdMatchers(call.params.getAll("device_id"));

  const series = new Map<string, CounterSeries & { byTime: Map<number, CounterReading> }>();
  for (let chunkStart = grid.start; chunkStart < grid.end; chunkStart += chunkMs) {
    const chunkEnd = Math.min(grid.end, chunkStart + chunkMs);
    const result = await rangeQuery(call, counterQuery(grid.stepMs), chunkStart, chunkEnd, grid.stepMs, filter);
    for (const s of result.data) {
      // Prometheus 2.x keeps __name__ on last_over_time but drops it on min_over_time: key on the rest.
      const { [PART_LABEL]: part, __name__: _name, ...labels } = s.metric;
      const key = JSON.stringify(Object.entries(labels).sort());
      const entry = series.get(key) ?? { labels, points: [], byTime: new Map() };
      series.set(key, entry);
      for (const [t, v] of s.values ?? []) {
        const value = Number(v);
        if (!Number.isFinite(value)) continue;
        const ms = Math.round(t * 1000);
        const reading = entry.byTime.get(ms) ?? { t: ms, last: Number.NaN };
        if (part === "min") reading.min = value;
        else reading.last = value;
        entry.byTime.set(ms, reading);
      }
    }
  }
  for (const entry of series.values()) {
    entry.points = [...entry.byTime.values()].filter((r) => Number.isFinite(r.last)).sort((a, b) => a.t - b.t);
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
