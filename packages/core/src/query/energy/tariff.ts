/**
 * The electricity tariff the energy endpoint prices kWh with, from the `TARIFF` environment variable (JSON):
 *
 *   flat:          {"currency":"EUR","timezone":"Europe/Berlin","pricePerKwh":0.32}
 *   time of day:   {"currency":"GBP","timezone":"Europe/London","bands":[
 *                    {"name":"night","from":"00:30","to":"07:30","pricePerKwh":0.09},
 *                    {"name":"peak","from":"16:00","to":"19:00","days":["mon","tue","wed","thu","fri"],"pricePerKwh":0.42},
 *                    {"name":"day","from":"07:30","to":"16:00","pricePerKwh":0.27},
 *                    {"name":"day","from":"19:00","to":"00:30","pricePerKwh":0.27},
 *                    {"name":"day","from":"16:00","to":"19:00","days":["sat","sun"],"pricePerKwh":0.27}]}
 *
 * Bands are local wall-clock intervals [from, to) in `timezone`; `to` before `from` wraps past midnight, "24:00"
 * means midnight at the end of the day; `days` limits a band to weekdays. Every quarter hour of every weekday
 * must be covered by exactly one band (checked here, so a gap or overlap is a start-up error, not a wrong bill).
 * Bands sharing a name are one band for reporting (`kwh_day`, `cost_day`), and must share the price.
 */
import * as v from "valibot";
import { checkTimeZone } from "./local-time";

const SLOT_MINUTES = 15;
const SLOTS_PER_DAY = (24 * 60) / SLOT_MINUTES;
const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

export interface TariffBand {
  name: string;
  pricePerKwh: number;
}

export interface Tariff {
  currency: string;
  timezone: string;
  /** Distinct bands by name, in the order first configured. */
  bands: TariffBand[];
  /** `slots[weekday][quarterHour]` = index into `bands`. */
  slots: number[][];
  /** False when no TARIFF was configured (prices are then 0 and the chart page says so). */
  configured: boolean;
  /** True when every band boundary is on a whole hour (hourly resolution suffices). */
  hourAligned: boolean;
}

export class TariffConfigError extends Error {
  override readonly name = "TariffConfigError";
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const price = v.pipe(v.number(), v.minValue(0), v.maxValue(1000));
const BandSchema = v.object({
  name: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,30}$/, "band names are lower-case a-z, 0-9, _ (they become field names)")),
  from: v.pipe(v.string(), v.regex(TIME, "times are HH:MM")),
  to: v.pipe(v.string(), v.regex(TIME, "times are HH:MM")),
  days: v.optional(v.array(v.picklist(DAY_NAMES))),
  pricePerKwh: price,
});
const TariffSchema = v.object({
  currency: v.optional(v.pipe(v.string(), v.maxLength(8)), ""),
  timezone: v.optional(v.string(), "UTC"),
  pricePerKwh: v.optional(price),
  bands: v.optional(v.pipe(v.array(BandSchema), v.minLength(1))),
});

const minutes = (time: string) => (time === "24:00" ? 1440 : Number(time.slice(0, 2)) * 60 + Number(time.slice(3)));

export const UNCONFIGURED_TARIFF: Tariff = {
  currency: "", timezone: "UTC", bands: [{ name: "flat", pricePerKwh: 0 }],
  slots: Array.from({ length: 7 }, () => new Array<number>(SLOTS_PER_DAY).fill(0)), configured: false, hourAligned: true,
};

export function parseTariff(json: string | undefined): Tariff {
  if (json === undefined || json.trim() === "") return UNCONFIGURED_TARIFF;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new TariffConfigError("TARIFF is not valid JSON");
  }
  const result = v.safeParse(TariffSchema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    throw new TariffConfigError(`TARIFF ${v.getDotPath(issue) ?? ""}: ${issue.message}`);
  }
  const config = result.output;
  try {
    checkTimeZone(config.timezone);
  } catch {
    throw new TariffConfigError(`TARIFF timezone ${JSON.stringify(config.timezone)} is not an IANA time zone such as "Europe/Berlin"`);
  }
  if ((config.pricePerKwh === undefined) === (config.bands === undefined)) {
    throw new TariffConfigError("TARIFF needs either pricePerKwh (flat) or bands (time of day), not both or neither");
  }
  const configuredBands = config.bands ?? [{ name: "flat", from: "00:00", to: "24:00", pricePerKwh: config.pricePerKwh! }];
  const bands: TariffBand[] = [];
  const slots = Array.from({ length: 7 }, () => new Array<number>(SLOTS_PER_DAY).fill(-1));
  let hourAligned = true;
  for (const band of configuredBands) {
    let index = bands.findIndex((b) => b.name === band.name);
    if (index < 0) index = bands.push({ name: band.name, pricePerKwh: band.pricePerKwh }) - 1;
    if (bands[index]!.pricePerKwh !== band.pricePerKwh) throw new TariffConfigError(`TARIFF band "${band.name}" has two different prices`);
    const from = minutes(band.from);
    const to = minutes(band.to);
    if (from % SLOT_MINUTES !== 0 || to % SLOT_MINUTES !== 0) throw new TariffConfigError(`TARIFF band "${band.name}": times must be on a quarter hour`);
    if (from % 60 !== 0 || to % 60 !== 0) hourAligned = false;
    if (from === to) throw new TariffConfigError(`TARIFF band "${band.name}" is empty (from equals to)`);
    const days = band.days?.map((d) => DAY_NAMES.indexOf(d)) ?? [0, 1, 2, 3, 4, 5, 6];
    for (const day of days) {
      // A band that wraps past midnight continues on the next day's early slots.
      for (let m = from; m !== to; m = (m + SLOT_MINUTES) % 1440) {
        const wrapped = m < from;
        const weekday = wrapped ? (day + 1) % 7 : day;
        const slot = m / SLOT_MINUTES;
        const row = slots[weekday]!;
        if (row[slot] !== -1) {
          throw new TariffConfigError(`TARIFF bands overlap on ${DAY_NAMES[weekday]} at ${clock(m)} ("${bands[row[slot]!]!.name}" and "${band.name}")`);
        }
        row[slot] = index;
        if (to === 1440 && m + SLOT_MINUTES === 1440) break;
      }
    }
  }
  slots.forEach((row, weekday) => {
    const gap = row.indexOf(-1);
    if (gap >= 0) throw new TariffConfigError(`TARIFF bands leave ${DAY_NAMES[weekday]} ${clock(gap * SLOT_MINUTES)} uncovered`);
  });
  return { currency: config.currency, timezone: config.timezone, bands, slots, configured: true, hourAligned };
}

const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/** The band in force at a local weekday and minute of the day. */
export function bandAt(tariff: Tariff, weekday: number, minuteOfDay: number): number {
  return tariff.slots[weekday]![Math.floor(minuteOfDay / SLOT_MINUTES)]!;
}
