/**
 * Times as dashboards put them in URLs: Grafana's `${__from}`/`${__to}` are epoch milliseconds, its
 * `:date:seconds` format and Infinity's `${__timeFrom:date:seconds}` are seconds, people type ISO dates or
 * `now-6h`. A bare number is read as milliseconds from 1e11 up (1973 in ms, year 5138 in seconds), seconds below.
 */
import { badData } from "../prometheus-errors";
import { parseDurationParam, parseTimeParam } from "../prometheus-time";

const MS_THRESHOLD = 1e11;

export function parseDashboardTime(value: string, name: string, now: number): number {
  const trimmed = value.trim();
  if (trimmed === "now") return now;
  if (trimmed.startsWith("now-")) return now - parseDurationParam(trimmed.slice(4), name);
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const number = Number(trimmed);
    return number >= MS_THRESHOLD ? Math.round(number) : Math.round(number * 1000);
  }
  return parseTimeParam(trimmed, name);
}

export interface DashboardRange {
  fromMs: number;
  toMs: number;
}

/** `from`/`to` (default: the last 6 hours, Grafana's default range). */
export function dashboardRange(params: URLSearchParams, now: number): DashboardRange {
  const to = params.get("to");
  const from = params.get("from");
  const toMs = to ? parseDashboardTime(to, "to", now) : now;
  const fromMs = from ? parseDashboardTime(from, "from", now) : toMs - 6 * 3_600_000;
  if (fromMs > toMs) throw badData(`"from" (${new Date(fromMs).toISOString()}) is after "to" (${new Date(toMs).toISOString()})`);
  return { fromMs, toMs };
}

/** A step giving about `points` points over the range, never below `minStepMs`, in whole seconds. */
export function autoStepMs(fromMs: number, toMs: number, points = 720, minStepMs = 15_000): number {
  return Math.max(minStepMs, Math.ceil((toMs - fromMs) / points / 1000) * 1000);
}
