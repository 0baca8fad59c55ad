/**
 * Fitting the poll schedule into SwitchBot's 10,000 calls/day quota (reference §3).
 *
 * Every call counts — `/devices`, each `/status`, webhook management — and the quota is shared with every other
 * integration on the account (Home Assistant, Homebridge…), so the poller allows itself only a configured share.
 *
 *   calls/day = status calls/day + device-list refreshes/day
 *   status calls/day = pollable devices × runs/day ÷ spread
 *
 * When polling every device every run would exceed the budget, devices are spread over runs: device i is polled
 * in the runs where `runNumber % spread === i % spread`, so each device is read every `spread` runs and every
 * run makes about `devices ÷ spread` calls. A configuration is refused when even that would leave a device unread
 * longer than `maxDeviceIntervalSeconds` — a dashboard of 20-minute-old readings is worse than a clear error.
 */

export interface QuotaSettings {
  /** The account's daily limit. Default 10,000 (§3; confirmed by support, AdyRock/com.switchbot#64). */
  dailyLimit: number;
  /** Fraction of the daily limit the poller may use, (0, 1]. */
  share: number;
  /** Seconds between scheduled runs. */
  intervalSeconds: number;
  /** Seconds between device-list refreshes. */
  listRefreshSeconds: number;
  /** Longest acceptable time between two reads of one device. */
  maxDeviceIntervalSeconds: number;
}

export interface QuotaPlan {
  budgetPerDay: number;
  runsPerDay: number;
  listCallsPerDay: number;
  /** Calls/day if every pollable device were read every run. */
  neededPerDay: number;
  /** Calls/day the plan makes (with spreading; list calls only when refused). */
  plannedPerDay: number;
  /** Each device is polled every `spread` runs (1 = every run). */
  spread: number;
  /** Why polling is refused (one line for the log), or undefined. */
  refused?: string;
}

const DAY_SECONDS = 86_400;

/** Calls per day the poller allows itself: its share of the account's daily limit. */
export function dailyBudget(settings: Pick<QuotaSettings, "dailyLimit" | "share">): number {
  return Math.floor(settings.dailyLimit * settings.share);
}

export function planQuota(settings: QuotaSettings, pollableDevices: number): QuotaPlan {
  const { dailyLimit, share, intervalSeconds, listRefreshSeconds, maxDeviceIntervalSeconds } = settings;
  const budgetPerDay = dailyBudget(settings);
  const runsPerDay = DAY_SECONDS / intervalSeconds;
  // The list is refreshed at most once per run, however short the refresh period.
  const listCallsPerDay = Math.ceil(DAY_SECONDS / Math.max(listRefreshSeconds, intervalSeconds));
  const neededPerDay = Math.ceil(pollableDevices * runsPerDay) + listCallsPerDay;
  const base = { budgetPerDay, runsPerDay, listCallsPerDay, neededPerDay };
  const describe = `${pollableDevices} device(s) every ${intervalSeconds} s (${Math.round(runsPerDay)} runs/day) ` +
    `+ ${listCallsPerDay} device-list call(s)/day`;
  const budgetText = `the budget of ${budgetPerDay} calls/day (${Math.round(share * 100)}% of ${dailyLimit})`;

  const statusBudget = budgetPerDay - listCallsPerDay;
  if (statusBudget <= 0) {
    return {
      ...base,
      plannedPerDay: 0,
      spread: 1,
      refused: `device-list refreshes alone (${listCallsPerDay}/day) exceed ${budgetText}; refresh the list less often`,
    };
  }
  if (neededPerDay <= budgetPerDay) return { ...base, plannedPerDay: neededPerDay, spread: 1 };

  const spread = Math.ceil((pollableDevices * runsPerDay) / statusBudget);
  const plannedPerDay = Math.ceil((pollableDevices * runsPerDay) / spread) + listCallsPerDay;
  if (spread * intervalSeconds > maxDeviceIntervalSeconds) {
    return {
      ...base,
      plannedPerDay: listCallsPerDay,
      spread,
      refused:
        `${describe} needs ${neededPerDay} calls/day, over ${budgetText}; spreading devices over runs would read each ` +
        `device only every ${spread * intervalSeconds} s, longer than the allowed ${maxDeviceIntervalSeconds} s. ` +
        `Lengthen the schedule interval, poll fewer devices, or raise the quota share`,
    };
  }
  return { ...base, plannedPerDay, spread };
}

/** Whether the device at `index` (in the stable, id-sorted list of pollable devices) is due in this run. */
export function isDueThisRun(index: number, runNumber: number, spread: number): boolean {
  return spread <= 1 || runNumber % spread === index % spread;
}

/** Runs are numbered by their scheduled time, so a retry of a run has the same number. */
export function runNumberOf(scheduledTimeMs: number, intervalSeconds: number): number {
  return Math.floor(scheduledTimeMs / (intervalSeconds * 1000));
}
