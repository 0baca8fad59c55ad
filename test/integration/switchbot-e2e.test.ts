/**
 * SwitchBot end to end with real parts: the simulator as the SwitchBot Cloud, the real poll and webhook Lambda
 * handlers (functions/poll.ts, functions/webhook.ts) wired from the environment as in AWS, secrets from the local
 * SSM endpoint, the real AMP writer signing for the SigV4-verifying stand-in, and Prometheus as the store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PollOutcome } from "@ampgate/core/switchbot/poller";
import type { LocalStack } from "../../local/stack";
import { BEDROOM_CURTAIN, FRONT_DOOR, LIVING_METER, OFFICE_PLUG, WASHING_PLUG } from "../../local/switchbot-simulator/home";
import { startSwitchbotSimulator, type SwitchbotSimulator } from "../../local/switchbot-simulator/simulator";
import { ampQuerier } from "../support/amp-query";
import { startTestStack } from "../support/local-stack";
import { wirePollHandler } from "../support/poll-handler";
import { runScript } from "../support/run-script";
import { waitFor } from "../support/wait-for";

const TOKEN = "c3".repeat(48);
const SECRET = "d4".repeat(16);
const MINUTE = 60_000;
let sim: SwitchbotSimulator;
let stack: LocalStack;
let poll: (event: { scheduledTime: string }) => Promise<PollOutcome>;
let query: ReturnType<typeof ampQuerier>;
/** Five scheduled runs, one minute apart, ending a minute ago (inside Prometheus' 5-minute lookback). */
const base = Math.floor(Date.now() / 1000) * 1000 - 5 * MINUTE;
const T = [0, 1, 2, 3, 4].map((i) => base + i * MINUTE);

beforeAll(async () => {
  sim = await startSwitchbotSimulator({ token: TOKEN, secret: SECRET });
  stack = await startTestStack("switchbot-e2e");
  poll = await wirePollHandler(stack, { apiUrl: sim.url, token: TOKEN, secret: SECRET, env: { POLL_INTERVAL_SECONDS: "300" } });
  query = ampQuerier(stack.ampEndpoint);
});

afterAll(async () => {
  await stack?.stop();
  await sim?.stop();
});

/** Raw samples of one series straight from Prometheus: [timestamp ms, value]. */
async function raw(selector: string): Promise<Array<[number, number]>> {
  const url = `${stack.prometheus!.url}/api/v1/query?query=${encodeURIComponent(`${selector}[15m]`)}&time=${(Date.now() + 1000) / 1000}`;
  const body = (await (await fetch(url)).json()) as { data: { result: Array<{ values: Array<[number, string]> }> } };
  expect(body.data.result.length, selector).toBeLessThanOrEqual(1);
  return (body.data.result[0]?.values ?? []).map(([seconds, value]) => [Math.round(seconds * 1000), Number(value)]);
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("SwitchBot poller end to end", () => {
  it("lands the simulated home in AMP with the right labels, every run at its scheduled time", async () => {
    for (const at of T.slice(0, 3)) {
      const outcome = await poll({ scheduledTime: iso(at) });
      expect(outcome).toMatchObject({ action: "polled", written: [at], pending: 0, summary: { due: 8, read: 8 } });
    }
    const [washing] = await query(`switchbot_power_watts{device_id="${WASHING_PLUG}"}`);
    expect(washing!.metric).toEqual({
      __name__: "switchbot_power_watts",
      device_id: WASHING_PLUG,
      device_name: "Washing Machine",
      device_type: "Plug Mini (US)",
    });
    const [meter] = await query(`switchbot_temperature_celsius{device_name="Living Room Meter"}`);
    expect(meter!.metric).toMatchObject({ device_id: LIVING_METER, device_type: "Meter", hub_id: "D82812821F08" });
    expect(Number(meter!.value[1])).toBeGreaterThan(15);
    const curtain = await query(`switchbot_device_info{cloud_enabled="false"}`);
    expect(curtain.map((s) => s.metric.device_id)).toEqual([BEDROOM_CURTAIN]);
    expect((await query(`switchbot_up == 1`)).length).toBe(8);

    expect((await raw(`switchbot_power_watts{device_id="${WASHING_PLUG}"}`)).map(([at]) => at)).toEqual(T.slice(0, 3));
  });

  it("integrates the energy counter from the power samples that are in AMP", async () => {
    for (const device of [WASHING_PLUG, OFFICE_PLUG]) {
      const power = await raw(`switchbot_power_watts{device_id="${device}"}`);
      const energy = await raw(`switchbot_energy_watt_hours_total{device_id="${device}"}`);
      expect(energy.map(([at]) => at)).toEqual(power.map(([at]) => at));
      expect(energy[0]![1]).toBe(0);
      for (let i = 1; i < energy.length; i++) expect(energy[i]![1]).toBeGreaterThanOrEqual(energy[i - 1]![1]);
      if (device === WASHING_PLUG) {
        let expected = 0;
        for (let i = 1; i < power.length; i++) {
          expected += ((power[i - 1]![1] + power[i]![1]) / 2) * ((power[i]![0] - power[i - 1]![0]) / 3_600_000);
          expect(energy[i]![1]).toBeCloseTo(expected, 6);
        }
      }
    }
  });

  it("AMP down then up: the invocations fail, the retry writes the kept batches in order, nothing lost or doubled", async () => {
    stack.standin!.setIntercept((exchange) => (exchange.kind === "write" ? { action: "respond", status: 503, body: "maintenance" } : undefined));
    const callsBefore = sim.requests.length;
    await expect(poll({ scheduledTime: iso(T[3]!) })).rejects.toThrow(/AMP write failed \(retryable\); 1 batch\(es\) kept/);
    await expect(poll({ scheduledTime: iso(T[3]!) })).rejects.toThrow(/1 batch\(es\) kept/); // the schedule's retry
    await expect(poll({ scheduledTime: iso(T[4]!) })).rejects.toThrow(/2 batch\(es\) kept/);
    expect(sim.requests.length - callsBefore).toBe(16); // two runs polled; the retry did not poll again

    stack.standin!.setIntercept(undefined);
    const acceptedBefore = stack.standin!.stats.writesAccepted;
    const retried = await poll({ scheduledTime: iso(T[3]!) });
    expect(retried).toMatchObject({ action: "flush_only", written: [T[3], T[4]], pending: 0 });
    expect(stack.standin!.stats.writesAccepted - acceptedBefore).toBe(2);

    for (const selector of [
      `switchbot_power_watts{device_id="${WASHING_PLUG}"}`,
      `switchbot_temperature_celsius{device_id="${LIVING_METER}"}`,
      `switchbot_up{device_id="${FRONT_DOOR}"}`,
      `switchbot_energy_watt_hours_total{device_id="${OFFICE_PLUG}"}`,
    ]) {
      expect((await raw(selector)).map(([at]) => at), selector).toEqual(T);
    }
    const calls = await raw(`switchbot_api_calls_total{endpoint="status"}`);
    expect(calls.map(([, value]) => value)).toEqual([8, 16, 24, 32, 40]);
  });
});

describe("SwitchBot webhook end to end", () => {
  const cli = (...args: string[]) =>
    runScript("switchbot-webhook", args, { env: { ...process.env, SWITCHBOT_TOKEN: TOKEN, SWITCHBOT_SECRET: SECRET, SWITCHBOT_API_URL: sim.url } });
  const hookUrl = () => `${stack.url}/switchbot/webhook/${stack.webhookPathSecret}`;

  it("registers the URL with the CLI, refusing to displace another integration without --force", async () => {
    await sim.webhook.handle("/v1.1/webhook/setupWebhook", { action: "setupWebhook", url: "https://ha.example.net/api/webhook/0123456789abcdef0123", deviceList: "ALL" }, Date.now());
    const refused = await cli("register", hookUrl());
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/already delivers its webhook to https:\/\/ha\.example\.net\/api\/webhook\/0123…, which ampgate did not create/);
    expect(sim.webhook.config?.url).toMatch(/ha\.example\.net/);

    const forced = await cli("register", hookUrl(), "--force");
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/deleted https:\/\/ha\.example\.net/);
    expect(sim.webhook.config?.url).toBe(hookUrl());
    const shown = await cli("query");
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/\/switchbot\/webhook\/\S{4}…  \(enabled, devices: ALL\)/);
    expect(shown.stdout).not.toContain(stack.webhookPathSecret);
  });

  it("writes a delivery's readings to AMP, stamped with timeOfSample", async () => {
    const at = Date.now() - 20_000;
    const delivery = await sim.emitEvent(LIVING_METER, { timeOfSample: at });
    expect(delivery.statuses).toEqual([204]);
    const sample = await waitFor("the webhook temperature in AMP", async () => (await query(`switchbot_temperature_celsius{source="webhook"}`))[0]);
    expect(sample.metric).toMatchObject({ device_id: LIVING_METER, device_name: "Living Room Meter", source: "webhook" });
    expect(Number(sample.value[1])).toBe(delivery.payload.context.temperature);
    expect((await raw(`switchbot_last_event_timestamp_seconds{device_id="${LIVING_METER}"}`)).map(([ts]) => ts)).toEqual([at]);
  });

  it("refuses wrong paths, bad JSON, unknown MACs and oversized bodies, writing nothing", async () => {
    const before = stack.standin!.stats.writesAccepted;
    const post = (path: string, body: string) => fetch(`${stack.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const valid = JSON.stringify((await sim.emitEvent(FRONT_DOOR, { drop: true })).payload);

    const wrongSecret = await post("/switchbot/webhook/not-the-secret", valid);
    const noRoute = await post("/switchbot/webhooks/anything", valid);
    expect([wrongSecret.status, noRoute.status]).toEqual([404, 404]);
    expect(await wrongSecret.text()).toBe(await noRoute.text());

    const secretPath = `/switchbot/webhook/${stack.webhookPathSecret}`;
    expect((await post(secretPath, "{oops")).status).toBe(400);
    expect((await post(secretPath, valid.replace(FRONT_DOOR, "0123456789AB"))).status).toBe(422);
    expect((await post(secretPath, valid.replace('"battery":100', `"battery":100,"pad":"${"x".repeat(20_000)}"`))).status).toBe(413);
    expect(stack.standin!.stats.writesAccepted).toBe(before);
  });

  it("deletes ampgate's URL with the CLI", async () => {
    const deleted = await cli("delete");
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/deleted http:\/\/127\.0\.0\.1:\d+\/switchbot\/webhook\//);
    expect(sim.webhook.config).toBeUndefined();
  });
});
