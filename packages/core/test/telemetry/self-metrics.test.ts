/**
 * When self-metrics go to AMP and what every AMP write adds to them. The AMP writer is the real one (signed client,
 * node:http transport) talking to a scripted HTTP server on 127.0.0.1; the flush policy's clock is the real one
 * plus a hand-driven offset (the writer's deadlines are real time).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AmpWriteError } from "../../src/amp/errors";
import { createAmpWriter, type AmpWriter } from "../../src/amp/remote-write-client";
import { createAmpHttpClient } from "../../src/amp/signed-client";
import { createSigV4Signer } from "../../src/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "../../src/amp/workspace-endpoint";
import { createLogger } from "../../src/log/logger";
import { decodeWriteRequest } from "../../src/remote-write/codec";
import { decompressSnappyBlock } from "../../src/remote-write/snappy";
import type { WriteRequest } from "../../src/remote-write/types";
import { createSelfMetrics, selfMetricsWriter, type SnapshotWriter } from "../../src/telemetry/self-metrics";

const log = createLogger({ level: "error", fields: { fn: "ingest" } });
const MINUTE = 60_000;

/** A fake AMP: answers each remote-write with the next scripted status, with an x-amzn-requestid; keeps what it got. */
let server: Server;
let script: number[] = [];
let received: WriteRequest[] = [];
let answered = 0;
let url = "";

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const status = script[Math.min(answered, script.length - 1)] ?? 200;
      answered += 1;
      if (status < 300) received.push(decodeWriteRequest(decompressSnappyBlock(Buffer.concat(chunks), 1 << 20)));
      response.writeHead(status, { "x-amzn-requestid": `amzn-${answered}` });
      response.end(status < 300 ? "" : `answer ${status}`);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/workspaces/ws-test`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
  script = [];
  received = [];
  answered = 0;
});

function ampClient() {
  const endpoint = parseWorkspaceEndpoint(url, { region: "eu-west-1" });
  const signer = createSigV4Signer({ region: "eu-west-1", credentials: async () => ({ accessKeyId: "AKIDTEST", secretAccessKey: "secret-key-for-tests" }) });
  return createAmpHttpClient({ endpoint, signer });
}

function setup(options: { intervalMs?: number | "off"; writer?: SnapshotWriter; frozen?: number } = {}) {
  let offset = 0;
  const now = () => (options.frozen ?? Date.now()) + offset;
  const client = ampClient();
  const intervalMs = options.intervalMs === "off" ? undefined : options.intervalMs ?? MINUTE;
  const metrics = createSelfMetrics({ fn: "ingest", instance: "abc123", writer: options.writer ?? selfMetricsWriter(client, log), intervalMs, now, log });
  const ampWriter: AmpWriter = createAmpWriter({ client, log, random: () => 0, onSettled: metrics.observeAmpWrite });
  return { metrics, ampWriter, advance: (ms: number) => (offset += ms), now };
}

const userBatch: WriteRequest = {
  timeseries: [{ labels: [{ name: "__name__", value: "room_temperature" }], samples: [{ value: 21, timestamp: Date.now() }], exemplars: [], histograms: [] }],
  metadata: [],
};
const deadline = () => Date.now() + 10 * MINUTE;
const values = (request: WriteRequest, name: string) =>
  request.timeseries.filter((s) => s.labels.some((l) => l.name === "__name__" && l.value === name))
    .map((s) => ({ labels: Object.fromEntries(s.labels.filter((l) => l.name !== "__name__").map((l) => [l.name, l.value])), last: s.samples.at(-1)!.value }));

describe("what an AMP write adds", () => {
  it("a write that succeeds after a 503 and a 429: its duration, one retry per reason, AMP's request id in the result", async () => {
    script = [503, 429, 200];
    const { metrics, ampWriter } = setup({ intervalMs: 0 });
    const result = await ampWriter.write(userBatch, { deadline: deadline() });
    expect(result.retries).toEqual({ server: 1, throttled: 1 });
    expect(result.ampRequestIds).toEqual(["amzn-3"]);
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("sent");
    const snapshot = received.at(-1)!;
    expect(values(snapshot, "ampgate_amp_write_retries_total").map((v) => [v.labels.reason, v.last]).sort()).toEqual([["server", 1], ["throttled", 1]]);
    expect(values(snapshot, "ampgate_amp_write_duration_seconds_count")[0]!.last).toBe(1);
    expect(values(snapshot, "ampgate_amp_write_failures_total")).toEqual([]);
  });

  it("a write AMP refuses for good counts as a failure by kind, and AMP's request id travels with the error", async () => {
    script = [400];
    const { metrics, ampWriter } = setup({ intervalMs: 0 });
    const error = await ampWriter.write(userBatch, { deadline: deadline() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AmpWriteError);
    expect((error as AmpWriteError).details.ampRequestId).toBe("amzn-1");
    script = [200];
    // A refusal says nothing about AMP's health: the snapshot still goes at once.
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("sent");
    expect(values(received.at(-1)!, "ampgate_amp_write_failures_total")).toEqual([{ labels: { fn: "ingest", instance: "abc123", reason: "rejected" }, last: 1 }]);
  });
});

describe("when a snapshot goes", () => {
  it("the first at once, then at most once per interval, and only when something was counted", async () => {
    const { metrics, advance } = setup({ frozen: Date.now() });
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("nothing_new");
    metrics.registry.inc("ampgate_webhook_requests_total", { code: "204" });
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("sent");
    metrics.registry.inc("ampgate_webhook_requests_total", { code: "204" });
    advance(MINUTE - 1);
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("not_due");
    advance(1);
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("sent");
    advance(5 * MINUTE);
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("nothing_new");
    expect(received.map((r) => values(r, "ampgate_webhook_requests_total")[0]!.last)).toEqual([1, 2]);
  });

  it.each<[string, number, number[]]>([
    ["AMP down (503): stored nothing, so the 0 comes again", 503, [0, 5]],
    ["AMP refused it (400): part may be stored, so the 0 is not repeated", 400, [5]],
  ])("a failed snapshot loses nothing, the next one carries the totals — %s", async (_name, failure, values) => {
    script = [failure, 200];
    const { metrics, advance } = setup();
    metrics.registry.inc("ampgate_ingest_samples_total", { source: "pi" }, 5);
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("failed");
    advance(MINUTE);
    // Nothing new was counted, but the failed snapshot's totals are still owed.
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("sent");
    expect(answered).toBe(2); // one attempt each: the next flush is the retry
    expect(received[0]!.timeseries[0]!.samples.map((s) => s.value)).toEqual(values);
  });

  it("waits an interval after AMP failed the invocation's own write, instead of spending the invocation on it", async () => {
    script = [503];
    const { metrics, ampWriter, advance } = setup();
    metrics.registry.inc("ampgate_ingest_samples_total", { source: "pi" }, 5);
    await expect(ampWriter.write(userBatch, { deadline: Date.now() + 2_000 })).rejects.toThrow(AmpWriteError);
    const attempts = answered;
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("amp_failing");
    expect(answered).toBe(attempts);
    script = [200];
    advance(MINUTE);
    expect(await metrics.flushIfDue({ deadline: deadline() })).toBe("sent");
    expect(values(received[0]!, "ampgate_amp_write_failures_total")[0]!.labels.reason).toBe("server");
  });

  it("never starts without time to finish, and never when self-metrics are off", async () => {
    const tight = setup({ intervalMs: 0 });
    tight.metrics.registry.inc("ampgate_webhook_requests_total", { code: "204" });
    expect(await tight.metrics.flushIfDue({ deadline: tight.now() + 100 })).toBe("no_time");
    const off = setup({ intervalMs: "off" });
    off.metrics.registry.inc("ampgate_webhook_requests_total", { code: "204" });
    expect(await off.metrics.flushIfDue({ deadline: deadline() })).toBe("off");
    expect(answered).toBe(0);
  });

  it("stamps successive snapshots with strictly increasing times, even within one millisecond", async () => {
    const stamps: number[] = [];
    const T0 = Date.now();
    const { metrics } = setup({ intervalMs: 0, frozen: T0, writer: { write: async (request) => void stamps.push(request.timeseries[0]!.samples.at(-1)!.timestamp) } });
    for (let i = 0; i < 3; i++) {
      metrics.registry.inc("ampgate_webhook_requests_total", { code: "204" });
      await metrics.flushIfDue({ deadline: deadline() });
    }
    expect(stamps).toEqual([T0, T0 + 1, T0 + 2]);
  });

  it("passes the invocation's request id to the writer and never throws, whatever the writer does", async () => {
    const seen: Array<string | undefined> = [];
    const { metrics } = setup({ intervalMs: 0, writer: { write: async (_request, options) => { seen.push(options.requestId); throw new TypeError("bug"); } } });
    metrics.registry.inc("ampgate_webhook_requests_total", { code: "204" });
    expect(await metrics.flushIfDue({ deadline: deadline(), requestId: "req-1" })).toBe("failed");
    expect(seen).toEqual(["req-1"]);
  });
});
