/**
 * One poll run's work, up to the batch: refresh the device list when due, plan the run within the quota budget,
 * read each due device's status with bounded concurrency, turn readings into samples through the device table,
 * advance the energy counters, and add the poller's own health metrics. Every sample carries the run's
 * scheduled time.
 *
 * A failing device never costs the others their samples: its error is logged and counted and it gets
 * `switchbot_up 0`. Errors that would repeat for every call (401, 190 daily limit, 429) stop the run's
 * remaining calls instead of spending quota on them.
 */
import type { Logger } from "../log/logger";
import type { WriteRequest } from "../remote-write/types";
import type { DocumentStore } from "../state/document-store";
import { BatchBuilder } from "./batch-builder";
import type { CallLedger } from "./call-ledger";
import type { DeviceStatusBody, SwitchBotClient } from "./client";
import { deviceLabels, knownDevices, planDevice, type DevicePlan, type KnownDevice } from "./device-list";
import { deviceReadings, type Reading } from "./device-readings";
import { deviceKindFor } from "./device-table";
import { advanceEnergy } from "./energy";
import { SwitchBotError } from "./errors";
import type { FirstTimeFilter } from "./log-once";
import type { PollConfig } from "./poll-config";
import { DEVICES_DOCUMENT, parseDeviceCache, type DeviceCache, type PollerState } from "./poll-state";
import { dailyBudget, isDueThisRun, planQuota, runNumberOf, type QuotaPlan } from "./quota-budget";

export interface CollectDeps {
  store: DocumentStore;
  /** Creates (or returns the cached) API client; may throw when credentials are missing. */
  api: () => Promise<SwitchBotClient>;
  calls: CallLedger;
  config: PollConfig;
  log: Logger;
  now: () => number;
  firstTime: FirstTimeFilter;
}

export interface CollectSummary {
  devices: number;
  due: number;
  read: number;
  failed: number;
  plan: QuotaPlan;
  /** What stopped the run's calls early, if anything. */
  stoppedBy?: string;
}

export interface CollectedBatch {
  state: PollerState;
  request: WriteRequest;
  summary: CollectSummary;
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function collectBatch(
  deps: CollectDeps,
  previous: PollerState,
  run: { scheduledTime: number; deadline: number },
): Promise<CollectedBatch> {
  const { config, log, now } = deps;
  const started = now();
  const state: PollerState = structuredClone(previous);
  const time = run.scheduledTime;
  const batch = new BatchBuilder(time);
  const callDeadline = run.deadline - config.writeReserveMs;
  const budget = dailyBudget(config.quota);

  if (state.callsToday.day !== utcDay(started)) state.callsToday = { day: utcDay(started), count: 0 };
  const quotaBlocked = state.quotaBlockedUntil !== undefined && started < state.quotaBlockedUntil;
  let stoppedBy: string | undefined = quotaBlocked
    ? `daily quota exhausted; next attempt after ${new Date(state.quotaBlockedUntil!).toISOString()}`
    : undefined;
  let callsLeft = budget - state.callsToday.count;

  let client: SwitchBotClient | undefined;
  const api = async (): Promise<SwitchBotClient | undefined> => {
    if (client) return client;
    try {
      client = await deps.api();
    } catch (error) {
      stoppedBy ??= `SwitchBot client unavailable: ${(error as Error).message}`;
      log.error("cannot poll SwitchBot", { error });
    }
    return client;
  };
  /** The client, unless this run may make no further call (and then `stoppedBy` says why). */
  const callable = async (): Promise<SwitchBotClient | undefined> => {
    if (!stoppedBy && callsLeft < 1) {
      stoppedBy = `the poller's own budget of ${budget} calls/day is spent (${state.callsToday.count} since 00:00 UTC)`;
    }
    if (!stoppedBy && now() >= callDeadline) stoppedBy = "too close to the invocation's deadline for another call";
    if (stoppedBy) return undefined;
    callsLeft--; // reserved before awaiting, so concurrent workers cannot overspend
    return api();
  };
  const stopOn = (error: SwitchBotError) => {
    if (!error.stopsRun) return;
    stoppedBy ??= error.message;
    if (error.reason === "daily_limit") state.quotaBlockedUntil = now() + config.quotaBackoffMs;
  };

  // ── device list ──
  const stored = await deps.store.read(DEVICES_DOCUMENT);
  let cache: DeviceCache | undefined = parseDeviceCache(stored?.value);
  if (!cache || started - cache.fetchedAt >= config.quota.listRefreshSeconds * 1000) {
    const listing = await callable();
    if (listing) {
      try {
        const fresh: DeviceCache = { fetchedAt: now(), devices: knownDevices(await listing.listDevices({ deadline: callDeadline })) };
        await deps.store.write(DEVICES_DOCUMENT, fresh, "unconditional");
        log.info("device list refreshed", { devices: fresh.devices.length });
        cache = fresh;
      } catch (error) {
        if (!(error instanceof SwitchBotError)) throw error;
        stopOn(error);
        log.warn(cache ? "device list refresh failed; using the cached list" : "device list unavailable", {
          code: error.code,
          reason: error.reason,
          error: error.message,
        });
      }
    }
  }
  const plans = (cache?.devices ?? []).map(planDevice);
  reportSkips(plans, deps, log);

  // ── quota plan ──
  const pollable = plans.filter((plan) => !plan.skip).map((plan) => plan.device);
  const plan = planQuota(config.quota, pollable.length);
  if (plan.refused) {
    log.error("SwitchBot polling refused: configuration exceeds the quota budget", { why: plan.refused });
    stoppedBy ??= "quota budget refused";
  }
  const runNumber = runNumberOf(time, config.quota.intervalSeconds);
  const due = plan.refused ? [] : pollable.filter((_, index) => isDueThisRun(index, runNumber, plan.spread));

  // ── device status, bounded concurrency ──
  const maxGapMs = Math.max(config.energyMaxGapMs, 3 * plan.spread * config.quota.intervalSeconds * 1000);
  let read = 0;
  await forEachLimited(due, config.concurrency, async (device) => {
    const labels = deviceLabels(device);
    const reading = await callable();
    if (!reading) {
      batch.add("switchbot_up", labels, 0);
      return;
    }
    let status: DeviceStatusBody;
    try {
      status = await reading.deviceStatus(device.id, { deadline: callDeadline });
    } catch (error) {
      if (!(error instanceof SwitchBotError)) throw error;
      stopOn(error);
      (error.deviceUnavailable ? log.info : log.warn)("device status failed", {
        deviceId: device.id,
        deviceName: device.name,
        code: error.code,
        reason: error.reason,
        error: error.message,
      });
      batch.add("switchbot_up", labels, 0);
      return;
    }
    read++;
    batch.add("switchbot_up", labels, 1);
    const readings = statusReadings(device, status, state, deps, log);
    for (const reading of readings) batch.add(reading.metric, { ...labels, ...reading.labels }, reading.value);
    addEnergy(device, readings, state, batch, time, maxGapMs, log);
  });
  if (stoppedBy && !plan.refused) log.warn("poll run stopped calling the API", { why: stoppedBy });

  // ── fold the calls into durable counters ──
  for (const call of deps.calls.drain()) {
    state.counters.apiCalls[call.endpoint] = (state.counters.apiCalls[call.endpoint] ?? 0) + 1;
    state.callsToday.count++;
    if (call.error) {
      const key = `${call.error.code}|${call.error.reason}`;
      state.counters.apiErrors[key] = (state.counters.apiErrors[key] ?? 0) + 1;
    }
  }
  const failed = due.length - read;
  if (!stoppedBy && (due.length === 0 || read > 0)) state.lastSuccessTime = time;
  state.lastRunTime = time;

  addHealth(batch, state, plans, plan, (now() - started) / 1000);
  return {
    state,
    request: batch.build(),
    summary: { devices: plans.length, due: due.length, read, failed, plan, ...(stoppedBy ? { stoppedBy } : {}) },
  };
}

function reportSkips(plans: DevicePlan[], deps: CollectDeps, log: Logger): void {
  for (const { device, skip } of plans) {
    if (skip === "unknown_type" && deps.firstTime(`type:${device.type}`)) {
      log.warn("unknown SwitchBot deviceType; device not polled", { deviceType: device.type, deviceId: device.id });
    } else if (skip === "cloud_service_off" && deps.firstTime(`cloud:${device.id}`)) {
      log.info("device not polled: its cloud service is off in the SwitchBot app", { deviceId: device.id, deviceName: device.name });
    }
  }
}

function statusReadings(device: KnownDevice, status: DeviceStatusBody, state: PollerState, deps: CollectDeps, log: Logger): Reading[] {
  const kind = deviceKindFor(device.type)!;
  if (typeof status.version === "string" && status.version) state.firmware[device.id] = status.version;
  if (typeof status.deviceType === "string" && status.deviceType !== device.type && deps.firstTime(`drift:${device.id}`)) {
    log.info("deviceType differs between the device list and status; using the list's", {
      deviceId: device.id,
      listType: device.type,
      statusType: status.deviceType,
    });
  }
  const result = deviceReadings(kind, status, "status");
  for (const field of result.unknownFields) {
    if (deps.firstTime(`field:${device.type}:${field}`)) {
      log.warn("unknown SwitchBot status field skipped", { deviceType: device.type, field, value: status[field] });
    }
  }
  for (const anomaly of result.anomalies) {
    const key = `${device.id}|${anomaly.kind}`;
    state.counters.anomalies[key] = (state.counters.anomalies[key] ?? 0) + 1;
    if (deps.firstTime(`anomaly:${key}`)) {
      log.warn("implausible SwitchBot reading", { deviceId: device.id, deviceType: device.type, ...anomaly });
    }
  }
  return result.readings;
}

/** Power readings (and the device's own daily energy, where it has one) → `switchbot_energy_watt_hours_total`. */
function addEnergy(
  device: KnownDevice,
  readings: Reading[],
  state: PollerState,
  batch: BatchBuilder,
  time: number,
  maxGapMs: number,
  log: Logger,
): void {
  for (const power of readings.filter((reading) => reading.metric === "switchbot_power_watts")) {
    const channel = power.labels.channel;
    const daily = readings.find(
      (reading) => reading.metric === "switchbot_energy_today_watt_hours" && reading.labels.channel === channel,
    );
    const key = channel ? `${device.id}/${channel}` : device.id;
    const step = advanceEnergy(state.energy[key], { time, watts: power.value, ...(daily ? { dailyWh: daily.value } : {}) }, maxGapMs);
    if (step.note) log.info("energy counter", { deviceId: device.id, channel, note: step.note });
    state.energy[key] = step.state;
    batch.add("switchbot_energy_watt_hours_total", { ...deviceLabels(device), ...power.labels }, step.state.totalWh);
  }
}

function addHealth(batch: BatchBuilder, state: PollerState, plans: DevicePlan[], plan: QuotaPlan, durationSeconds: number): void {
  const byPolling = new Map<string, number>();
  for (const { device, skip } of plans) {
    const polling = skip ?? "active";
    byPolling.set(polling, (byPolling.get(polling) ?? 0) + 1);
    const firmware = state.firmware[device.id];
    batch.add("switchbot_device_info", {
      ...deviceLabels(device),
      cloud_enabled: device.cloud,
      polling,
      ...(firmware ? { firmware } : {}),
    }, 1);
  }
  for (const [polling, count] of byPolling) batch.add("switchbot_devices", { polling }, count);
  batch.add("switchbot_poll_duration_seconds", {}, durationSeconds);
  if (state.lastSuccessTime !== undefined) batch.add("switchbot_last_success_timestamp_seconds", {}, state.lastSuccessTime / 1000);
  for (const [endpoint, count] of Object.entries(state.counters.apiCalls)) batch.add("switchbot_api_calls_total", { endpoint }, count);
  for (const [key, count] of Object.entries(state.counters.apiErrors)) {
    const [code = "", reason = ""] = key.split("|");
    batch.add("switchbot_api_errors_total", { code, reason }, count);
  }
  for (const [key, count] of Object.entries(state.counters.anomalies)) {
    const [device_id = "", kind = ""] = key.split("|");
    batch.add("switchbot_unit_anomalies_total", { device_id, kind }, count);
  }
  batch.add("switchbot_api_calls_today", {}, state.callsToday.count);
  batch.add("switchbot_quota_budget_calls_per_day", {}, plan.budgetPerDay);
  batch.add("switchbot_quota_needed_calls_per_day", {}, plan.neededPerDay);
  batch.add("switchbot_quota_planned_calls_per_day", {}, plan.plannedPerDay);
  batch.add("switchbot_quota_refused", {}, plan.refused ? 1 : 0);
  batch.add("switchbot_poll_spread_runs", {}, plan.spread);
  batch.add("switchbot_poll_pending_batches", {}, state.pending.length);
  batch.add("switchbot_poll_batches_dropped_total", {}, state.counters.batchesDropped);
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

