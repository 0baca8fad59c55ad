/**
 * Wall-clock time in an IANA time zone, with Node's built-in ICU (no date library): a day or a tariff band is a
 * local notion — "the washing machine's cost on Tuesday" starts at local midnight, and night rates follow the
 * clock on the wall, through DST changes.
 */

export interface LocalParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", weekday: "short", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Throws a RangeError naming the zone when it is not a valid IANA time zone. */
export function checkTimeZone(timeZone: string): void {
  formatter(timeZone);
}

export function localParts(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: WEEKDAYS[parts.weekday ?? ""] ?? 0,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Minutes the zone is ahead of UTC at `ms` (e.g. 120 for Berlin in summer, 330 for Kolkata). */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** The UTC instant at which the local wall clock shows year-month-day 00:00 (month/day may overflow, as Date.UTC). */
export function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  // Two passes: the offset at the guess may differ from the offset at midnight across a DST change.
  let guess = wall - utcOffsetMinutes(wall, timeZone) * 60_000;
  guess = wall - utcOffsetMinutes(guess, timeZone) * 60_000;
  return guess;
}

export const isoDate = (p: Pick<LocalParts, "year" | "month" | "day">): string =>
  `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;

export const isoMonth = (p: Pick<LocalParts, "year" | "month">): string => `${p.year}-${String(p.month).padStart(2, "0")}`;
