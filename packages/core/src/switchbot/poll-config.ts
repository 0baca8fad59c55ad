/**
 * The poller's settings, with defaults, read from a plain map (the function passes `process.env`).
 *
 * | variable                              | default | meaning                                              |
 * |---------------------------------------|---------|------------------------------------------------------|
 * | POLL_INTERVAL_SECONDS                 | 300     | the schedule's period (must match the schedule)      |
 * | SWITCHBOT_QUOTA_DAILY_LIMIT           | 10000   | the account's daily call limit                       |
 * | SWITCHBOT_QUOTA_SHARE                 | 0.8     | share of it the poller may use (0 < share ≤ 1)      |
 * | SWITCHBOT_MAX_DEVICE_INTERVAL_SECONDS | 900     | longest acceptable gap between reads of one device   |
 * | SWITCHBOT_DEVICE_LIST_TTL_HOURS       | 6       | device-list refresh period                           |
 * | SWITCHBOT_CONCURRENCY                 | 3       | status calls in flight at once                       |
 * | SWITCHBOT_TIMEOUT_MS                  | 8000    | per-call timeout                                     |
 * | SWITCHBOT_API_URL                     | https://api.switch-bot.com | the simulator's URL locally       |
 */
import type { QuotaSettings } from "./quota-budget";

export interface PollConfig {
  quota: QuotaSettings;
  concurrency: number;
  timeoutMs: number;
  apiUrl?: string;
  /** Longest interval integrated from power readings (raised automatically when devices are spread over runs). */
  energyMaxGapMs: number;
  /** Batches older than this are not sent any more: AMP refuses samples older than about an hour. */
  maxBatchAgeMs: number;
  /** After 190 "daily limit", how long to stop calling before probing again (the reset time is undocumented). */
  quotaBackoffMs: number;
  /** Time kept back from the invocation deadline for the AMP write and the state save. */
  writeReserveMs: number;
}

export class PollConfigError extends Error {
  override readonly name = "PollConfigError";
}

export const DEFAULT_POLL_CONFIG: PollConfig = {
  quota: {
    dailyLimit: 10_000,
    share: 0.8,
    intervalSeconds: 300,
    listRefreshSeconds: 6 * 3600,
    maxDeviceIntervalSeconds: 900,
  },
  concurrency: 3,
  timeoutMs: 8_000,
  energyMaxGapMs: 15 * 60_000,
  maxBatchAgeMs: 50 * 60_000,
  quotaBackoffMs: 60 * 60_000,
  writeReserveMs: 5_000,
};

function read(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, valid: (n: number) => boolean, rule: string): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !valid(value)) throw new PollConfigError(`${name}=${JSON.stringify(raw)}: must be ${rule}`);
  return value;
}

export function pollConfigFromEnv(env: Readonly<Record<string, string | undefined>>): PollConfig {
  const d = DEFAULT_POLL_CONFIG;
  const positive = (n: number) => n > 0;
  const integer = (n: number) => Number.isInteger(n) && n > 0;
  const apiUrl = env.SWITCHBOT_API_URL?.trim();
  return {
    ...d,
    quota: {
      intervalSeconds: read(env, "POLL_INTERVAL_SECONDS", d.quota.intervalSeconds, integer, "a whole number of seconds > 0"),
      dailyLimit: read(env, "SWITCHBOT_QUOTA_DAILY_LIMIT", d.quota.dailyLimit, integer, "a whole number > 0"),
      share: read(env, "SWITCHBOT_QUOTA_SHARE", d.quota.share, (n) => n > 0 && n <= 1, "a fraction in (0, 1]"),
      maxDeviceIntervalSeconds: read(env, "SWITCHBOT_MAX_DEVICE_INTERVAL_SECONDS", d.quota.maxDeviceIntervalSeconds, positive, "seconds > 0"),
      listRefreshSeconds: read(env, "SWITCHBOT_DEVICE_LIST_TTL_HOURS", d.quota.listRefreshSeconds / 3600, positive, "hours > 0") * 3600,
    },
    concurrency: read(env, "SWITCHBOT_CONCURRENCY", d.concurrency, (n) => integer(n) && n <= 10, "a whole number 1-10"),
    timeoutMs: read(env, "SWITCHBOT_TIMEOUT_MS", d.timeoutMs, (n) => n >= 100 && n <= 60_000, "100-60000 ms"),
    ...(apiUrl ? { apiUrl } : {}),
  };
}
