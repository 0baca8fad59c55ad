/**
 * Fuzz targets for what SwitchBot sends us: API responses (the client and the poller's list/status handling, fed
 * by a stub fetch — the cloud is not ours, a proxy or an outage can answer anything) and webhook deliveries (the
 * real receiver; anyone who learns the URL can post anything).
 */
import fc from "fast-check";
import { writeErrorToRequestError } from "@ampgate/core/amp/errors";
import { createLogger } from "@ampgate/core/log/logger";
import type { WriteRequest } from "@ampgate/core/remote-write/types";
import { createSwitchBotClient } from "@ampgate/core/switchbot/client";
import { deviceReadings } from "@ampgate/core/switchbot/device-readings";
import { knownDevices, planDevice, type KnownDevice } from "@ampgate/core/switchbot/device-list";
import { DEVICE_KINDS } from "@ampgate/core/switchbot/device-table";
import { SwitchBotError } from "@ampgate/core/switchbot/errors";
import { createFirstTimeFilter } from "@ampgate/core/switchbot/log-once";
import { handleSwitchbotWebhook } from "@ampgate/core/switchbot/webhook-receiver";
import { webhookRequest } from "../../security/support/webhook-request";
import { grammarText, mutated, utf8 } from "../support/mutate";
import { FuzzViolation, outcomeOf, type FuzzOutcome } from "../support/outcome";
import type { FuzzTarget } from "./fuzz-target";

const MiB = 1024 * 1024;
const METER = "C271111EC0AB";
const PLUG = "6055F938CAAE";

// ── SwitchBot API responses ────────────────────────────────────────────────────────────────────────────────

/** The first input byte picks the HTTP status; the rest is the body. */
const STATUSES = [200, 200, 200, 200, 200, 401, 403, 429, 500, 503, 404, 302, 204];

function stubbedClient(status: number, body: Uint8Array) {
  return createSwitchBotClient({
    token: "fuzz-token-000000000000000000000000",
    secret: "fuzz-secret-0000000",
    baseUrl: "http://switchbot.fuzz.invalid",
    maxRetries: 0,
    sleep: async () => undefined,
    fetch: async () => new Response(status === 204 ? null : Buffer.from(body), { status }),
  });
}

/** What the poller does with a listing and a status body: plan the devices, read every kind's fields. */
async function pollerView(status: number, body: Uint8Array): Promise<{ devices?: KnownDevice[]; errors: string[] }> {
  const errors: string[] = [];
  const client = stubbedClient(status, body);
  let devices: KnownDevice[] | undefined;
  const expected = (error: unknown) => {
    if (!(error instanceof SwitchBotError)) throw new FuzzViolation(`threw ${(error as Error)?.name}: ${(error as Error)?.message}`);
    if (/[\r\n]/.test(error.message)) throw new FuzzViolation(`multi-line SwitchBotError message: ${JSON.stringify(error.message)}`);
    errors.push(error.message);
  };
  try {
    devices = knownDevices(await client.listDevices());
    // The poller then asks for the status of pollable devices by the id the list gave (a few: each call here
    // re-reads the same body, and the quota planner bounds the real number).
    for (const plan of devices.map(planDevice).filter((p) => !p.skip).slice(0, 4)) {
      await client.deviceStatus(plan.device.id).catch(expected);
    }
  } catch (error) {
    expected(error);
  }
  try {
    const record = await client.deviceStatus(METER);
    for (const kind of DEVICE_KINDS) deviceReadings(kind, record, "status");
  } catch (error) {
    expected(error);
  }
  return { ...(devices ? { devices } : {}), errors };
}

const envelope = (body: unknown) => utf8(JSON.stringify({ statusCode: 100, message: "success", body }));
const listing = fc.array(fc.record({
  deviceId: fc.oneof({ weight: 9, arbitrary: fc.stringMatching(/^[0-9A-F]{12}$/) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 16 }) }),
  deviceName: fc.string({ maxLength: 20 }),
  deviceType: fc.constantFrom("Meter", "MeterPlus", "Plug Mini (US)", "Hub 2", "Curtain", "Toaster"),
  enableCloudService: fc.boolean(),
  hubDeviceId: fc.constantFrom("", "D82812821F08"),
}), { maxLength: 6 });
const anyJson = fc.jsonValue({ maxDepth: 4 });

const switchbotResponse: FuzzTarget = {
  name: "switchbot-response",
  drives: "SwitchBot client envelope + device list + status readings for every device kind",
  cases: fc.oneof(
    { weight: 2, arbitrary: listing.map((deviceList) => ({
      input: new Uint8Array([0, ...envelope({ deviceList, infraredRemoteList: [] })]),
      check: (outcome: FuzzOutcome) => {
        const ids = (outcome.written as unknown as KnownDevice[]).map((d) => d.id).sort();
        const want = [...new Set(deviceList.map((d) => d.deviceId))].sort();
        if (JSON.stringify([...new Set(ids)]) !== JSON.stringify(want)) throw new FuzzViolation(`listed ${want.join(",")}, planned ${ids.join(",")}`);
      },
    })) },
    { weight: 3, arbitrary: fc.tuple(fc.nat(12), anyJson).map(([s, body]) => ({ input: new Uint8Array([s, ...envelope(body)]) })) },
    // Right envelope, wrong entries: what a changed or broken API would send.
    { weight: 2, arbitrary: fc.record({ deviceList: fc.array(anyJson, { maxLength: 4 }), infraredRemoteList: fc.array(anyJson, { maxLength: 2 }) }, { requiredKeys: [] })
      .map((body) => ({ input: new Uint8Array([0, ...envelope(body)]) })) },
    { weight: 2, arbitrary: fc.tuple(fc.nat(12), fc.record({ statusCode: fc.oneof(fc.constantFrom(100, 151, 152, 161, 171, 174, 190, 300), fc.integer()), message: fc.string(), body: anyJson }, { requiredKeys: [] }))
      .map(([s, value]) => ({ input: new Uint8Array([s, ...utf8(JSON.stringify(value))]) })) },
    { weight: 2, arbitrary: mutated(listing.map((deviceList) => new Uint8Array([0, ...envelope({ deviceList, infraredRemoteList: [{ deviceId: "02-1", remoteType: "TV" }] })]))).map((input) => ({ input })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((input) => ({ input })) },
  ),
  async run(input) {
    const status = STATUSES[(input[0] ?? 0) % STATUSES.length]!;
    const view = await pollerView(status, input.subarray(1));
    return view.devices ? { status: 200, written: view.devices as never } : { status: 400, message: view.errors[0] ?? "no device list", written: [] };
  },
  large: [
    { what: "a 4 MiB device list of 30,000 devices", input: () => new Uint8Array([0, ...envelope({ deviceList: Array.from({ length: 30_000 }, (_, i) => ({ deviceId: i.toString(16).padStart(12, "0").toUpperCase(), deviceName: `Device ${i} ${"x".repeat(60)}`, deviceType: "Meter", enableCloudService: true, hubDeviceId: "D82812821F08" })), infraredRemoteList: [] })]) },
    // The client reads bodies whole (response.text()): depth costs memory; see docs/reliability.md.
    { what: "2 MiB of nested arrays", input: () => new Uint8Array([0, ...utf8(`{"statusCode":100,"body":${"[".repeat(MiB)}${"]".repeat(MiB)}}`)]) },
  ],
};

// ── Webhook deliveries ─────────────────────────────────────────────────────────────────────────────────────

const WEBHOOK_SECRET = "fuzz-webhook-path-secret-0123456789abcdef";
const DEVICES: ReadonlyMap<string, KnownDevice> = new Map([
  [METER, { id: METER, name: "Living Room Meter", type: "Meter", hubId: "D82812821F08", cloud: "true" }],
  [PLUG, { id: PLUG, name: "Washing Machine", type: "Plug Mini (US)", cloud: "true" }],
]);

const written: WriteRequest[] = [];
const webhookDeps = {
  pathSecret: async () => WEBHOOK_SECRET,
  devices: { byId: async () => DEVICES },
  writer: { write: async (request: WriteRequest) => void written.push(request) },
  writeErrorToRequestError,
  log: createLogger({ level: "error" }),
  firstTime: createFirstTimeFilter(),
};

const meterContext = fc.record({
  deviceType: fc.constantFrom("WoMeter", "WoMeterPlus", "WoHand"),
  deviceMac: fc.constantFrom(METER, METER.toLowerCase()),
  temperature: fc.integer({ min: -200, max: 500 }).map((n) => n / 10),
  scale: fc.constant("CELSIUS"),
  humidity: fc.integer({ min: 0, max: 100 }),
  battery: fc.integer({ min: 0, max: 100 }),
  timeOfSample: fc.integer({ min: 1_000, max: 50 * 60_000 }).map((ago) => Date.now() - ago),
});
const delivery = (context: object) => ({ eventType: "changeReport", eventVersion: "1", context });

const webhookBody: FuzzTarget = {
  name: "webhook-body",
  drives: "POST /switchbot/webhook/{secret} (the receiver, right secret)",
  cases: fc.oneof(
    { weight: 2, arbitrary: meterContext.map((context) => ({
      input: utf8(JSON.stringify(delivery(context))),
      check: (outcome: FuzzOutcome) => {
        if (outcome.status !== 204) throw new FuzzViolation(`valid delivery refused: ${outcome.status} ${outcome.message}`);
        const temperature = outcome.written.flatMap((r) => r.timeseries).find((s) => s.labels.some((l) => l.value === "switchbot_temperature_celsius"));
        if (temperature?.samples[0]?.value !== context.temperature || temperature.samples[0].timestamp !== context.timeOfSample) {
          throw new FuzzViolation(`temperature ${context.temperature}@${context.timeOfSample} became ${JSON.stringify(temperature?.samples)}`);
        }
      },
    })) },
    { weight: 3, arbitrary: mutated(meterContext.map((context) => utf8(JSON.stringify(delivery(context))))).map((input) => ({ input })) },
    { weight: 2, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 })
      .map((extra) => ({ input: utf8(JSON.stringify(delivery({ deviceMac: PLUG, ...extra }))) })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => ({ input: utf8(JSON.stringify(value)) })) },
    { weight: 1, arbitrary: grammarText('{}[]":,0123456789.-eventTypechangeReportcontextdeviceMac') .map((input) => ({ input })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((input) => ({ input })) },
  ),
  async run(input) {
    written.length = 0;
    const response = await handleSwitchbotWebhook(webhookRequest(WEBHOOK_SECRET, input), webhookDeps, { deadline: Date.now() + 5_000 });
    return outcomeOf(response, [...written]);
  },
  large: [
    { what: "a 4 MiB body (the receiver caps at 16 KiB)", input: () => utf8(JSON.stringify(delivery({ deviceMac: METER, pad: "x".repeat(4 * MiB) }))) },
    { what: "16 KiB of nested arrays", input: () => utf8(`${"[".repeat(8 * 1024)}${"]".repeat(8 * 1024)}`) },
  ],
};

export const SWITCHBOT_TARGETS: readonly FuzzTarget[] = [switchbotResponse, webhookBody];
