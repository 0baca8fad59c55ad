/**
 * The writer's decisions with a deterministic clock: the real signer and signed client over a scripted
 * transport (no sockets), so every attempt, delay and deadline is exact. Real sockets: test/integration/amp-faults.
 */
import { describe, expect, it } from "vitest";
import { createAcceptedPartsMemory } from "../../src/amp/accepted-parts";
import { AmpWriteError } from "../../src/amp/errors";
import { TransportError, type HttpTransport, type HttpTransportRequest, type HttpTransportResponse } from "../../src/amp/http-transport";
import { DEFAULT_AMP_WRITE_LIMITS, createAmpWriter, type AmpWriterOptions, type WriterClock } from "../../src/amp/remote-write-client";
import { DEFAULT_RETRY_POLICY } from "../../src/amp/retry-policy";
import { createAmpHttpClient } from "../../src/amp/signed-client";
import { createSigV4Signer } from "../../src/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "../../src/amp/workspace-endpoint";
import type { Logger, LogFields } from "../../src/log/logger";
import { encodeWriteRequest } from "../../src/remote-write/codec";
import { batch, decodeBody, sampleCount, timestampsByDevice } from "./write-request-fixtures";

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const endpoint = parseWorkspaceEndpoint("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-test");

type Step = number | { status: number; headers?: Record<string, string>; body?: string } | TransportError | ((request: HttpTransportRequest) => HttpTransportResponse);

/** Time moves only when the writer sleeps or an attempt "takes" time. */
function fakeClock(): WriterClock & { sleeps: number[]; advance(ms: number): void } {
  let now = START;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

function capturingLog(): Logger & { lines: Array<{ level: string; msg: string; fields?: LogFields }> } {
  const lines: Array<{ level: string; msg: string; fields?: LogFields }> = [];
  const make = (): Logger => ({
    level: "debug",
    debug: (msg, fields) => lines.push({ level: "debug", msg, fields }),
    info: (msg, fields) => lines.push({ level: "info", msg, fields }),
    warn: (msg, fields) => lines.push({ level: "warn", msg, fields }),
    error: (msg, fields) => lines.push({ level: "error", msg, fields }),
    child: () => make(),
  });
  return Object.assign(make(), { lines });
}

/**
 * A writer whose transport plays `steps` in order (the last one repeats). A number is a status with an empty
 * body; each attempt costs `attemptMs` of fake time.
 */
function scriptedWriter(steps: Step[], options: Partial<AmpWriterOptions> & { attemptMs?: number; credentials?: () => Promise<{ accessKeyId: string; secretAccessKey: string }> } = {}) {
  const clock = (options.clock as ReturnType<typeof fakeClock> | undefined) ?? fakeClock();
  const requests: HttpTransportRequest[] = [];
  const transport: HttpTransport = async (request) => {
    requests.push(request);
    const step = steps[Math.min(requests.length - 1, steps.length - 1)]!;
    clock.advance(options.attemptMs ?? 0);
    if (step instanceof TransportError) throw step;
    if (typeof step === "function") return step(request);
    const { status, headers = {}, body = "" } = typeof step === "number" ? { status: step } : step;
    return { status, headers, body: new TextEncoder().encode(body) };
  };
  const signer = createSigV4Signer({
    region: endpoint.region,
    credentials: options.credentials ?? (async () => ({ accessKeyId: "AKIDTEST", secretAccessKey: "secret-key-for-tests", sessionToken: "session-token-for-tests" })),
    now: () => new Date(clock.now()),
  });
  const log = capturingLog();
  const writer = createAmpWriter({ client: createAmpHttpClient({ endpoint, signer, transport }), clock, random: () => 0.5, log, ...options });
  return { writer, requests, clock, log };
}

const deadline = START + 25_000;

describe("createAmpWriter", () => {
  it("sends one signed remote-write request and reports what happened", async () => {
    const { writer, requests } = scriptedWriter([200]);
    const result = await writer.write(batch(3, 2), { deadline });
    expect(result).toMatchObject({ status: 200, parts: 1, partsSkipped: 0, attempts: 1, retries: {}, splits: 0 });
    expect(result.bytesSent).toBe(requests[0]!.body.byteLength);
    const [sent] = requests;
    expect(sent!.url).toBe(endpoint.remoteWriteUrl);
    expect(sent!.method).toBe("POST");
    expect(sent!.headers).toMatchObject({
      "content-encoding": "snappy",
      "content-type": "application/x-protobuf",
      "x-prometheus-remote-write-version": "0.1.0",
      "user-agent": expect.stringMatching(/^ampgate\/\d+\.\d+\.\d+/),
      host: "aps-workspaces.eu-west-1.amazonaws.com",
      "x-amz-security-token": "session-token-for-tests",
      "x-amz-content-sha256": expect.stringMatching(/^[0-9a-f]{64}$/),
      authorization: expect.stringMatching(
        /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/20260115\/eu-west-1\/aps\/aws4_request, SignedHeaders=content-encoding;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-prometheus-remote-write-version, Signature=[0-9a-f]{64}$/,
      ),
    });
    expect(sampleCount(decodeBody(sent!.body))).toBe(6);
    expect(sent!.timeoutMs).toBe(DEFAULT_AMP_WRITE_LIMITS.attemptTimeoutMs);
  });

  it("splits by the request size limit and sends the parts in order, so every series stays in timestamp order", async () => {
    const request = batch(20, 30);
    const { writer, requests } = scriptedWriter([200], { limits: { maxRequestBytes: 4_000 } });
    const result = await writer.write(request, { deadline });
    expect(result.parts).toBeGreaterThan(2);
    expect(requests).toHaveLength(result.parts);
    const bodies = requests.map((r) => r.body);
    expect(bodies.reduce((n, body) => n + sampleCount(decodeBody(body)), 0)).toBe(600);
    for (const [device, timestamps] of timestampsByDevice(bodies)) {
      expect(timestamps, device).toEqual(request.timeseries.find((s) => s.labels.some((l) => l.value === device))!.samples.map((s) => s.timestamp));
    }
  });

  it("retries 5xx, 429 and network failures with jittered backoff, signing each attempt afresh", async () => {
    const steps: Step[] = [500, 503, { status: 429, body: "ingestion rate limit exceeded" }, new TransportError("network", "reset", "ECONNRESET"), new TransportError("timeout", "stalled"), 200];
    const { writer, requests, clock } = scriptedWriter(steps, { attemptMs: 1_000 });
    const result = await writer.write(batch(1, 1), { deadline: START + 60_000 });
    expect(result).toMatchObject({ status: 200, attempts: 6, retries: { server: 2, throttled: 1, network: 1, timeout: 1 } });
    // random() = 0.5 → half of the ceiling 100·2^(n−1) ms
    expect(clock.sleeps).toEqual([50, 100, 200, 400, 800]);
    const dates = requests.map((r) => r.headers["x-amz-date"]);
    expect(new Set(dates).size).toBe(requests.length);
    expect(new Set(requests.map((r) => r.headers.authorization)).size).toBe(requests.length);
  });

  it("waits exactly as long as AMP's Retry-After says (seconds or HTTP-date)", async () => {
    const inSeconds = scriptedWriter([{ status: 429, headers: { "retry-after": "3" } }, 200]);
    await inSeconds.writer.write(batch(1, 1), { deadline });
    expect(inSeconds.clock.sleeps).toEqual([3_000]);
    const asDate = scriptedWriter([{ status: 503, headers: { "retry-after": new Date(START + 4_000).toUTCString() } }, 200]);
    await asDate.writer.write(batch(1, 1), { deadline });
    expect(asDate.clock.sleeps).toEqual([4_000]);
  });

  it("never retries a 400 and passes AMP's reason on", async () => {
    const { writer, requests } = scriptedWriter([{ status: 400, body: "user=1_ws-test: err: out of order sample. series={…}\n" }, 200]);
    const error = await writer.write(batch(1, 1), { deadline }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmpWriteError);
    expect(error).toMatchObject({ kind: "rejected", details: { status: 400, attempts: 1, ampMessage: "user=1_ws-test: err: out of order sample. series={…}" } });
    expect(requests).toHaveLength(1);
  });

  it("stops retrying before the deadline: never sleeps past it, and reports why it stopped", async () => {
    const { writer, clock, requests } = scriptedWriter([503], { attemptMs: 2_000, retry: { maxAttempts: 100, maxDelayMs: 3_000 } });
    const shortDeadline = START + 12_000;
    const error = (await writer.write(batch(1, 1), { deadline: shortDeadline }).catch((e: unknown) => e)) as AmpWriteError;
    expect(error).toMatchObject({ kind: "server", details: { status: 503, stoppedBy: "deadline" } });
    expect(error.details.attempts).toBe(requests.length);
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(clock.now()).toBeLessThanOrEqual(shortDeadline - DEFAULT_RETRY_POLICY.responseMarginMs);
    // each attempt's timeout was cut to what was left
    for (const request of requests) expect(request.timeoutMs).toBeLessThanOrEqual(DEFAULT_AMP_WRITE_LIMITS.attemptTimeoutMs);
  });

  it("gives up with kind `deadline` when there is no time for even one attempt", async () => {
    const { writer, requests } = scriptedWriter([200]);
    const error = await writer.write(batch(1, 1), { deadline: START + 1_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "deadline" });
    expect(requests).toHaveLength(0);
  });

  it("stops after maxAttempts", async () => {
    const { writer, requests } = scriptedWriter([502], { retry: { maxAttempts: 3 } });
    const error = await writer.write(batch(1, 1), { deadline }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "server", details: { stoppedBy: "attempts", attempts: 3 } });
    expect(requests).toHaveLength(3);
  });

  it("splits a part AMP answers 413 for into halves and sends them all, in order", async () => {
    const request = batch(8, 5);
    const { writer, requests } = scriptedWriter([413, 200]);
    const result = await writer.write(request, { deadline });
    expect(result).toMatchObject({ status: 200, splits: 1 });
    expect(result.parts).toBeGreaterThanOrEqual(2);
    expect(result.attempts).toBe(1 + result.parts);
    const refusedBytes = encodeWriteRequest(decodeBody(requests[0]!.body)).byteLength;
    const resent = requests.slice(1).map((r) => decodeBody(r.body));
    for (const part of resent) expect(encodeWriteRequest(part).byteLength).toBeLessThanOrEqual(refusedBytes / 2);
    expect(resent.flatMap((part) => part.timeseries)).toEqual(request.timeseries);
  });

  it("gives up with too_large when a single sample is refused as too large", async () => {
    const { writer, requests, log } = scriptedWriter([413]);
    const error = await writer.write(batch(1, 1), { deadline }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "too_large", details: { status: 413 } });
    expect(requests).toHaveLength(1);
    expect(log.lines.some((l) => l.msg === "amp write failed")).toBe(true);
  });

  it("treats 403 as our misconfiguration: no retry, logged at error level with what to check", async () => {
    const { writer, requests, log } = scriptedWriter([{ status: 403, body: '{"message":"User: arn:aws:sts::123:assumed-role/x is not authorized to perform: aps:RemoteWrite"}' }]);
    const error = await writer.write(batch(1, 1), { deadline }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "auth", details: { status: 403 } });
    expect(requests).toHaveLength(1);
    const line = log.lines.find((l) => l.level === "error")!;
    expect(line.msg).toContain("aps:RemoteWrite");
    expect(line.fields).toMatchObject({ workspace: "ws-test", ampStatus: 403 });
  });

  it("reports credentials that cannot be resolved as an auth failure, without calling AMP", async () => {
    const { writer, requests } = scriptedWriter([200], { credentials: async () => { throw new Error("Could not load credentials from any providers"); } });
    const error = await writer.write(batch(1, 1), { deadline }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "auth", message: expect.stringContaining("Could not load credentials") });
    expect(requests).toHaveLength(0);
  });

  it("on a resend after partial success, skips the parts AMP already accepted", async () => {
    const clock = fakeClock();
    const acceptedParts = createAcceptedPartsMemory({ now: clock.now });
    const request = batch(20, 30);
    const first = scriptedWriter([200, 400], { clock, acceptedParts, limits: { maxRequestBytes: 8_000 } });
    const error = await first.writer.write(request, { deadline: clock.now() + 25_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "rejected" });
    expect(first.requests).toHaveLength(2);

    const second = scriptedWriter([200], { clock, acceptedParts, limits: { maxRequestBytes: 8_000 } });
    const result = await second.writer.write(request, { deadline: clock.now() + 25_000 });
    expect(result.partsSkipped).toBe(1);
    expect(second.requests[0]!.body).toEqual(first.requests[1]!.body);
    const delivered = [first.requests[0]!, ...second.requests].reduce((n, r) => n + sampleCount(decodeBody(r.body)), 0);
    expect(delivered).toBe(600);
  });

  it("sends nothing for an empty request", async () => {
    const { writer, requests } = scriptedWriter([200]);
    expect(await writer.write({ timeseries: [], metadata: [] }, { deadline })).toMatchObject({ parts: 0, attempts: 0, status: 0 });
    expect(requests).toHaveLength(0);
  });
});
