/**
 * Times and durations as Prometheus's HTTP API accepts them (web/api/v1/api.go `parseTime`, `parseDuration`):
 * a time is Unix seconds (float) or RFC 3339; a duration is float seconds or a PromQL duration (`1h30m`, `15s`).
 * Values are returned in milliseconds. Grafana sends `start`/`end` as decimal seconds and `step` as `"15"`;
 * people and dashboards also send `"15s"` and ISO dates, so all of them work.
 */
import { badData } from "./prometheus-errors";

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

export function parseTimeParam(value: string, name: string): number {
  const trimmed = value.trim();
  if (DECIMAL.test(trimmed)) {
    const seconds = Number(trimmed);
    if (Number.isFinite(seconds)) return Math.round(seconds * 1000);
  }
  if (RFC3339.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isFinite(ms)) return ms;
  }
  throw badData(`invalid parameter "${name}": cannot parse ${JSON.stringify(value.slice(0, 40))} to a valid timestamp`);
}

export function parseDurationParam(value: string, name: string): number {
  const trimmed = value.trim();
  if (DECIMAL.test(trimmed)) {
    const seconds = Number(trimmed);
    if (Number.isFinite(seconds)) return Math.round(seconds * 1000);
  }
  const match = trimmed === "" ? null : DURATION.exec(trimmed);
  if (match) return match.slice(1).reduce((sum, part, i) => sum + (part ? Number(part) * UNIT_MS[i]! : 0), 0);
  throw badData(`invalid parameter "${name}": cannot parse ${JSON.stringify(value.slice(0, 40))} to a valid duration`);
}

/** Milliseconds → `"12.5s"`-style text for messages. */
export function describeDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Number((ms / 1000).toFixed(3))}s`;
}
