/**
 * What the poller remembers between runs, and where.
 *
 * Lambda containers come and go (cold starts, scaling, deploys), so nothing that must outlive one run may live
 * in memory. Two JSON documents in a `DocumentStore` — an S3 object each in AWS (see `s3-document-store.ts` for
 * why S3), files locally:
 *
 * - `switchbot-devices`: the cached device list (refreshed at most every N hours to save quota, §3). Read by the
 *   poller and by the webhook receiver (to match `deviceMac` and label samples); written only on refresh.
 * - `switchbot-poller`: everything that must move forward exactly once per run —
 *   - `energy`: the energy integrators (see `energy.ts`);
 *   - `counters`: self-metric counters (`switchbot_api_calls_total`, `…errors_total`, anomalies). A Lambda has no
 *     long-lived process to hold a counter, and a counter that restarts at every cold start would make
 *     `increase()` guess at resets; kept here they only ever grow (a lost document looks like one ordinary reset);
 *   - `callsToday`: our own quota spend since 00:00 UTC (the API has no remaining-quota header, SBA#442);
 *   - `pending`: batches built but not yet accepted by AMP, oldest first. A run first saves its batch here, then
 *     writes every pending batch in order. If AMP is down the invocation fails and the batch stays; the
 *     schedule's retry (same scheduled time) finds it and re-sends exactly the same samples instead of polling
 *     again (a second poll would give different values for the same timestamps: `duplicate sample for
 *     timestamp`), and a later run flushes older batches before its own, so samples reach AMP in order;
 *   - `lastRunTime`: the scheduled time of the newest batch built; a run at or before it only flushes.
 */
import { isJsonObject } from "../json-object";
import type { WriteRequest } from "../remote-write/types";
import type { KnownDevice } from "./device-list";
import type { EnergyState } from "./energy";

export const DEVICES_DOCUMENT = "switchbot-devices";
export const POLLER_DOCUMENT = "switchbot-poller";

export interface DeviceCache {
  /** Epoch ms of the `GET /devices` call. */
  fetchedAt: number;
  devices: KnownDevice[];
}

export interface PendingBatch {
  /** The run's scheduled time (epoch ms): every sample in `request` carries it. */
  time: number;
  request: WriteRequest;
}

export interface PollerCounters {
  /** Calls by endpoint (`devices`, `status`, `webhook`). */
  apiCalls: Record<string, number>;
  /** Failed calls by `<code>|<reason>`. */
  apiErrors: Record<string, number>;
  /** Dropped/rescaled readings by `<deviceId>|<kind>`. */
  anomalies: Record<string, number>;
  batchesDropped: number;
}

export interface PollerState {
  schema: 1;
  lastRunTime?: number;
  lastSuccessTime?: number;
  energy: Record<string, EnergyState>;
  /** Firmware `version` from the last status of each device, for `switchbot_device_info`. */
  firmware: Record<string, string>;
  counters: PollerCounters;
  callsToday: { day: string; count: number };
  /** After 190 "daily limit": no calls before this time (epoch ms). */
  quotaBlockedUntil?: number;
  pending: PendingBatch[];
}

export function emptyPollerState(): PollerState {
  return {
    schema: 1,
    energy: {},
    firmware: {},
    counters: { apiCalls: {}, apiErrors: {}, anomalies: {}, batchesDropped: 0 },
    callsToday: { day: "", count: 0 },
    pending: [],
  };
}

/** A stored document back into a `PollerState`; anything unrecognisable starts fresh (returns undefined). */
export function parsePollerState(value: unknown): PollerState | undefined {
  if (!isJsonObject(value) || value.schema !== 1) return undefined;
  const fresh = emptyPollerState();
  const counters = isJsonObject(value.counters) ? value.counters : {};
  return {
    ...fresh,
    ...value,
    energy: isJsonObject(value.energy) ? (value.energy as PollerState["energy"]) : {},
    firmware: isJsonObject(value.firmware) ? (value.firmware as PollerState["firmware"]) : {},
    counters: { ...fresh.counters, ...(counters as Partial<PollerCounters>) },
    callsToday: isJsonObject(value.callsToday) ? (value.callsToday as PollerState["callsToday"]) : fresh.callsToday,
    pending: Array.isArray(value.pending) ? (value.pending as PendingBatch[]) : [],
  } as PollerState;
}

export function parseDeviceCache(value: unknown): DeviceCache | undefined {
  if (!isJsonObject(value) || typeof value.fetchedAt !== "number" || !Array.isArray(value.devices)) return undefined;
  return value as unknown as DeviceCache;
}
