/**
 * `AMPGATE_SELF_METRICS_INTERVAL_SECONDS`: least time between two self-metrics flushes of one execution
 * environment. Default 60 — one small request a minute per busy environment, a few dozen samples each
 * (docs/metrics.md, "What it costs"). `0` flushes after every invocation that counted something (tests and
 * demos: exact totals at once); `off` writes no self-metrics at all.
 */
export const DEFAULT_SELF_METRICS_INTERVAL_SECONDS = 60;

/** The interval in ms, or `undefined` when self-metrics are off. */
export function selfMetricsIntervalMs(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const raw = env.AMPGATE_SELF_METRICS_INTERVAL_SECONDS?.trim();
  if (raw === undefined || raw === "") return DEFAULT_SELF_METRICS_INTERVAL_SECONDS * 1000;
  if (raw.toLowerCase() === "off") return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) {
    throw new Error(`AMPGATE_SELF_METRICS_INTERVAL_SECONDS must be a number of seconds from 0 to 3600, or "off"; got ${JSON.stringify(raw)}`);
  }
  return seconds * 1000;
}
