import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AmpWriteError, writeErrorToRequestError } from "../../src/amp/errors";
import type { CoreRequest } from "../../src/http";
import { createLogger, setLogSink } from "../../src/log/logger";
import type { WriteRequest } from "../../src/remote-write/types";
import { createFileDocumentStore } from "../../src/state/file-document-store";
import { createDeviceDirectory } from "../../src/switchbot/device-directory";
import { createFirstTimeFilter } from "../../src/switchbot/log-once";
import { DEVICES_DOCUMENT } from "../../src/switchbot/poll-state";
import { handleSwitchbotWebhook, NOT_FOUND, WEBHOOK_MAX_BODY_BYTES, type WebhookDeps } from "../../src/switchbot/webhook-receiver";

const SECRET = "wh_3q2-9fjsa0dfj3r9asdfk23rkasdf0923";
const NOW = Date.UTC(2026, 4, 20, 12, 0, 0);
const METER = "C271111EC0AB";
let dir: string;
let written: WriteRequest[];
let failWith: Error | undefined;
const logs: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ampgate-webhook-"));
  written = [];
  failWith = undefined;
  logs.length = 0;
  await createFileDocumentStore(dir).write(
    DEVICES_DOCUMENT,
    {
      fetchedAt: NOW - 60_000,
      devices: [
        { id: METER, name: "Living Room Meter", type: "Meter", hubId: "D82812821F08", cloud: "true" },
        { id: "F1A2B3C4D5E6", name: "Front Door", type: "Contact Sensor", hubId: "D82812821F08", cloud: "true" },
        { id: "AA0000000001", name: "Toaster", type: "Toaster 3000", cloud: "true" },
      ],
    },
    "unconditional",
  );
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function deps(overrides: Partial<WebhookDeps> = {}): WebhookDeps {
  setLogSink((line) => logs.push(line));
  return {
    pathSecret: async () => SECRET,
    devices: createDeviceDirectory(createFileDocumentStore(dir), { now: () => NOW }),
    writer: {
      write: async (request) => {
        if (failWith) throw failWith;
        written.push(request);
      },
    },
    writeErrorToRequestError,
    log: createLogger({ fields: { fn: "webhook" } }),
    firstTime: createFirstTimeFilter(),
    now: () => NOW,
    ...overrides,
  };
}

function request(secret: string, body: unknown): CoreRequest {
  const bytes = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
  return {
    method: "POST",
    path: `/switchbot/webhook/${secret}`,
    routeKey: "POST /switchbot/webhook/{secret}",
    headers: { "content-type": "application/json" },
    query: new URLSearchParams(),
    pathParameters: { secret },
    body: typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes,
    requestId: "req-1",
    sourceIp: "203.0.113.9",
  } as CoreRequest;
}

const meterDelivery = (context: Record<string, unknown> = {}) => ({
  eventType: "changeReport",
  eventVersion: "1",
  context: { deviceType: "WoMeter", deviceMac: METER, temperature: 22.5, scale: "CELSIUS", humidity: 31, battery: 100, timeOfSample: NOW - 30_000, ...context },
});

const handle = (req: CoreRequest, d = deps()) => handleSwitchbotWebhook(req, d, { deadline: NOW + 5_000 });

function series(request: WriteRequest) {
  return request.timeseries.map((s) => ({
    labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])),
    samples: s.samples,
  }));
}

describe("SwitchBot webhook receiver", () => {
  it("turns a valid delivery into samples stamped with timeOfSample and labelled source=webhook", async () => {
    const response = await handle(request(SECRET, meterDelivery()));
    expect(response.status).toBe(204);
    expect(written).toHaveLength(1);
    const all = series(written[0]!);
    const temperature = all.find((s) => s.labels.__name__ === "switchbot_temperature_celsius")!;
    expect(temperature.labels).toEqual({
      __name__: "switchbot_temperature_celsius",
      device_id: METER,
      device_name: "Living Room Meter",
      device_type: "Meter",
      hub_id: "D82812821F08",
      source: "webhook",
    });
    expect(temperature.samples).toEqual([{ value: 22.5, timestamp: NOW - 30_000 }]);
    expect(all.map((s) => s.labels.__name__).sort()).toEqual([
      "switchbot_battery_percent",
      "switchbot_humidity_percent",
      "switchbot_last_event_timestamp_seconds",
      "switchbot_temperature_celsius",
    ]);
    expect(all.find((s) => s.labels.__name__ === "switchbot_last_event_timestamp_seconds")!.samples[0]!.value).toBe((NOW - 30_000) / 1000);
  });

  it("routes by MAC, not by a wrong or missing context.deviceType (SBA#230, #266), and accepts lower-case MACs", async () => {
    expect((await handle(request(SECRET, meterDelivery({ deviceType: "WoHand", deviceMac: METER.toLowerCase() })))).status).toBe(204);
    const withoutType = meterDelivery();
    delete (withoutType.context as Record<string, unknown>).deviceType;
    expect((await handle(request(SECRET, withoutType))).status).toBe(204);
    expect(series(written[0]!).some((s) => s.labels.__name__ === "switchbot_temperature_celsius")).toBe(true);
    expect(logs.some((line) => line.includes("differs from the device list"))).toBe(true);
  });

  it("uses the time of receipt when a delivery has no timeOfSample (Plug Mini EU example)", async () => {
    const delivery = meterDelivery();
    delete (delivery.context as Record<string, unknown>).timeOfSample;
    await handle(request(SECRET, delivery));
    expect(written[0]!.timeseries[0]!.samples[0]!.timestamp).toBe(NOW);
  });

  it("answers a wrong secret exactly like an unknown route, and writes nothing", async () => {
    const wrong = await handle(request("wh_3q2-9fjsa0dfj3r9asdfk23rkasdf0924", meterDelivery()));
    const empty = await handle(request("", meterDelivery()));
    expect(wrong).toEqual(NOT_FOUND);
    expect(empty).toEqual(NOT_FOUND);
    expect(wrong).toEqual({ status: 404, headers: { "content-type": "application/json" }, body: '{"message":"Not Found"}' });
    expect(written).toHaveLength(0);
  });

  it("answers 404 to everything when no path secret is configured", async () => {
    expect(await handle(request(SECRET, meterDelivery()), deps({ pathSecret: async () => undefined }))).toEqual(NOT_FOUND);
    expect(await handle(request("", meterDelivery()), deps({ pathSecret: async () => undefined }))).toEqual(NOT_FOUND);
    expect(written).toHaveLength(0);
  });

  const refusals: Array<[string, unknown, number, RegExp]> = [
    ["bad JSON", "{not json", 400, /not valid UTF-8 JSON/],
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0x7d]), 400, /not valid UTF-8 JSON/],
    ["another eventType", { ...meterDelivery(), eventType: "deviceDeleted" }, 400, /eventType/],
    ["another eventVersion", { ...meterDelivery(), eventVersion: "2" }, 400, /eventVersion/],
    ["an extra top-level field", { ...meterDelivery(), extra: 1 }, 400, /extra/],
    ["a malformed MAC", meterDelivery({ deviceMac: "C2:71:11:1E:C0:AB" }), 400, /context\.deviceMac: must be 12 hex digits/],
    ["timeOfSample in seconds", meterDelivery({ timeOfSample: Math.floor(NOW / 1000) }), 400, /timeOfSample: must be epoch milliseconds/],
    ["a stale timeOfSample", meterDelivery({ timeOfSample: NOW - 2 * 3_600_000 }), 400, /timeOfSample .* not within the last 55 minutes/],
    ["a nested object too deep", meterDelivery({ temperature: { a: { b: 1 } } }), 400, /context\.temperature/],
    ["an implausible value", meterDelivery({ humidity: 250 }), 400, /context\.humidity: 250 outside 0\.\.100/],
    ["an unknown MAC", meterDelivery({ deviceMac: "0123456789AB" }), 422, /0123456789AB is not a device of this SwitchBot account/],
    ["a device of an unmapped type", meterDelivery({ deviceMac: "AA0000000001" }), 422, /Toaster 3000/],
    ["an oversized body", meterDelivery({ pad: "x".repeat(60), ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, "y".repeat(60)])) }), 413, /limit is 16384/],
  ];
  for (const [what, body, status, message] of refusals) {
    it(`refuses ${what} with ${status} and writes nothing`, async () => {
      const response = await handle(request(SECRET, body));
      expect(response.status).toBe(status);
      expect(String(response.body)).toMatch(message);
      expect(written).toHaveLength(0);
    });
  }

  it("skips, and does not write, a field value the table cannot read (like an unknown field)", async () => {
    expect((await handle(request(SECRET, meterDelivery({ temperature: "22.5; DROP" })))).status).toBe(204);
    const names = series(written[0]!).map((s) => s.labels.__name__);
    expect(names).not.toContain("switchbot_temperature_celsius");
    expect(names).toContain("switchbot_humidity_percent");
  });

  it("checks the body size in bytes before parsing (multi-byte characters count)", async () => {
    const response = await handle(request(SECRET, meterDelivery({ pad: "€".repeat(WEBHOOK_MAX_BODY_BYTES / 3) })));
    expect(response.status).toBe(413);
    expect(written).toHaveLength(0);
  });

  it("answers 503 (retryable) when AMP is down, and 503 when the poller has not loaded a device list", async () => {
    failWith = new AmpWriteError("server", "AMP answered HTTP 503");
    const down = await handle(request(SECRET, meterDelivery()));
    expect(down.status).toBe(503);
    expect(down.headers["retry-after"]).toBeDefined();

    const emptyDir = mkdtempSync(join(tmpdir(), "ampgate-webhook-empty-"));
    try {
      const response = await handle(request(SECRET, meterDelivery()), deps({ devices: createDeviceDirectory(createFileDocumentStore(emptyDir)) }));
      expect(response.status).toBe(503);
      expect(String(response.body)).toMatch(/device list has not been loaded/);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it("never logs the path secret", async () => {
    await handle(request(SECRET, meterDelivery()));
    await handle(request("wrong-secret-value-123456", meterDelivery()));
    expect(logs.join("\n")).not.toContain(SECRET);
  });
});
