/**
 * kWh and cost per device per local day and month from real counters in Prometheus. The zone is Asia/Kolkata
 * (UTC+5:30, no DST): its days start at 18:30 UTC, so the quarter-hour grid is exercised and the expectations can
 * be computed here by plain arithmetic. Counters rise 1 Wh per minute — 1.44 kWh per day, 0.48 of it in the
 * 22:00–06:00 night band — one resets mid-morning and one has a three-hour gap.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTariff } from "@ampgate/core/query/energy/tariff";
import type { SeriesSpec } from "../support/remote-write";
import { waitFor } from "../support/wait-for";
import { queryClient, readToken, startQueryBackend, type QueryBackend } from "./query-harness";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OFFSET = 5.5 * HOUR;
const kolkataMidnight = (t: number) => Math.floor((t + OFFSET) / DAY) * DAY - OFFSET;

const NOW = Date.now();
const TODAY = kolkataMidnight(NOW);
const D1 = TODAY - 3 * DAY;
const D2 = TODAY - 2 * DAY;
const D4 = TODAY;
const START = D1 - HOUR;
const RESET = D2 + 10 * HOUR + 10 * MINUTE;
const GAP = [D2 + 3 * HOUR, D2 + 6 * HOUR] as const;
const D3 = TODAY - DAY;
const APPEARS = D3 + 12 * HOUR + 10 * MINUTE;

const TARIFF = parseTariff(JSON.stringify({
  currency: "INR", timezone: "Asia/Kolkata",
  bands: [{ name: "night", from: "22:00", to: "06:00", pricePerKwh: 0.2 }, { name: "day", from: "06:00", to: "22:00", pricePerKwh: 0.4 }],
}));

function counter(device_id: string, device_name: string, value: (t: number) => number | undefined): SeriesSpec {
  const samples: Array<[number, number]> = [];
  for (let t = START; t <= NOW - MINUTE; t += 5 * MINUTE) {
    const v = value(t);
    if (v !== undefined) samples.push([t, v]);
  }
  return { labels: { __name__: "switchbot_energy_watt_hours_total", device_id, device_name, household: "home" }, samples };
}

const steady = (t: number) => (t - START) / MINUTE;
const SERIES = [
  counter("E1", "Kettle", steady),
  counter("E2", "Fridge", (t) => (t < RESET ? steady(t) : (t - RESET) / MINUTE)),
  counter("E3", "Heater", (t) => (t > GAP[0] && t < GAP[1] ? undefined : steady(t))),
  // A new plug, first seen mid-afternoon with its counter already at 500 Wh.
  counter("E4", "Lamp", (t) => (t < APPEARS ? undefined : 500 + (t - APPEARS) / MINUTE)),
];

const reader = readToken("home", [{ name: "household", op: "=", value: "home" }]);
let backend: QueryBackend;
let call: ReturnType<typeof queryClient>;

beforeAll(async () => {
  backend = await startQueryBackend();
  await backend.write(SERIES);
  call = queryClient(backend, { tokens: [reader.record], tariff: TARIFF });
  await waitFor("the counters", async () => {
    const answer = await call("GET", "/api/v1/query", { token: reader.token, query: { query: "count(last_over_time(switchbot_energy_watt_hours_total[1h]))" } });
    return answer.json?.data?.result?.[0]?.value[1] === "4" ? true : undefined;
  });
});

afterAll(async () => {
  await backend?.stop();
});

const energy = (params: Record<string, string | string[]>) =>
  call("GET", "/json/energy", { token: reader.token, query: { from: String(D1), to: String(D4), ...params } });

describe("/json/energy", () => {
  it("gives kWh and cost per device per local day, split by tariff band", async () => {
    const answer = await energy({ period: "day" });
    expect(answer.status).toBe(200);
    expect(answer.json.tariff).toEqual({ configured: true, currency: "INR", timezone: "Asia/Kolkata", bands: [{ name: "night", pricePerKwh: 0.2 }, { name: "day", pricePerKwh: 0.4 }] });
    expect(answer.json.from).toBe(D1);
    const rows = answer.json.rows as Array<Record<string, any>>;
    const iso = (t: number) => new Date(t + OFFSET).toISOString().slice(0, 10);
    expect(rows.map((r) => `${r.device_name} ${r.period}`)).toEqual([
      ...["Fridge", "Heater", "Kettle"].flatMap((name) => [D1, D2, D3].map((day) => `${name} ${iso(day)}`)),
      `Lamp ${iso(D3)}`,
    ]);
    // From its first reading at 12:10 to midnight: 590 min in the day band, 120 min at night.
    expect(rows.find((r) => r.device_name === "Lamp")).toMatchObject({ kwh: 0.71, kwh_day: 0.59, kwh_night: 0.12 });
    for (const row of rows.filter((r) => r.device_name !== "Lamp")) {
      expect(row.start).toBe(D1 + [iso(D1), iso(D2), iso(D2 + DAY)].indexOf(row.period) * DAY);
      const fridgeResetDay = row.device_name === "Fridge" && row.period === iso(D2);
      // The 10 Wh between the last reading before the reset and the reset are unknowable (Prometheus's reset rule).
      expect(row).toMatchObject({
        kwh: fridgeResetDay ? 1.43 : 1.44,
        kwh_night: 0.48,
        kwh_day: fridgeResetDay ? 0.95 : 0.96,
        cost_night: 0.096,
        cost_day: fridgeResetDay ? 0.38 : 0.384,
        cost: fridgeResetDay ? 0.476 : 0.48,
      });
    }
    expect(answer.json.totals).toEqual([
      { device_id: "E2", device_name: "Fridge", kwh: 4.31, cost: 1.436 },
      { device_id: "E3", device_name: "Heater", kwh: 4.32, cost: 1.44 },
      { device_id: "E1", device_name: "Kettle", kwh: 4.32, cost: 1.44 },
      { device_id: "E4", device_name: "Lamp", kwh: 0.71, cost: 0.26 },
    ]);
  });

  it("adds days up exactly into months", async () => {
    const months = await energy({ period: "month" });
    // A month report starts at the local start of the month; ask for the days of exactly that span.
    const days = await energy({ period: "day", from: String(months.json.from) });
    expect(days.json.from).toBe(months.json.from);
    const sum = (rows: Array<{ device_id: string; kwh: number }>, id: string) => rows.filter((r) => r.device_id === id).reduce((s, r) => s + r.kwh, 0);
    for (const id of ["E1", "E2", "E3", "E4"]) expect(sum(months.json.rows, id)).toBeCloseTo(sum(days.json.rows, id), 6);
    expect(months.json.rows.every((r: any) => /^\d{4}-\d{2}$/.test(r.period))).toBe(true);
  });

  it("filters by device and keeps every row's fields the same (equal-length Grafana columns)", async () => {
    const answer = await energy({ period: "day", device_id: ["E1", "E3"] });
    expect(new Set(answer.json.rows.map((r: any) => r.device_id))).toEqual(new Set(["E1", "E3"]));
    const keys = answer.json.rows.map((r: object) => Object.keys(r).sort().join(","));
    expect(new Set(keys).size).toBe(1);
  });

  it("prices at 0 and says so when no tariff is configured", async () => {
    const plain = queryClient(backend, { tokens: [reader.record] });
    const answer = await plain("GET", "/json/energy", { token: reader.token, query: { from: String(D1), to: String(D2), period: "day" } });
    expect(answer.json.tariff.configured).toBe(false);
    expect(answer.json.rows.length).toBeGreaterThan(0);
    expect(answer.json.rows.every((r: any) => r.cost === 0 && r.kwh > 0)).toBe(true);
  });

  it("refuses a period it does not know", async () => {
    expect((await energy({ period: "week" })).status).toBe(400);
  });
});
