/**
 * The SwitchBot part of `npm start`: simulator or real account, secrets into SSM, and the schedule (first run
 * right after start, then every POLL_INTERVAL_SECONDS, scheduled times exactly one interval apart, no overlap).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createSwitchBotClient } from "@ampgate/core/switchbot/client";
import { startLocalSwitchbot } from "../../local/switchbot-simulator/local-switchbot";
import { waitFor } from "../support/wait-for";

describe("local SwitchBot runner", () => {
  it("starts the simulator without credentials and fires the schedule from the start, one interval apart", async () => {
    const secrets = new Map<string, string>();
    const events: Array<{ scheduledTime: string; at: number }> = [];
    let inFlight = 0;
    let overlapped = false;
    const before = Date.now();
    const switchbot = await startLocalSwitchbot({
      env: { POLL_INTERVAL_SECONDS: "1" },
      dataDir: mkdtempSync(join(tmpdir(), "ampgate-local-sb-")),
      putSecret: (name, value) => secrets.set(name, value),
      invokePoll: async (event) => {
        overlapped ||= inFlight > 0;
        inFlight++;
        events.push({ ...event, at: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 50));
        inFlight--;
        return {};
      },
      log: () => undefined,
    });
    try {
      expect(switchbot.mode).toBe("simulator");
      expect(process.env.SWITCHBOT_API_URL).toBe(switchbot.apiUrl);
      await waitFor("three scheduled runs", () => (events.length >= 3 ? true : undefined), 10_000);
      const times = events.map((event) => Date.parse(event.scheduledTime));
      expect(times[0]! - before).toBeLessThan(1_000);
      expect(times[1]! - times[0]!).toBe(1_000);
      expect(times[2]! - times[1]!).toBe(1_000);
      expect(overlapped).toBe(false);

      // The credentials put into SSM are the simulated account's: they sign calls the simulator accepts.
      const api = createSwitchBotClient({ token: secrets.get("switchbot-token")!, secret: secrets.get("switchbot-secret")!, baseUrl: switchbot.apiUrl });
      expect((await api.listDevices()).deviceList.length).toBeGreaterThan(5);
    } finally {
      await switchbot.stop();
    }
    // A run that must not happen cannot be polled for: wait out more than one interval, then count.
    const count = events.length;
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(events.length).toBe(count);
  });

  it("uses the real API with SWITCHBOT_TOKEN/SWITCHBOT_SECRET, putting them into SSM", async () => {
    delete process.env.SWITCHBOT_API_URL;
    const secrets = new Map<string, string>();
    const switchbot = await startLocalSwitchbot({
      env: { SWITCHBOT_TOKEN: "t".repeat(96), SWITCHBOT_SECRET: "s".repeat(32), POLL_INTERVAL_SECONDS: "3600" },
      dataDir: mkdtempSync(join(tmpdir(), "ampgate-local-sb-")),
      putSecret: (name, value) => secrets.set(name, value),
      invokePoll: async () => ({}),
      log: () => undefined,
    });
    await switchbot.stop();
    expect(switchbot).toMatchObject({ mode: "real", apiUrl: "https://api.switch-bot.com", intervalSeconds: 3600 });
    expect(switchbot.simulator).toBeUndefined();
    expect(process.env.SWITCHBOT_API_URL).toBeUndefined();
    expect(Object.fromEntries(secrets)).toEqual({ "switchbot-token": "t".repeat(96), "switchbot-secret": "s".repeat(32) });
  });
});
