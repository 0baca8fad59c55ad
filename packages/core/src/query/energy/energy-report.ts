/**
 * kWh and cost per device per local day or month, from the energy counters (`switchbot_energy_watt_hours_total`).
 *
 * Method: read each counter at every step boundary of a grid aligned to the tariff's resolution (hourly, or
 * quarter-hourly when a band or the zone's UTC offset is not on the hour), with `last_over_time(counter[step])`.
 * The difference between consecutive boundaries is the energy of that interval — exact, with none of
 * `increase()`'s extrapolation at window edges, so days add up to the month and the month to the counter's own
 * difference. A counter that went down restarted from zero (Prometheus's reset rule: the new value is the
 * increase). After a gap (no sample at some boundaries) the energy of the whole gap lands in the interval
 * where the counter is seen again. A counter first seen inside the range has no earlier boundary: its first
 * interval counts from its first sample there (`min_over_time`, the smallest value of a rising counter), so a
 * device that appeared ten minutes ago has ten minutes of energy, not none.
 * Each interval is priced at the band in force at its start, local time.
 * Channels of one device (Relay Switch 2PM) are summed after their own differences, so a reset of one channel
 * cannot distort the other.
 */
import { bandAt, type Tariff } from "./tariff";
import { isoDate, isoMonth, localMidnight, localParts, utcOffsetMinutes } from "./local-time";

export type EnergyPeriod = "day" | "month";

export interface CounterReading {
  /** Epoch ms of a grid boundary. */
  t: number;
  /** The counter's last value in the interval ending at `t`, Wh. */
  last: number;
  /** Its smallest value in that interval (the first sample, for a rising counter), Wh. */
  min?: number;
}

export interface CounterSeries {
  labels: Record<string, string>;
  /** Readings at grid boundaries, ascending. */
  points: CounterReading[];
}

export interface EnergyGrid {
  /** First boundary (the baseline reading) — the start of the first period, local time. */
  start: number;
  end: number;
  stepMs: number;
}

export interface EnergyRow {
  period: string;
  /** Epoch ms of the period's local start. */
  start: number;
  device_id: string;
  device_name: string;
  kwh: number;
  cost: number;
  /** `kwh_<band>` and `cost_<band>` for every band of the tariff. */
  [bandField: string]: string | number;
}

export interface EnergyReport {
  rows: EnergyRow[];
  totals: Array<{ device_id: string; device_name: string; kwh: number; cost: number }>;
}

/** The grid for [from, to]: starts at the local start of `from`'s day or month, quarter-hourly where needed. */
export function energyGrid(fromMs: number, toMs: number, period: EnergyPeriod, tariff: Tariff): EnergyGrid {
  const p = localParts(fromMs, tariff.timezone);
  const start = localMidnight(p.year, p.month, period === "day" ? p.day : 1, tariff.timezone);
  const wholeHours = tariff.hourAligned
    && utcOffsetMinutes(start, tariff.timezone) % 60 === 0 && utcOffsetMinutes(toMs, tariff.timezone) % 60 === 0;
  const stepMs = wholeHours ? 3_600_000 : 900_000;
  const end = start + Math.ceil((Math.max(toMs, start + stepMs) - start) / stepMs) * stepMs;
  return { start, end, stepMs };
}

interface Interval {
  period: string;
  periodStart: number;
  band: number;
}

function intervals(grid: EnergyGrid, period: EnergyPeriod, tariff: Tariff): Interval[] {
  const out: Interval[] = [];
  let currentKey = "";
  let currentStart = grid.start;
  for (let t = grid.start; t < grid.end; t += grid.stepMs) {
    const p = localParts(t, tariff.timezone);
    const key = period === "day" ? isoDate(p) : isoMonth(p);
    if (key !== currentKey) {
      currentKey = key;
      currentStart = t;
    }
    out.push({ period: key, periodStart: currentStart, band: bandAt(tariff, p.weekday, p.hour * 60 + p.minute) });
  }
  return out;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function energyReport(series: readonly CounterSeries[], grid: EnergyGrid, period: EnergyPeriod, tariff: Tariff): EnergyReport {
  const slots = intervals(grid, period, tariff);
  const bandCount = tariff.bands.length;
  /** device → interval index → kWh per band */
  const byDevice = new Map<string, { name: string; energy: Map<number, Float64Array> }>();
  for (const s of series) {
    const id = s.labels.device_id ?? "";
    const device = byDevice.get(id) ?? { name: s.labels.device_name ?? id, energy: new Map() };
    if (s.labels.device_name) device.name = s.labels.device_name;
    byDevice.set(id, device);
    let previous: number | undefined;
    for (const { t, last, min } of s.points) {
      const index = Math.round((t - grid.start) / grid.stepMs) - 1;
      const slot = slots[index];
      const wh = previous === undefined
        ? (index >= 0 && min !== undefined ? last - min : 0) // first appearance: from its first sample
        : last >= previous ? last - previous : last; // a drop is a restart from zero
      if (slot && (previous !== undefined || min !== undefined)) {
        const cell = device.energy.get(index) ?? new Float64Array(bandCount);
        cell[slot.band] = cell[slot.band]! + wh / 1000;
        device.energy.set(index, cell);
      }
      previous = last;
    }
  }

  const rows: EnergyRow[] = [];
  const totals: EnergyReport["totals"] = [];
  const devices = [...byDevice.entries()].sort((a, b) => a[1].name.localeCompare(b[1].name) || a[0].localeCompare(b[0]));
  for (const [id, device] of devices) {
    const periods = new Map<string, { start: number; kwh: Float64Array }>();
    for (const [index, cell] of device.energy) {
      const slot = slots[index]!;
      const entry = periods.get(slot.period) ?? { start: slot.periodStart, kwh: new Float64Array(bandCount) };
      cell.forEach((kwh, band) => { entry.kwh[band] = entry.kwh[band]! + kwh; });
      periods.set(slot.period, entry);
    }
    let deviceKwh = 0;
    let deviceCost = 0;
    for (const [key, entry] of [...periods.entries()].sort((a, b) => a[1].start - b[1].start)) {
      const row: EnergyRow = { period: key, start: entry.start, device_id: id, device_name: device.name, kwh: 0, cost: 0 };
      tariff.bands.forEach((band, i) => {
        const kwh = entry.kwh[i]!;
        row[`kwh_${band.name}`] = round(kwh, 6);
        row[`cost_${band.name}`] = round(kwh * band.pricePerKwh, 4);
        row.kwh += kwh;
        row.cost += kwh * band.pricePerKwh;
      });
      deviceKwh += row.kwh;
      deviceCost += row.cost;
      row.kwh = round(row.kwh, 6);
      row.cost = round(row.cost, 4);
      rows.push(row);
    }
    totals.push({ device_id: id, device_name: device.name, kwh: round(deviceKwh, 6), cost: round(deviceCost, 4) });
  }
  return { rows, totals };
}
