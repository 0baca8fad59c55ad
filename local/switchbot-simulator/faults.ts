/**
 * Fault injection for the SwitchBot simulator: the failures of reference §2.2/§2.3 and the data quirks of §7,
 * per device or for every request, optionally for the next N matching requests only.
 *
 *   sim.inject({ fault: { type: "status", statusCode: 161, message: "device offline" }, deviceId: LIVING_METER });
 *   sim.inject({ fault: { type: "http", status: 500 }, times: 1 });                 // the next call, any endpoint
 *   sim.inject({ fault: { type: "status", statusCode: 190, message: DAILY_LIMIT }, endpoint: "status" });
 */

export const DAILY_LIMIT = "Requests reached the daily limit";
export const TOO_MANY_REQUESTS = "Too many Request";
export const WEBHOOK_EXISTS = "webhook is exist";
export const HUB_BUSY = "Hub is busy";

export type Fault =
  /** HTTP 200 with a non-100 statusCode envelope (161/171 offline, 174 cloud off, 190 …, 300 hub busy, 152). */
  | { type: "status"; statusCode: number; message: string }
  /** A gateway-level answer: 401 Unauthorized, 403, 429, 500 Internal server error… (no envelope). */
  | { type: "http"; status: number; message?: string }
  /** Answer normally, but only after `ms` (slow responses, client timeouts). */
  | { type: "delay"; ms: number }
  /** Status keeps returning the values of the moment the fault was injected (SBA#410, #280). */
  | { type: "stale" }
  /** temperature, humidity and battery all 0 with statusCode 100 (SBA#371, #484, #448). */
  | { type: "zeros" }
  /** Plug current in units of 0.1 A instead of mA (2022-2023 behaviour, reference §4.3). */
  | { type: "legacyCurrent" }
  /** Report another deviceType in the list and status (e.g. a CO2 meter as plain `MeterPro`, go-switchbot#24). */
  | { type: "deviceType"; deviceType: string }
  /** Leave `enableCloudService` out of the device's list entry. */
  | { type: "omitCloudFlag" };

export type SimEndpoint = "devices" | "status" | "commands" | "scenes" | "webhook";

export interface FaultRule {
  fault: Fault;
  /** Only requests about this device (status/commands), or the device's entries (list quirks). */
  deviceId?: string;
  /** Only this endpoint; every endpoint when absent. */
  endpoint?: SimEndpoint;
  /** Only the next N matching requests. */
  times?: number;
}

export interface ActiveFault extends FaultRule {
  id: number;
  injectedAt: number;
}

export class FaultTable {
  private next = 1;
  private readonly rules: ActiveFault[] = [];

  inject(rule: FaultRule, at: number): number {
    const id = this.next++;
    this.rules.push({ ...rule, id, injectedAt: at });
    return id;
  }

  remove(id: number): void {
    const index = this.rules.findIndex((rule) => rule.id === id);
    if (index >= 0) this.rules.splice(index, 1);
  }

  clear(): void {
    this.rules.length = 0;
  }

  list(): readonly ActiveFault[] {
    return this.rules;
  }

  /**
   * The request-level rules that fire for a request: every matching delay, then the first matching answer
   * (status/http), in injection order. Only rules that fire use up one of their `times`.
   */
  take(endpoint: SimEndpoint, deviceId: string | undefined): ActiveFault[] {
    const matching = this.rules.filter(
      (rule) =>
        (rule.fault.type === "status" || rule.fault.type === "http" || rule.fault.type === "delay") &&
        (rule.endpoint === undefined || rule.endpoint === endpoint) &&
        (rule.deviceId === undefined || rule.deviceId === deviceId),
    );
    const answer = matching.find((rule) => rule.fault.type !== "delay");
    const fired = [...matching.filter((rule) => rule.fault.type === "delay"), ...(answer ? [answer] : [])];
    for (const rule of fired) {
      if (rule.times === undefined) continue;
      rule.times--;
      if (rule.times <= 0) this.remove(rule.id);
    }
    return fired;
  }

  /** Data quirks for one device (not consumed: they describe the device's state). */
  quirks(deviceId: string): ActiveFault[] {
    return this.rules.filter(
      (rule) => rule.deviceId === deviceId && !(rule.fault.type === "status" || rule.fault.type === "http" || rule.fault.type === "delay"),
    );
  }
}
