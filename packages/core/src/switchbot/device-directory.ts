/**
 * The cached device list as the webhook receiver reads it: from the document the poller refreshes
 * (`switchbot-devices`), kept in memory for `ttlMs` so a burst of deliveries (a moving curtain sends many, §6.4)
 * costs one read. The webhook never calls the SwitchBot API itself: deliveries are unauthenticated, and an
 * attacker must not be able to spend our quota by posting unknown MACs.
 */
import type { DocumentStore } from "../state/document-store";
import type { KnownDevice } from "./device-list";
import { DEVICES_DOCUMENT, parseDeviceCache } from "./poll-state";

export interface DeviceDirectory {
  /** Undefined when the poller has not stored a device list yet. */
  byId(): Promise<ReadonlyMap<string, KnownDevice> | undefined>;
}

export function createDeviceDirectory(store: DocumentStore, options: { ttlMs?: number; now?: () => number } = {}): DeviceDirectory {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; devices: ReadonlyMap<string, KnownDevice> | undefined } | undefined;
  return {
    async byId() {
      if (cached && now() - cached.at < ttlMs) return cached.devices;
      const cache = parseDeviceCache((await store.read(DEVICES_DOCUMENT))?.value);
      const devices = cache ? new Map(cache.devices.map((device) => [device.id.toUpperCase(), device])) : undefined;
      cached = { at: now(), devices };
      return devices;
    },
  };
}
