/**
 * The simulator's own fidelity: data quirks (§7), the HTTP control API used with `npm start`, and the webhook
 * emitter's real-service misbehaviours (§6.4) — so tests built on it exercise what a real account does.
 */
import { createServer } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSwitchBotClient } from "@ampgate/core/switchbot/client";
import { listenOnLoopback, type LoopbackListener } from "../../local/listen";
import { readBody } from "../../local/read-body";
import { BALCONY_METER, HUB_MINI, LIVING_METER, OFFICE_CO2, WASHING_PLUG } from "../../local/switchbot-simulator/home";
import { washingMachineWatts } from "../../local/switchbot-simulator/loads";
import { startSwitchbotSimulator, type SwitchbotSimulator } from "../../local/switchbot-simulator/simulator";

const TOKEN = "e5".repeat(48);
const SECRET = "f6".repeat(16);
let sim: SwitchbotSimulator;
let receiver: LoopbackListener;
const received: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  sim = await startSwitchbotSimulator({ token: TOKEN, secret: SECRET });
  receiver = await listenOnLoopback(createServer((request, response) => {
    void readBody(request).then((body) => {
      received.push({ headers: request.headers, body: JSON.parse(body.toString("utf8")) as unknown });
      response.writeHead(204).end();
    });
  }));
  sim.webhook.handle("/v1.1/webhook/setupWebhook", { action: "setupWebhook", url: `${receiver.url}/hook`, deviceList: "ALL" }, Date.now());
});
afterAll(async () => {
  await sim.stop();
  await receiver.close();
});
afterEach(() => {
  sim.clearFaults();
  received.length = 0;
});

const api = () => createSwitchBotClient({ token: TOKEN, secret: SECRET, baseUrl: sim.url, sleep: async () => undefined });

describe("simulator data quirks", () => {
  it("serves the washing machine's load curve in `weight`, current in mA", async () => {
    // Mid-wash, where the drum's load changes continuously: a fixed clock makes the value exact.
    const at = Date.UTC(2026, 4, 20, 0, 40, 0);
    const fixed = await startSwitchbotSimulator({ token: TOKEN, secret: SECRET, now: () => at });
    try {
      const status = await createSwitchBotClient({ token: TOKEN, secret: SECRET, baseUrl: fixed.url, now: () => at }).deviceStatus(WASHING_PLUG);
      expect(status.weight).toBe(washingMachineWatts(at));
      expect(status.weight).not.toBe(washingMachineWatts(at + 60_000));
      expect(status.electricCurrent).toBe(Math.round(((status.weight as number) / ((status.voltage as number) * 0.93)) * 1000));
      expect(status).toMatchObject({ power: "on", hubDeviceId: WASHING_PLUG, deviceType: "Plug Mini (US)" });
    } finally {
      await fixed.stop();
    }
  });

  it("injects stale values, all-zero readings, the legacy current scale and a drifted deviceType", async () => {
    sim.inject({ fault: { type: "stale" }, deviceId: BALCONY_METER });
    const first = await api().deviceStatus(BALCONY_METER);
    expect(await api().deviceStatus(BALCONY_METER)).toEqual(first);

    sim.inject({ fault: { type: "zeros" }, deviceId: OFFICE_CO2 });
    const zeros = await api().deviceStatus(OFFICE_CO2);
    expect(zeros).toMatchObject({ temperature: 0, humidity: 0, battery: 0 });
    expect(zeros.CO2).toBeGreaterThan(300);

    const milliamps = sim.statusBody(WASHING_PLUG)!.electricCurrent as number;
    sim.inject({ fault: { type: "legacyCurrent" }, deviceId: WASHING_PLUG });
    expect((await api().deviceStatus(WASHING_PLUG)).electricCurrent).toBeCloseTo(milliamps / 100, 1);

    sim.inject({ fault: { type: "deviceType", deviceType: "MeterPro" }, deviceId: OFFICE_CO2 });
    sim.inject({ fault: { type: "omitCloudFlag" }, deviceId: LIVING_METER });
    const { deviceList } = await api().listDevices();
    expect(deviceList.find((d) => d.deviceId === OFFICE_CO2)?.deviceType).toBe("MeterPro");
    expect(deviceList.find((d) => d.deviceId === LIVING_METER)).not.toHaveProperty("enableCloudService");
    expect(deviceList.find((d) => d.deviceId === HUB_MINI)).not.toHaveProperty("enableCloudService");
  });
});

describe("simulator control API", () => {
  it("injects and clears faults and sets the quota over HTTP", async () => {
    const post = (path: string, body: unknown) => fetch(`${sim.url}${path}`, { method: "POST", body: JSON.stringify(body) });
    await post("/_simulator/faults", { fault: { type: "status", statusCode: 161, message: "device offline" }, deviceId: LIVING_METER });
    await expect(api().deviceStatus(LIVING_METER)).rejects.toMatchObject({ reason: "device_offline" });
    await fetch(`${sim.url}/_simulator/faults`, { method: "DELETE" });
    await expect(api().deviceStatus(LIVING_METER)).resolves.toHaveProperty("temperature");

    await post("/_simulator/quota", { used: 10_000 });
    await expect(api().deviceStatus(LIVING_METER)).rejects.toMatchObject({ reason: "daily_limit" });
    const state = (await (await fetch(`${sim.url}/_simulator/state`)).json()) as { callsToday: number };
    expect(state.callsToday).toBe(10_001);
    sim.setCallsToday(0);
  });
});

describe("simulator webhook emitter", () => {
  it("sends an unsigned changeReport with the webhook deviceType and a 13-digit timeOfSample", async () => {
    const delivery = await sim.emitEvent(LIVING_METER);
    expect(delivery.statuses).toEqual([204]);
    const { headers, body } = received[0] as { headers: Record<string, string>; body: { context: Record<string, unknown> } };
    expect(headers).not.toHaveProperty("sign");
    expect(headers).not.toHaveProperty("authorization");
    expect(body).toMatchObject({ eventType: "changeReport", eventVersion: "1", context: { deviceType: "WoMeter", deviceMac: LIVING_METER, scale: "CELSIUS" } });
    expect(String(body.context.timeOfSample)).toMatch(/^\d{13}$/);
  });

  it("drops, duplicates, mislabels and omits deviceType on request", async () => {
    expect((await sim.emitEvent(LIVING_METER, { drop: true })).statuses).toEqual([]);
    expect((await sim.emitEvent(LIVING_METER, { duplicate: true })).statuses).toEqual([204, 204]);
    await sim.emitEvent(LIVING_METER, { deviceType: "WoHand" });
    await sim.emitEvent(LIVING_METER, { deviceType: null });
    const types = received.map((r) => (r.body as { context: Record<string, unknown> }).context.deviceType);
    expect(types).toEqual(["WoMeter", "WoMeter", "WoHand", undefined]);
  });

  it("does not deliver while the webhook is disabled", async () => {
    const url = sim.webhook.config!.url;
    sim.webhook.handle("/v1.1/webhook/updateWebhook", { action: "updateWebhook", config: { url, enable: false } }, Date.now());
    expect((await sim.emitEvent(LIVING_METER)).statuses).toEqual([]);
    sim.webhook.handle("/v1.1/webhook/updateWebhook", { action: "updateWebhook", config: { url, enable: true } }, Date.now());
  });
});
