/**
 * The account's devices as the poller and webhook know them: parsed from `GET /v1.1/devices`, normalised, and
 * classified (poll it, or skip it and say why).
 *
 * Quirks handled here (reference §5.1, pitfalls 2 and 10):
 * - `hubDeviceId` is `""`, `"000000000000"` or the device's own id for Wi-Fi devices and hubs; all three mean
 *   "no hub", so the `hub_id` label is left off (it must not flip between runs, so it comes only from the list).
 * - `enableCloudService` may be `false` (skip, but still export `switchbot_device_info{cloud_enabled="false"}`) or
 *   absent (hubs; treated as unknown and polled if the type has readings).
 * - IR remotes (`infraredRemoteList`) have no status endpoint: info only.
 */
import { isJsonObject } from "../json-object";
import type { DeviceListBody } from "./client";
import { deviceKindFor, isPollable } from "./device-table";

export interface KnownDevice {
  id: string;
  name: string;
  /** `deviceType`, or `remoteType` for IR remotes. */
  type: string;
  /** The bridging hub; absent for Wi-Fi devices and hubs. */
  hubId?: string;
  cloud: "true" | "false" | "unknown";
  remote?: true;
}

export type SkipReason = "cloud_service_off" | "unknown_type" | "no_readings" | "ir_remote";

export interface DevicePlan {
  device: KnownDevice;
  /** Undefined when the device is polled. */
  skip?: SkipReason;
}

const NO_HUB = new Set(["", "000000000000"]);

function hubOf(deviceId: string, hubDeviceId: unknown): string | undefined {
  if (typeof hubDeviceId !== "string" || NO_HUB.has(hubDeviceId) || hubDeviceId === deviceId) return undefined;
  return hubDeviceId;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

function knownDevice(entry: { deviceId?: unknown; deviceName?: unknown; hubDeviceId?: unknown }, type: unknown, cloud: KnownDevice["cloud"], remote: boolean): KnownDevice | undefined {
  const id = text(entry.deviceId);
  if (!id) return undefined;
  const hubId = hubOf(id, entry.hubDeviceId);
  return {
    id,
    name: text(entry.deviceName) ?? id,
    type: text(type) ?? "unknown",
    ...(hubId ? { hubId } : {}),
    cloud,
    ...(remote ? { remote: true as const } : {}),
  };
}

const cloudFlag = (value: unknown): KnownDevice["cloud"] => (value === true ? "true" : value === false ? "false" : "unknown");

export function knownDevices(body: DeviceListBody): KnownDevice[] {
  // The client passes the lists on unchecked: an entry that is not an object (`null`, a string) names no device.
  const devices = [
    ...body.deviceList.filter(isJsonObject).map((entry) => knownDevice(entry, entry.deviceType, cloudFlag(entry.enableCloudService), false)),
    ...body.infraredRemoteList.filter(isJsonObject).map((entry) => knownDevice(entry, entry.remoteType, "unknown", true)),
  ].filter((device): device is KnownDevice => device !== undefined);
  return devices.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function planDevice(device: KnownDevice): DevicePlan {
  if (device.remote) return { device, skip: "ir_remote" };
  const kind = deviceKindFor(device.type);
  if (!kind) return { device, skip: "unknown_type" };
  if (!isPollable(kind)) return { device, skip: "no_readings" };
  // Status of such devices fails with 161/171/174/190 (pitfall 2); don't spend quota on it.
  if (device.cloud === "false") return { device, skip: "cloud_service_off" };
  return { device };
}

/** The labels every sample of a device carries. */
export function deviceLabels(device: KnownDevice): Record<string, string> {
  return {
    device_id: device.id,
    device_name: device.name,
    device_type: device.type,
    ...(device.hubId ? { hub_id: device.hubId } : {}),
  };
}
