/**
 * pollOnce against the SwitchBot simulator with the file state store and a recording AMP writer: what one run
 * writes, what failing devices and run-stopping errors do, the quota budget, energy across a restart, and
 * AMP outages (kept batches, identical re-sends, order). The end-to-end path through the real AMP writer, the
 * SigV4 stand-in and Prometheus is in switchbot-poll-e2e.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AmpWriteError } from "@ampgate/core/amp/errors";
import { createLogger, setLogSink } from "@ampgate/core/log/logger";
import { DEFAULT_LIMITS } from "@ampgate/core/remote-write/limits";
import type { WriteRequest } from "@ampgate/core/remote-write/types";
import { validateWriteRequest } from "@ampgate/core/remote-write/validate";
import { createStaticSecretSource } from "@ampgate/core/secrets/static-secret-source";
import { createFileDocumentStore } from "@ampgate/core/state/file-document-store";
import { createCallLedger } from "@ampgate/core/switchbot/call-ledger";
import { switchBotClientFromSecrets } from "@ampgate/core/switchbot/client-from-secrets";
import { createFirstTimeFilter } from "@ampgate/core/switchbot/log-once";
import { DEFAULT_POLL_CONFIG, type PollConfig } from "@ampgate/core/switchbot/poll-config";
import { POLLER_DOCUMENT } from "@ampgate/core/switchbot/poll-state";
import { keepBatchOnWriteError, pollOnce, PollWriteError, type PollerDeps } from "@ampgate/core/switchbot/poller";
import { scheduledTimeOf } from "../../functions/poll";
import { DAILY_LIMIT } from "../../local/switchbot-simulator/faults";
import {
  BALCONY_METER,
  BEDROOM_CURTAIN,
  FAN_PLUG,
  FRONT_DOOR,
  HUB_2,
  HUB_MINI,
  LIVING_METER,
  OFFICE_CO2,
  OFFICE_PLUG,
  TV_REMOTE,
  WASHING_PLUG,
} from "../../local/switchbot-simulator/home";
import { startSwitchbotSimulator, type SwitchbotSimulator } from "../../local/switchbot-simulator/simulator";

const TOKEN = "a1".repeat(48);
const SECRET = "b2".repeat(16);
const POLLED = [HUB_2, LIVING_METER, BALCONY_METER, OFFICE_CO2, WASHING_PLUG, FAN_PLUG, OFFICE_PLUG, FRONT_DOOR];
const START = Date.UTC(2026, 4, 20, 9, 0, 0);
const MINUTE = 60_000;
/** The default schedule (5 min) fits the home's 8 pollable devices in the quota without spreading. */
const STEP = 5 * MINUTE;

let clock = START;
let sim: SwitchbotSimulator;
let dir: string;
const logs: Array<Record<string, unknown>> = [];
let restoreSink: ReturnType<typeof setLogSink>;

beforeAll(async () => {
  sim = await startSwitchbotSimulator({ token: TOKEN, secret: SECRET, now: () => clock });
  restoreSink = setLogSink((line) => logs.push(JSON.parse(line) as Record<string, unknown>));
});
afterAll(async () => {
  setLogSink(restoreSink);
  await sim.stop();
});
beforeEach(() => {
  clock = START;
  dir = mkdtempSync(join(tmpdir(), "ampgate-poller-"));
  logs.length = 0;
  sim.clearRequests();
});
afterEach(() => {
  sim.clearFaults();
  sim.setCallsToday(0);
  rmSync(dir, { recursive: true, force: true });
});

interface RecordingWriter {
  written: WriteRequest[];
  fail?: AmpWriteError;
  write(request: WriteRequest): Promise<void>;
}

function recordingWriter(): RecordingWriter {
  const writer: RecordingWriter = {
    written: [],
    async write(request) {
      if (writer.fail) throw writer.fail;
      writer.written.push(structuredClone(request));
    },
  };
  return writer;
}

/** A poller "container": its own ledger, first-time filter and client, over the shared state directory. */
function container(writer: RecordingWriter, config: Partial<PollConfig> = {}, quota: Partial<PollConfig["quota"]> = {}): PollerDeps {
  const calls = createCallLedger();
  const merged: PollConfig = { ...DEFAULT_POLL_CONFIG, ...config, quota: { ...DEFAULT_POLL_CONFIG.quota, intervalSeconds: 300, ...quota } };
  return {
    store: createFileDocumentStore(dir),
    writer,
    isRetryable: keepBatchOnWriteError,
    api: switchBotClientFromSecrets(createStaticSecretSource({ "switchbot-token": TOKEN, "switchbot-secret": SECRET }), {
      baseUrl: sim.url,
      now: () => clock,
      timeoutMs: merged.timeoutMs,
      sleep: async () => undefined,
      onCall: calls.record,
    }),
    calls,
    config: merged,
    log: createLogger({ level: "debug", fields: { fn: "poll" } }),
    firstTime: createFirstTimeFilter(),
    now: () => clock,
  };
}

const run = (deps: PollerDeps, at = clock) => pollOnce(deps, { scheduledTime: at, deadline: Date.now() + 60_000 });

/** Samples of `metric` whose labels include `match`, as "value@timestamp". */
function values(request: WriteRequest, metric: string, match: Record<string, string> = {}): string[] {
  return request.timeseries
    .filter((series) => {
      const labels = Object.fromEntries(series.labels.map((label) => [label.name, label.value]));
      return labels.__name__ === metric && Object.entries(match).every(([name, value]) => labels[name] === value);
    })
    .flatMap((series) => series.samples.map((sample) => `${sample.value}@${sample.timestamp}`));
}

function labelsOf(request: WriteRequest, metric: string, deviceId: string): Record<string, string> | undefined {
  const series = request.timeseries.find((candidate) =>
    candidate.labels.some((label) => label.name === "__name__" && label.value === metric) &&
    candidate.labels.some((label) => label.name === "device_id" && label.value === deviceId),
  );
  return series && Object.fromEntries(series.labels.map((label) => [label.name, label.value]));
}

describe("pollOnce", () => {
  it("writes one batch stamped with the scheduled time: readings, labels, device info, health", async () => {
    const writer = recordingWriter();
    const outcome = await run(container(writer));
    expect(outcome).toMatchObject({ action: "polled", written: [START], pending: 0, summary: { devices: 11, due: 8, read: 8, failed: 0 } });
    expect(writer.written).toHaveLength(1);
    const batch = writer.written[0]!;
    expect(batch.timeseries.every((series) => series.samples.every((sample) => sample.timestamp === START))).toBe(true);
    for (const series of batch.timeseries) {
      const names = series.labels.map((label) => label.name);
      expect(names).toEqual([...names].sort());
    }
    // What ingest enforces on every pushed batch holds for the poller's own (strict: unsorted labels refused).
    expect(() => validateWriteRequest(structuredClone(batch), { ...DEFAULT_LIMITS, rejectUnsortedLabels: true })).not.toThrow();

    const meter = sim.statusBody(LIVING_METER, START)!;
    expect(values(batch, "switchbot_temperature_celsius", { device_id: LIVING_METER })).toEqual([`${meter.temperature}@${START}`]);
    expect(labelsOf(batch, "switchbot_temperature_celsius", LIVING_METER)).toEqual({
      __name__: "switchbot_temperature_celsius",
      device_id: LIVING_METER,
      device_name: "Living Room Meter",
      device_type: "Meter",
      hub_id: HUB_2,
    });
    const plug = sim.statusBody(WASHING_PLUG, START)!;
    expect(values(batch, "switchbot_power_watts", { device_id: WASHING_PLUG })).toEqual([`${plug.weight}@${START}`]);
    expect(values(batch, "switchbot_current_amperes", { device_id: WASHING_PLUG })).toEqual([`${(plug.electricCurrent as number) / 1000}@${START}`]);
    expect(labelsOf(batch, "switchbot_power_watts", WASHING_PLUG)).not.toHaveProperty("hub_id");
    expect(values(batch, "switchbot_co2_ppm", { device_id: OFFICE_CO2 })).toEqual([`${sim.statusBody(OFFICE_CO2, START)!.CO2}@${START}`]);
    expect(values(batch, "switchbot_energy_watt_hours_total", { device_id: WASHING_PLUG })).toEqual([`0@${START}`]);

    expect(values(batch, "switchbot_up")).toHaveLength(8);
    expect(values(batch, "switchbot_up").every((value) => value.startsWith("1@"))).toBe(true);
    expect(labelsOf(batch, "switchbot_device_info", BEDROOM_CURTAIN)).toMatchObject({ cloud_enabled: "false", polling: "cloud_service_off" });
    expect(labelsOf(batch, "switchbot_device_info", HUB_MINI)).toMatchObject({ cloud_enabled: "unknown", polling: "no_readings" });
    expect(labelsOf(batch, "switchbot_device_info", TV_REMOTE)).toMatchObject({ device_type: "TV", polling: "ir_remote", hub_id: HUB_MINI });
    expect(values(batch, "switchbot_api_calls_total", { endpoint: "devices" })).toEqual([`1@${START}`]);
    expect(values(batch, "switchbot_api_calls_total", { endpoint: "status" })).toEqual([`8@${START}`]);
    expect(values(batch, "switchbot_api_calls_today")).toEqual([`9@${START}`]);
    expect(values(batch, "switchbot_last_success_timestamp_seconds")).toEqual([`${START / 1000}@${START}`]);
    expect(values(batch, "switchbot_quota_refused")).toEqual([`0@${START}`]);
    expect(batch.metadata.find((m) => m.metricFamilyName === "switchbot_energy_watt_hours_total")).toMatchObject({ unit: "watt_hours" });
    expect(sim.requests.some((request) => request.deviceId === BEDROOM_CURTAIN)).toBe(false);
    expect(logs.filter((line) => String(line.msg).includes("cloud service is off"))).toHaveLength(1);
  });

  it("keeps the device list between runs and counts calls monotonically across containers", async () => {
    const writer = recordingWriter();
    await run(container(writer));
    clock += STEP;
    const before = sim.requests.length;
    await run(container(writer));
    expect(sim.requests.slice(before).map((request) => request.endpoint)).toEqual(new Array(8).fill("status"));
    const second = writer.written[1]!;
    expect(values(second, "switchbot_api_calls_total", { endpoint: "status" })).toEqual([`16@${clock}`]);
    expect(values(second, "switchbot_api_calls_total", { endpoint: "devices" })).toEqual([`1@${clock}`]);
  });

  it("keeps the other devices' samples when one fails, and counts the error by code", async () => {
    sim.inject({ fault: { type: "status", statusCode: 161, message: "device offline" }, deviceId: LIVING_METER });
    sim.inject({ fault: { type: "delay", ms: 2_000 }, deviceId: FRONT_DOOR });
    const writer = recordingWriter();
    const outcome = await run(container(writer, { timeoutMs: 200 }));
    expect(outcome.summary).toMatchObject({ due: 8, read: 6, failed: 2 });
    const batch = writer.written[0]!;
    expect(values(batch, "switchbot_up", { device_id: LIVING_METER })).toEqual([`0@${START}`]);
    expect(values(batch, "switchbot_up", { device_id: FRONT_DOOR })).toEqual([`0@${START}`]);
    expect(values(batch, "switchbot_temperature_celsius", { device_id: LIVING_METER })).toEqual([]);
    expect(values(batch, "switchbot_temperature_celsius", { device_id: BALCONY_METER })).toHaveLength(1);
    expect(values(batch, "switchbot_api_errors_total", { code: "161", reason: "device_offline" })).toEqual([`1@${START}`]);
    expect(values(batch, "switchbot_api_errors_total", { code: "timeout", reason: "timeout" })).toEqual([`3@${START}`]);
    // An offline device is that device's problem, not a failed run.
    expect(values(batch, "switchbot_last_success_timestamp_seconds")).toEqual([`${START / 1000}@${START}`]);
  });

  it("stops calling on 401 and reports every due device as down", async () => {
    const writer = recordingWriter();
    const deps = container(writer);
    await run(deps);
    sim.inject({ fault: { type: "http", status: 401 } });
    clock += STEP;
    const before = sim.requests.length;
    const outcome = await run(deps);
    expect(sim.requests.length - before).toBeLessThanOrEqual(3); // at most the calls already in flight
    expect(outcome.summary?.stoppedBy).toMatch(/credentials rejected/);
    const batch = writer.written[1]!;
    expect(values(batch, "switchbot_up").filter((value) => value.startsWith("0@"))).toHaveLength(8);
    expect(values(batch, "switchbot_last_success_timestamp_seconds")).toEqual([`${START / 1000}@${clock}`]);
    expect(logs.some((line) => line.level === "warn" && line.msg === "poll run stopped calling the API")).toBe(true);
  });

  it("backs off after 190 'daily limit' and makes no calls until the back-off ends", async () => {
    const writer = recordingWriter();
    const deps = container(writer);
    await run(deps);
    sim.inject({ fault: { type: "status", statusCode: 190, message: DAILY_LIMIT } });
    clock += STEP;
    await run(deps);
    sim.clearFaults();
    clock += STEP;
    const before = sim.requests.length;
    const outcome = await run(deps);
    expect(sim.requests.length).toBe(before);
    expect(outcome.summary?.stoppedBy).toMatch(/daily quota exhausted; next attempt after/);
    clock += 61 * MINUTE;
    expect((await run(deps)).summary).toMatchObject({ read: 8 });
  });

  it("never spends more than its own daily budget, whatever retries cost", async () => {
    await createFileDocumentStore(dir).write(POLLER_DOCUMENT, { schema: 1, callsToday: { day: "2026-05-20", count: 7_998 } }, undefined);
    const writer = recordingWriter();
    const outcome = await run(container(writer));
    expect(sim.requests).toHaveLength(2); // the device list and one status
    expect(outcome.summary).toMatchObject({ due: 8, read: 1 });
    expect(outcome.summary?.stoppedBy).toMatch(/own budget of 8000 calls\/day is spent/);
    expect(values(writer.written[0]!, "switchbot_api_calls_today")).toEqual([`8000@${START}`]);
  });

  it("refuses a configuration over the quota budget, with an error log and a metric, and makes no status calls", async () => {
    const writer = recordingWriter();
    // 8 devices every 10 s = 69,120 calls/day against 8,000: spreading would read each device every 90 s > 60 s.
    const outcome = await run(container(writer, {}, { intervalSeconds: 10, maxDeviceIntervalSeconds: 60 }));
    expect(outcome.summary).toMatchObject({ due: 0, read: 0 });
    expect(sim.requests.filter((request) => request.endpoint === "status")).toHaveLength(0);
    const batch = writer.written[0]!;
    expect(values(batch, "switchbot_quota_refused")).toEqual([`1@${START}`]);
    expect(values(batch, "switchbot_quota_needed_calls_per_day")).toEqual([`${8 * 8640 + 4}@${START}`]);
    const refusal = logs.find((line) => line.level === "error" && String(line.msg).includes("refused"));
    expect(refusal?.why).toMatch(/over the budget of 8000 calls\/day/);
  });

  it("spreads devices over runs when the budget requires it", async () => {
    const writer = recordingWriter();
    // share 0.25 → 2,500/day; 8 devices × 1,440 runs → spread 5: every device once per 5 runs.
    const deps = container(writer, {}, { share: 0.25, intervalSeconds: 60 });
    const reads = new Map<string, number>();
    for (let i = 0; i < 5; i++) {
      const before = sim.requests.length;
      const outcome = await run(deps);
      expect(outcome.summary?.plan.spread).toBe(5);
      for (const request of sim.requests.slice(before).filter((r) => r.endpoint === "status")) {
        reads.set(request.deviceId!, (reads.get(request.deviceId!) ?? 0) + 1);
      }
      clock += MINUTE;
    }
    expect([...reads.keys()].sort()).toEqual([...POLLED].sort());
    expect([...reads.values()].every((count) => count === 1)).toBe(true);
  });

  it("logs an unknown deviceType once per container and does not poll it", async () => {
    sim.inject({ fault: { type: "deviceType", deviceType: "Meter Ultra 9000" }, deviceId: LIVING_METER });
    const writer = recordingWriter();
    const deps = container(writer, {}, {});
    await run(deps);
    clock += 7 * 3_600_000; // past the list's refresh period: listed again, still unknown
    await run(deps);
    expect(sim.requests.some((request) => request.deviceId === LIVING_METER)).toBe(false);
    expect(logs.filter((line) => line.msg === "unknown SwitchBot deviceType; device not polled")).toHaveLength(1);
    expect(labelsOf(writer.written[1]!, "switchbot_device_info", LIVING_METER)).toMatchObject({ polling: "unknown_type", device_type: "Meter Ultra 9000" });
  });
});

describe("derived energy", () => {
  it("integrates the plugs' power over several polls and survives a restart", async () => {
    const writer = recordingWriter();
    const times: number[] = [];
    for (let i = 0; i < 6; i++) {
      // A fresh container for the second half: a cold start reading the same state.
      const deps = container(writer);
      times.push(clock);
      await run(deps);
      clock += STEP;
    }
    const watts = times.map((at) => sim.statusBody(WASHING_PLUG, at)!.weight as number);
    let expected = 0;
    const counter = writer.written.map((batch) => Number(values(batch, "switchbot_energy_watt_hours_total", { device_id: WASHING_PLUG })[0]!.split("@")[0]));
    for (let i = 1; i < times.length; i++) {
      expected += ((watts[i - 1]! + watts[i]!) / 2) * ((times[i]! - times[i - 1]!) / 3_600_000);
      expect(counter[i]).toBeCloseTo(expected, 9);
    }
    expect(counter[0]).toBe(0);
    expect(counter[5]).toBeGreaterThan(counter[1]!);
  });

  it("follows the EU plug's own daily energy", async () => {
    const writer = recordingWriter();
    for (let i = 0; i < 3; i++) {
      await run(container(writer));
      clock += STEP;
    }
    const daily = writer.written.map((batch) => Number(values(batch, "switchbot_energy_today_watt_hours", { device_id: OFFICE_PLUG })[0]!.split("@")[0]));
    const counter = writer.written.map((batch) => Number(values(batch, "switchbot_energy_watt_hours_total", { device_id: OFFICE_PLUG })[0]!.split("@")[0]));
    expect(counter[2]! - counter[0]!).toBeCloseTo(daily[2]! - daily[0]!, 9);
  });
});

describe("AMP outages", () => {
  it("fails the invocation, keeps the batch, and a retry re-sends the identical batch without polling again", async () => {
    const writer = recordingWriter();
    const deps = container(writer);
    writer.fail = new AmpWriteError("server", "AMP answered HTTP 503");
    await expect(run(deps)).rejects.toBeInstanceOf(PollWriteError);
    const kept = (await createFileDocumentStore(dir).read(POLLER_DOCUMENT))!.value as { pending: Array<{ time: number; request: WriteRequest }> };
    expect(kept.pending.map((batch) => batch.time)).toEqual([START]);

    // The schedule retries the same event a minute later (Lambda async retry), AMP still down.
    clock += STEP;
    const callsBefore = sim.requests.length;
    await expect(run(deps, START)).rejects.toBeInstanceOf(PollWriteError);
    // The next scheduled run polls and queues its own batch behind the first.
    await expect(run(deps, START + STEP)).rejects.toBeInstanceOf(PollWriteError);
    expect(sim.requests.length - callsBefore).toBe(8);

    writer.fail = undefined;
    clock += STEP;
    const retry = await run(deps, START);
    expect(retry).toMatchObject({ action: "flush_only", written: [START, START + STEP], pending: 0 });
    expect(writer.written[0]).toEqual(kept.pending[0]!.request);
    expect(writer.written.map((batch) => batch.timeseries[0]!.samples[0]!.timestamp)).toEqual([START, START + STEP]);

    // A late duplicate of the first run writes nothing twice.
    const late = await run(deps, START);
    expect(late).toMatchObject({ action: "flush_only", written: [] });
    expect(writer.written).toHaveLength(2);
  });

  it("drops a batch AMP refuses for good, counts it, and goes on", async () => {
    const writer = recordingWriter();
    const deps = container(writer);
    writer.fail = new AmpWriteError("rejected", "AMP answered HTTP 400: out of bounds");
    const outcome = await run(deps);
    expect(outcome).toMatchObject({ dropped: [START], pending: 0 });
    writer.fail = undefined;
    clock += STEP;
    await run(deps);
    expect(values(writer.written[0]!, "switchbot_poll_batches_dropped_total")).toEqual([`1@${clock}`]);
    expect(logs.some((line) => line.level === "error" && line.msg === "AMP refused the batch for good; dropped")).toBe(true);
  });

  it("does not poll for a scheduled time too old for AMP (a late redrive)", async () => {
    const writer = recordingWriter();
    const outcome = await run(container(writer), START - 2 * 3_600_000);
    expect(outcome.action).toBe("too_old");
    expect(sim.requests).toHaveLength(0);
  });
});

describe("poll event", () => {
  it("takes the scheduled time from a Scheduler input or a rule's Scheduled Event", () => {
    expect(scheduledTimeOf({ scheduledTime: "2026-05-20T09:00:00Z" }, 1)).toBe(START);
    expect(scheduledTimeOf({ time: "2026-05-20T09:00:00Z" }, 1)).toBe(START);
    expect(scheduledTimeOf({}, 42)).toBe(42);
  });
});
