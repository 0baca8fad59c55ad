import { describe, expect, it } from "vitest";
import { energyGrid, energyReport, type CounterReading } from "../../src/query/energy/energy-report";
import { parseTariff, UNCONFIGURED_TARIFF } from "../../src/query/energy/tariff";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const D0 = Date.UTC(2026, 6, 1); // a Wednesday, UTC
const utc = parseTariff(JSON.stringify({ currency: "EUR", timezone: "UTC", bands: [
  { name: "night", from: "22:00", to: "06:00", pricePerKwh: 0.1 },
  { name: "day", from: "06:00", to: "22:00", pricePerKwh: 0.3 },
] }));

/** Hourly readings of a counter that rises `whPerHour`, from `from` to `to` inclusive. */
function hourly(from: number, to: number, value: (t: number) => number, min?: (t: number) => number): CounterReading[] {
  const out: CounterReading[] = [];
  for (let t = from; t <= to; t += HOUR) out.push({ t, last: value(t), ...(min ? { min: min(t) } : {}) });
  return out;
}

describe("energyGrid", () => {
  it("starts at the local start of the day or month and steps hourly, or by quarter hours where the zone needs it", () => {
    expect(energyGrid(D0 + 5 * HOUR, D0 + 30 * HOUR, "day", utc)).toEqual({ start: D0, end: D0 + 30 * HOUR, stepMs: HOUR });
    expect(energyGrid(D0 + 5 * DAY, D0 + 6 * DAY, "month", utc).start).toBe(D0);
    const kolkata = parseTariff('{"timezone":"Asia/Kolkata","pricePerKwh":1}');
    const grid = energyGrid(D0 + 2 * HOUR, D0 + 3 * HOUR, "day", kolkata);
    expect(grid.stepMs).toBe(900_000);
    expect(grid.start).toBe(D0 - 5.5 * HOUR); // Kolkata's midnight is 18:30 UTC the day before
  });

  it("follows DST: a Berlin day in late March is 23 hours long", () => {
    const berlin = parseTariff('{"timezone":"Europe/Berlin","pricePerKwh":1}');
    const sunday = Date.UTC(2026, 2, 29, 12); // DST starts 2026-03-29 02:00 local
    const day = energyGrid(sunday, sunday, "day", berlin).start;
    const next = energyGrid(sunday + DAY, sunday + DAY, "day", berlin).start;
    expect(day).toBe(Date.UTC(2026, 2, 28, 23));
    expect(next - day).toBe(23 * HOUR);
  });
});

describe("energyReport", () => {
  const grid = { start: D0, end: D0 + 2 * DAY, stepMs: HOUR };

  it("sums hourly differences per local day and band, and prices them", () => {
    const report = energyReport([{ labels: { device_id: "P1", device_name: "Kettle" }, points: hourly(D0, D0 + 2 * DAY, (t) => (t - D0) / HOUR * 100) }], grid, "day", utc);
    expect(report.rows).toEqual([
      { period: "2026-07-01", start: D0, device_id: "P1", device_name: "Kettle", kwh: 2.4, cost: 0.56, kwh_night: 0.8, cost_night: 0.08, kwh_day: 1.6, cost_day: 0.48 },
      { period: "2026-07-02", start: D0 + DAY, device_id: "P1", device_name: "Kettle", kwh: 2.4, cost: 0.56, kwh_night: 0.8, cost_night: 0.08, kwh_day: 1.6, cost_day: 0.48 },
    ]);
    expect(report.totals).toEqual([{ device_id: "P1", device_name: "Kettle", kwh: 4.8, cost: 1.12 }]);
  });

  it("treats a drop as a restart from zero and carries a gap's energy to where the counter is seen again", () => {
    const reset = D0 + 10 * HOUR;
    const points = hourly(D0, D0 + DAY, (t) => (t < reset ? (t - D0) / HOUR * 100 : 40 + (t - reset) / HOUR * 100))
      .filter((p) => p.t <= D0 + 3 * HOUR || p.t >= D0 + 7 * HOUR);
    const [row] = energyReport([{ labels: { device_id: "P2", device_name: "Fridge" }, points }], grid, "day", UNCONFIGURED_TARIFF).rows;
    // Nine hours of 100 Wh before the reset, 40 Wh for the hour it reset in (not the 100 that flowed), 14 h after;
    // hours 4–6 have no readings, and their energy lands in hour 7.
    expect(row!.kwh).toBeCloseTo(0.9 + 0.04 + 1.4, 9);
  });

  it("counts a counter that appears mid-range from its first sample (min_over_time), not from zero and not never", () => {
    const appears = D0 + 20 * HOUR;
    const points = hourly(appears, D0 + DAY, (t) => 5000 + (t - appears) / HOUR * 100, (t) => (t === appears ? 4990 : 5000 + (t - appears - HOUR) / HOUR * 100));
    const [row] = energyReport([{ labels: { device_id: "P3" }, points }], grid, "day", UNCONFIGURED_TARIFF).rows;
    expect(row!.kwh).toBeCloseTo((10 + 4 * 100) / 1000, 9);
    expect(row!.device_name).toBe("P3");
  });

  it("adds the channels of one device after their own differences", () => {
    const rising = (rate: number) => hourly(D0, D0 + DAY, (t) => (t - D0) / HOUR * rate);
    const report = energyReport([
      { labels: { device_id: "R1", device_name: "Relay", channel: "1" }, points: rising(10) },
      { labels: { device_id: "R1", device_name: "Relay", channel: "2" }, points: rising(30) },
    ], grid, "day", UNCONFIGURED_TARIFF);
    expect(report.rows.map((r) => r.kwh)).toEqual([0.96]);
  });

  it("keeps a row for a day with data but no energy", () => {
    const report = energyReport([{ labels: { device_id: "Z" }, points: hourly(D0, D0 + DAY, () => 7) }], grid, "day", UNCONFIGURED_TARIFF);
    expect(report.rows).toHaveLength(1);
    expect(report.rows[0]!.kwh).toBe(0);
  });
});
