/**
 * The SwitchBot client against the local simulator (a real HTTP server that recomputes signatures with its own
 * code): signing, the statusCode envelope, each documented failure, retries, timeouts and the quota.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSwitchBotClient, type SwitchBotCall, type SwitchBotClientOptions } from "@ampgate/core/switchbot/client";
import { SwitchBotError } from "@ampgate/core/switchbot/errors";
import { signedHeaders } from "@ampgate/core/switchbot/signing";
import { DAILY_LIMIT, HUB_BUSY, TOO_MANY_REQUESTS } from "../../local/switchbot-simulator/faults";
import { BEDROOM_CURTAIN, LIVING_METER, TV_REMOTE, WASHING_PLUG } from "../../local/switchbot-simulator/home";
import { startSwitchbotSimulator, type SwitchbotSimulator } from "../../local/switchbot-simulator/simulator";

const TOKEN = "0123456789abcdef".repeat(6);
const SECRET = "fedcba9876543210".repeat(2);
let sim: SwitchbotSimulator;

beforeAll(async () => {
  sim = await startSwitchbotSimulator({ token: TOKEN, secret: SECRET, strictHeaderCase: true });
});
afterAll(() => sim.stop());
afterEach(() => {
  sim.clearFaults();
  sim.setCallsToday(0);
});

function client(overrides: Partial<SwitchBotClientOptions> = {}) {
  const calls: SwitchBotCall[] = [];
  const api = createSwitchBotClient({
    token: TOKEN,
    secret: SECRET,
    baseUrl: sim.url,
    sleep: async () => undefined,
    onCall: (call) => calls.push(call),
    ...overrides,
  });
  return { api, calls };
}

async function failure(promise: Promise<unknown>): Promise<SwitchBotError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(SwitchBotError);
  const typed = error as SwitchBotError;
  expect(typed.message).not.toContain(TOKEN);
  expect(typed.message).not.toContain(SECRET);
  return typed;
}

describe("SwitchBot client ⇄ simulator", () => {
  it("signs requests the simulator accepts (lower-case header names, strict mode) and lists the home", async () => {
    const { api, calls } = client();
    const { deviceList, infraredRemoteList } = await api.listDevices();
    expect(deviceList.map((device) => device.deviceId)).toContain(LIVING_METER);
    expect(infraredRemoteList.map((remote) => remote.deviceId)).toEqual([TV_REMOTE]);
    expect(calls).toEqual([{ endpoint: "devices" }]);
  });

  it("reads a status body", async () => {
    const status = await client().api.deviceStatus(WASHING_PLUG);
    expect(status).toMatchObject({ deviceId: WASHING_PLUG, deviceType: "Plug Mini (US)", power: "on" });
    expect(typeof status.weight).toBe("number");
  });

  it("gets 401 with a wrong secret, a skewed clock, or capitalised header names — and does not retry", async () => {
    const wrong = client({ secret: "0".repeat(32) });
    const error = await failure(wrong.api.listDevices());
    expect(error).toMatchObject({ reason: "unauthorized", code: "http_401", stopsRun: true, retryable: false });
    expect(wrong.calls).toHaveLength(1);

    const skewed = client({ now: () => Date.now() - 6 * 60_000 });
    expect((await failure(skewed.api.listDevices())).reason).toBe("unauthorized");

    const headers = signedHeaders({ token: TOKEN, secret: SECRET }, Date.now());
    const capitalised = await fetch(`${sim.url}/v1.1/devices`, {
      headers: { Authorization: headers.authorization, Sign: headers.sign, T: headers.t, Nonce: headers.nonce },
    });
    expect(capitalised.status).toBe(401);
    expect(await capitalised.json()).toEqual({ message: "Unauthorized" });
  });

  it("accepts the upper-cased signature some clients send (case-insensitive compare, §1.3)", async () => {
    const headers = signedHeaders({ token: TOKEN, secret: SECRET }, Date.now());
    const response = await fetch(`${sim.url}/v1.1/devices`, { headers: { ...headers, sign: headers.sign.toUpperCase() } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { statusCode: number }).statusCode).toBe(100);
  });

  it("maps 190 by message: daily limit, too many requests, other", async () => {
    sim.setCallsToday(10_000);
    const daily = await failure(client().api.deviceStatus(LIVING_METER));
    expect(daily).toMatchObject({ reason: "daily_limit", code: "190", serverMessage: DAILY_LIMIT, stopsRun: true, retryable: false });
    sim.setCallsToday(0);

    sim.inject({ fault: { type: "status", statusCode: 190, message: TOO_MANY_REQUESTS }, times: 1 });
    expect((await failure(client().api.deviceStatus(LIVING_METER))).reason).toBe("too_many_requests");

    sim.inject({ fault: { type: "status", statusCode: 190, message: "Cannot read properties of undefined (reading '0')" }, times: 1 });
    const internal = await failure(client().api.deviceStatus(LIVING_METER));
    expect(internal).toMatchObject({ reason: "internal_error", stopsRun: false });
    expect(internal.message).toContain("Cannot read properties of undefined");
  });

  it("treats 161/171 offline and 174 cloud-off as one device's trouble", async () => {
    sim.inject({ fault: { type: "status", statusCode: 161, message: "device offline" }, deviceId: LIVING_METER, times: 1 });
    expect(await failure(client().api.deviceStatus(LIVING_METER))).toMatchObject({ reason: "device_offline", deviceUnavailable: true, stopsRun: false });
    sim.inject({ fault: { type: "status", statusCode: 171, message: "Cannot get the status of device" }, deviceId: LIVING_METER, times: 1 });
    expect(await failure(client().api.deviceStatus(LIVING_METER))).toMatchObject({ reason: "hub_offline", deviceUnavailable: true });
    expect(await failure(client().api.deviceStatus(BEDROOM_CURTAIN))).toMatchObject({ reason: "cloud_service_off", code: "174" });
    expect(await failure(client().api.deviceStatus("AABBCCDDEEFF"))).toMatchObject({ reason: "device_not_found", code: "152" });
  });

  it("retries 500 and 300 'Hub is busy' at most twice, counting every attempt", async () => {
    sim.inject({ fault: { type: "http", status: 500 }, times: 1 });
    sim.inject({ fault: { type: "status", statusCode: 300, message: HUB_BUSY }, times: 1 });
    const ok = client();
    await ok.api.deviceStatus(LIVING_METER);
    expect(ok.calls.map((call) => call.error?.reason ?? "ok")).toEqual(["server_error", "hub_busy", "ok"]);

    sim.inject({ fault: { type: "http", status: 500 } });
    const failing = client();
    expect(await failure(failing.api.deviceStatus(LIVING_METER))).toMatchObject({ reason: "server_error", code: "http_500", serverMessage: "Internal server error" });
    expect(failing.calls).toHaveLength(3);
  });

  it("does not retry 429 (rate limited) and stops the run on it", async () => {
    sim.inject({ fault: { type: "http", status: 429 } });
    const limited = client();
    expect(await failure(limited.api.listDevices())).toMatchObject({ reason: "rate_limited", code: "http_429", stopsRun: true });
    expect(limited.calls).toHaveLength(1);
  });

  it("times out a slow response and never waits past the deadline", async () => {
    sim.inject({ fault: { type: "delay", ms: 1_500 }, deviceId: LIVING_METER });
    const slow = client({ timeoutMs: 200, maxRetries: 1 });
    const started = Date.now();
    expect(await failure(slow.api.deviceStatus(LIVING_METER))).toMatchObject({ reason: "timeout", retryable: true });
    expect(slow.calls).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1_400);

    const late = client();
    expect(await failure(late.api.deviceStatus(LIVING_METER, { deadline: Date.now() - 1 }))).toMatchObject({ reason: "timeout" });
    expect(late.calls).toHaveLength(0);
  });

  it("manages the webhook URL: one per account, query, details, update, delete", async () => {
    const { api } = client();
    const url = "https://example.com/switchbot/webhook/abc";
    await api.setupWebhook(url);
    expect(await failure(api.setupWebhook("https://other.example/hook"))).toMatchObject({ reason: "webhook_exists", code: "190" });
    expect(await api.queryWebhookUrls()).toEqual([url]);
    await api.updateWebhook(url, false);
    expect(await api.queryWebhookDetails([url])).toMatchObject([{ url, enable: false, deviceList: "ALL" }]);
    await api.deleteWebhook(url);
    expect(await api.queryWebhookUrls()).toEqual([]);
  });

  it("answers an unknown path with the gateway's 403", async () => {
    const headers = signedHeaders({ token: TOKEN, secret: SECRET }, Date.now());
    const response = await fetch(`${sim.url}/v1.1/`, { headers: { ...headers } });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/Authorization header requires 'Credential' parameter/);
  });
});

describe("simulator quota", () => {
  it("counts every authenticated call, refuses past the limit, and resets at 00:00 UTC", async () => {
    let clock = Date.UTC(2026, 4, 20, 23, 59, 0);
    const small = await startSwitchbotSimulator({ token: TOKEN, secret: SECRET, dailyLimit: 3, now: () => clock });
    try {
      const api = createSwitchBotClient({ token: TOKEN, secret: SECRET, baseUrl: small.url, now: () => clock, sleep: async () => undefined });
      for (let i = 0; i < 3; i++) await api.deviceStatus(LIVING_METER);
      expect(small.callsToday).toBe(3);
      expect(await failure(api.deviceStatus(LIVING_METER))).toMatchObject({ reason: "daily_limit" });
      clock = Date.UTC(2026, 4, 21, 0, 0, 1);
      await api.deviceStatus(LIVING_METER);
      expect(small.callsToday).toBe(1);
    } finally {
      await small.stop();
    }
  });
});
