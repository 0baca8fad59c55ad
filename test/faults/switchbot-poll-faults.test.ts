/**
 * Fault injection on the poll path: the real poll Lambda handler (functions/poll.ts) against the SwitchBot simulator
 * through one fault proxy, writing to the SigV4 stand-in through another. For each SwitchBot gateway fault on one
 * device: the run never crashes and ends within its deadline, the other devices are still read, and what the run
 * reported is exactly what landed — `switchbot_up` is 1 for every device read and 0 for every device that failed,
 * at the run's scheduled time. For AMP faults: the run fails (so the schedule retries it), the batch is kept, and
 * the next run lands both batches.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { setLogSink } from "@ampgate/core/log/logger";
import type { PollOutcome } from "@ampgate/core/switchbot/poller";
import { startFaultProxy, type FaultProxy } from "../../local/fault-proxy/fault-proxy";
import { AMP_FAULTS, SWITCHBOT_FAULTS, type SwitchbotFaultName } from "../../local/fault-proxy/faults";
import { lambdaContext } from "../../local/lambda-host";
import type { LocalStack } from "../../local/stack";
import { LIVING_METER } from "../../local/switchbot-simulator/home";
import { startSwitchbotSimulator, type SwitchbotSimulator } from "../../local/switchbot-simulator/simulator";
import { wirePollHandler } from "../support/poll-handler";
import { WRITE_PATH } from "./support/fault-case";
import { reportFigures, type FigureRow } from "./support/report-figures";
import { storedSamples } from "./support/sample-accounting";
import { startStackBehindProxy } from "./support/stack-behind-proxy";

const TOKEN = "e5".repeat(48);
const SECRET = "f6".repeat(16);
const MINUTE = 60_000;
/** Short per-call timeout so that stalls and drips cost seconds, not the default 8 s × 3 attempts. */
const SWITCHBOT_TIMEOUT_MS = 1_000;

let sim: SwitchbotSimulator;
let switchbotProxy: FaultProxy;
let ampProxy: FaultProxy;
let stopStack: (() => Promise<void>) | undefined;
let stack: LocalStack;
let pollModule: typeof import("../../functions/poll");
const figures: FigureRow[] = [];
/** Scheduled times one minute apart, starting 40 minutes ago (AMP takes samples up to ~1 h old). */
let nextRun = Math.floor(Date.now() / MINUTE) * MINUTE - 40 * MINUTE;

beforeAll(async () => {
  sim = await startSwitchbotSimulator({ token: TOKEN, secret: SECRET });
  switchbotProxy = await startFaultProxy({ target: sim.url });
  ({ stack, ampProxy, stop: stopStack } = await startStackBehindProxy("switchbot-poll-faults"));
  await wirePollHandler(stack, {
    apiUrl: switchbotProxy.url, token: TOKEN, secret: SECRET,
    env: { SWITCHBOT_TIMEOUT_MS: String(SWITCHBOT_TIMEOUT_MS), POLL_INTERVAL_SECONDS: "300" },
  });
  pollModule = await import("../../functions/poll");
});
afterAll(async () => {
  reportFigures("faults-poll", figures);
  await stopStack?.();
  await switchbotProxy?.close();
  await sim?.stop();
});
afterEach(() => {
  switchbotProxy.clearFaults();
  ampProxy.clearFaults();
});

async function poll(): Promise<{ at: number; outcome?: PollOutcome; error?: Error; ms: number }> {
  const at = (nextRun += MINUTE);
  const started = Date.now();
  try {
    const outcome = await pollModule.handler({ scheduledTime: new Date(at).toISOString() }, lambdaContext("poll"));
    return { at, outcome, ms: Date.now() - started };
  } catch (error) {
    return { at, error: error as Error, ms: Date.now() - started };
  }
}

/** device_id → switchbot_up value stored at exactly `at`. */
async function upAt(at: number): Promise<Map<string, number>> {
  const stored = await storedSamples(stack.standin!.workspaceUrl, "switchbot_up");
  const up = new Map<string, number>();
  for (const [series, samples] of stored) {
    const value = samples.get(at);
    const device = /device_id="([^"]+)"/.exec(series)?.[1];
    if (value !== undefined && device) up.set(device, value);
  }
  return up;
}

const ones = (up: Map<string, number>) => [...up.values()].filter((v) => v === 1).length;

describe("a healthy run first (fills the device list and the state)", () => {
  it("reads all 8 pollable devices", async () => {
    const run = await poll();
    expect(run.error).toBeUndefined();
    expect(run.outcome).toMatchObject({ action: "polled", written: [run.at], pending: 0, summary: { due: 8, read: 8, failed: 0 } });
    expect(ones(await upAt(run.at))).toBe(8);
  });
});

/** Gateway faults on one device's status calls; the client retries the retryable ones twice. */
const DEVICE_FAULTS: Array<[SwitchbotFaultName, { stopsRun?: boolean }]> = [
  ["500", {}],
  ["502", {}],
  ["503", {}],
  ["429", { stopsRun: true }],
  ["reset", {}],
  ["reset mid-response", {}],
  ["stall", {}],
  ["slow drip", {}],
  ["html error page", {}],
];

describe("SwitchBot faults on one device: the run goes on, and what it reports is what landed", () => {
  for (const [name, { stopsRun }] of DEVICE_FAULTS) {
    it(`${name}`, async () => {
      const mark = switchbotProxy.exchanges().length;
      switchbotProxy.inject({ name, fault: SWITCHBOT_FAULTS[name].fault, pathPrefix: `/v1.1/devices/${LIVING_METER}/status` });
      const run = await poll();
      const calls = switchbotProxy.exchanges().slice(mark);
      const injected = calls.filter((c) => c.fault === name).length;
      const up = await upAt(run.at);
      figures.push({
        fault: `switchbot ${name}`,
        injected,
        runResult: run.error ? run.error.name : run.outcome!.action,
        read: run.outcome?.summary?.read ?? "",
        failed: run.outcome?.summary?.failed ?? "",
        upStored1: ones(up),
        upStored0: up.size - ones(up),
        seconds: Math.round(run.ms / 100) / 10,
      });
      expect(run.error).toBeUndefined();
      const summary = run.outcome!.summary!;
      expect(run.outcome!.written).toEqual([run.at]);
      expect(injected).toBeGreaterThanOrEqual(1);
      expect(up.get(LIVING_METER)).toBe(0);
      expect(ones(up)).toBe(summary.read);
      if (stopsRun) {
        expect(summary.stoppedBy).toBeTruthy();
      } else {
        expect(summary).toMatchObject({ due: 8, read: 7, failed: 1 });
        expect(up.size).toBe(8);
      }
    }, 60_000);
  }

  it("DNS failure of the SwitchBot host: every call fails fast, the run still writes its health metrics", async () => {
    process.env.SWITCHBOT_API_URL = "http://api.ampgate-fault.invalid";
    pollModule.resetPollDependencies();
    const lines: string[] = [];
    const previousSink = setLogSink((line) => lines.push(line));
    try {
      const run = await poll();
      setLogSink(previousSink);
      // An SRE reading the log must see why: the resolver's answer, not just "fetch failed".
      const failures = lines.filter((line) => line.includes("network error"));
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((line) => line.includes("ENOTFOUND"))).toBe(true);
      const up = await upAt(run.at);
      figures.push({ fault: "switchbot DNS failure", injected: 8, runResult: run.error ? run.error.name : run.outcome!.action, read: run.outcome?.summary?.read ?? "", failed: run.outcome?.summary?.failed ?? "", upStored1: ones(up), upStored0: up.size - ones(up), seconds: Math.round(run.ms / 100) / 10 });
      expect(run.error).toBeUndefined();
      expect(run.outcome!.summary).toMatchObject({ read: 0 });
      expect(run.outcome!.written).toEqual([run.at]);
      expect(ones(up)).toBe(0);
      expect(run.ms).toBeLessThan(60_000);
    } finally {
      setLogSink(previousSink);
      process.env.SWITCHBOT_API_URL = switchbotProxy.url;
      pollModule.resetPollDependencies();
    }
  }, 90_000);
});

describe("AMP faults on the poll's write: the batch is kept and lands with the next run", () => {
  it("503 for a whole run: the invocation fails (the schedule retries), the next run writes both batches", async () => {
    ampProxy.inject({ name: "503", fault: AMP_FAULTS["503"].fault, method: "POST", pathPrefix: WRITE_PATH });
    const failed = await poll();
    expect(failed.error?.name).toBe("PollWriteError");
    expect((await upAt(failed.at)).size).toBe(0);
    ampProxy.clearFaults();
    const next = await poll();
    expect(next.error).toBeUndefined();
    expect(next.outcome).toMatchObject({ written: [failed.at, next.at], pending: 0 });
    expect(ones(await upAt(failed.at))).toBe(8);
    expect(ones(await upAt(next.at))).toBe(8);
    figures.push({ fault: "amp 503 during poll", injected: ampProxy.stats.faults["503"] ?? 0, runResult: "PollWriteError, then polled", read: 8, failed: 0, upStored1: 16, upStored0: 0 });
  }, 90_000);

  it("the answer lost after AMP stored the batch: the writer's retry is an identical duplicate, stored once", async () => {
    ampProxy.inject({ name: "reset after store", fault: AMP_FAULTS["reset after store"].fault, times: 1, method: "POST", pathPrefix: WRITE_PATH });
    const run = await poll();
    expect(run.error).toBeUndefined();
    expect(run.outcome).toMatchObject({ written: [run.at], pending: 0 });
    expect(ones(await upAt(run.at))).toBe(8);
  }, 60_000);
});

describe("AMP faults on a webhook delivery", () => {
  // The receiver accepts only devices of the poller's device list: one run stores it.
  beforeAll(async () => void (await poll()));
  const delivery = (temperature: number) => JSON.stringify({
    eventType: "changeReport",
    eventVersion: "1",
    context: { deviceType: "WoMeter", deviceMac: LIVING_METER, temperature, scale: "CELSIUS", humidity: 40, battery: 90, timeOfSample: Date.now() - 2_000 },
  });
  const deliver = (body: string) => fetch(`${stack.url}/switchbot/webhook/${stack.webhookPathSecret}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const webhookTemperatures = async () => {
    const stored = await storedSamples(stack.standin!.workspaceUrl, `switchbot_temperature_celsius{source="webhook"}`);
    return [...stored.values()].flatMap((samples) => [...samples.values()]);
  };

  it("AMP down: SwitchBot is answered 503 with Retry-After and nothing is stored; once AMP is back a delivery lands", async () => {
    const mark = ampProxy.exchanges().length;
    ampProxy.inject({ name: "503", fault: AMP_FAULTS["503"].fault, method: "POST", pathPrefix: WRITE_PATH });
    const refused = await deliver(delivery(23.25));
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await webhookTemperatures()).not.toContain(23.25);
    ampProxy.clearFaults();
    expect((await deliver(delivery(23.5))).status).toBe(204);
    expect(await webhookTemperatures()).toContain(23.5);
    figures.push({ fault: "amp 503 during webhook", injected: ampProxy.exchanges().slice(mark).filter((e) => e.fault === "503").length, runResult: "503, then 204", upStored1: "", upStored0: "" });
  }, 60_000);
});
