/**
 * AMP faults: the real writer (smithy signer, node:http transport, real clock) against a scripted AMP on
 * 127.0.0.1 that checks every request's SigV4 signature with the stand-in's verifier — so each retry must
 * carry a valid, fresh signature — and then answers per script: 500, 503, 429 with Retry-After (seconds and
 * HTTP-date), connection reset, a stall past the per-attempt timeout, 400, 413.
 * Timing assertions use generous bounds only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AmpWriteError, ampErrorToRequestError } from "@ampgate/core/amp/errors";
import { createAmpWriter, type AmpWriterOptions } from "@ampgate/core/amp/remote-write-client";
import { createAmpHttpClient } from "@ampgate/core/amp/signed-client";
import { createSigV4Signer } from "@ampgate/core/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "@ampgate/core/amp/workspace-endpoint";
import { decodeWriteRequest } from "@ampgate/core/remote-write/codec";
import { decompressSnappyBlock } from "@ampgate/core/remote-write/snappy";
import type { WriteRequest } from "@ampgate/core/remote-write/types";
import { createSigV4Verifier } from "../../local/amp-standin/sigv4-verifier";
import { listenOnLoopback, type LoopbackListener } from "../../local/listen";
import { readBody } from "../../local/read-body";
import { writeRequest } from "../support/remote-write";

const REGION = "eu-west-1";
const CREDENTIALS = { accessKeyId: "ASIAFAULTTEST", secretAccessKey: "fault-test-secret-key", sessionToken: "fault-test-session-token" };

/** One scripted answer. `stall` never answers; `reset` destroys the socket. */
type Answer = { status: number; headers?: Record<string, string>; body?: string } | "reset" | "stall";
type Script = (attempt: number, request: WriteRequest) => Answer;

interface Arrival {
  at: number;
  request: WriteRequest;
  bytes: number;
}

let server: LoopbackListener;
let url: string;
let script: Script = () => ({ status: 200 });
let arrivals: Arrival[] = [];
let accepted: WriteRequest[] = [];
let badSignatures = 0;

const verify = createSigV4Verifier({ region: REGION, credentials: [CREDENTIALS] });

async function scriptedAmp(request: IncomingMessage, response: ServerResponse) {
  const body = await readBody(request);
  const [path, rawQuery = ""] = (request.url ?? "").split("?");
  const verdict = verify({ method: request.method!, path: path!, rawQuery, headers: request.headersDistinct, body });
  if (!verdict.ok || path !== "/workspaces/ws-faults/api/v1/remote_write") {
    badSignatures += 1;
    response.writeHead(403, { "content-type": "application/json" });
    response.end(JSON.stringify({ message: verdict.ok ? "wrong path" : verdict.message }));
    return;
  }
  const writeRequest = decodeWriteRequest(decompressSnappyBlock(body, 64 * 1024 * 1024));
  arrivals.push({ at: Date.now(), request: writeRequest, bytes: body.byteLength });
  const answer = script(arrivals.length, writeRequest);
  if (answer === "reset") return request.socket.destroy();
  if (answer === "stall") return; // closed by the client's timeout
  if (answer.status >= 200 && answer.status < 300) accepted.push(writeRequest);
  response.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8", ...answer.headers });
  response.end(answer.body ?? "");
}

beforeAll(async () => {
  server = await listenOnLoopback(createServer((request, response) => void scriptedAmp(request, response)));
  url = `${server.url}/workspaces/ws-faults`;
});

afterAll(() => server?.close());

beforeEach(() => {
  arrivals = [];
  accepted = [];
  badSignatures = 0;
});

/** Fast backoff so retries fit a test, real everything else. */
function writer(overrides: Partial<AmpWriterOptions> = {}) {
  const endpoint = parseWorkspaceEndpoint(url, { region: REGION });
  const signer = createSigV4Signer({ region: REGION, credentials: async () => CREDENTIALS });
  return createAmpWriter({
    client: createAmpHttpClient({ endpoint, signer }),
    retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 8, minAttemptMs: 200, responseMarginMs: 100 },
    limits: { attemptTimeoutMs: 2_000 },
    acceptedParts: false,
    ...overrides,
  });
}

function batch(series: number, samplesPerSeries = 1): WriteRequest {
  const start = Date.now() - 60_000;
  return writeRequest(Array.from({ length: series }, (_, s) => ({
    labels: { __name__: "ampgate_fault_test", device: `d${s}` },
    samples: Array.from({ length: samplesPerSeries }, (_, i): [number, number] => [start + i * 1000, s + i]),
  })));
}

const samples = (requests: WriteRequest[]) => requests.reduce((n, r) => n + r.timeseries.reduce((m, s) => m + s.samples.length, 0), 0);
const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error("expected the write to fail"); }, (error: unknown) => error as AmpWriteError);

describe("AMP faults, retried as specified", () => {
  it("success: one signed request, correct counts", async () => {
    script = () => ({ status: 200 });
    const result = await writer().write(batch(5, 2), { deadline: Date.now() + 10_000 });
    expect(result).toMatchObject({ status: 200, parts: 1, attempts: 1, retries: {}, splits: 0 });
    expect(result.bytesSent).toBe(arrivals[0]!.bytes);
    expect(samples(accepted)).toBe(10);
    expect(badSignatures).toBe(0);
  });

  it("500 and 503 are retried until AMP accepts", async () => {
    script = (attempt) => (attempt === 1 ? { status: 500, body: "internal error" } : attempt === 2 ? { status: 503 } : { status: 200 });
    const result = await writer().write(batch(2), { deadline: Date.now() + 10_000 });
    expect(result).toMatchObject({ status: 200, attempts: 3, retries: { server: 2 } });
    expect(accepted).toHaveLength(1);
    expect(badSignatures).toBe(0);
  });

  it("429 with Retry-After in seconds is honoured", async () => {
    script = (attempt) => (attempt === 1 ? { status: 429, headers: { "retry-after": "1" }, body: "ingestion rate limit (6666.7) exceeded" } : { status: 200 });
    const result = await writer().write(batch(1), { deadline: Date.now() + 10_000 });
    expect(result).toMatchObject({ attempts: 2, retries: { throttled: 1 } });
    const waited = arrivals[1]!.at - arrivals[0]!.at;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(5_000);
  });

  it("429 with Retry-After as an HTTP-date is honoured", async () => {
    let notBefore = 0;
    script = (attempt) => {
      if (attempt > 1) return { status: 200 };
      // HTTP-dates have whole-second resolution: "2 s from now, rounded down" is at least 1 s away.
      notBefore = Math.floor((Date.now() + 2_000) / 1000) * 1000;
      return { status: 429, headers: { "retry-after": new Date(notBefore).toUTCString() } };
    };
    const result = await writer().write(batch(1), { deadline: Date.now() + 10_000 });
    expect(result).toMatchObject({ attempts: 2, retries: { throttled: 1 } });
    expect(arrivals[1]!.at).toBeGreaterThanOrEqual(notBefore - 50);
    expect(arrivals[1]!.at - arrivals[0]!.at).toBeLessThan(5_000);
  });

  it("a reset connection is retried", async () => {
    script = (attempt) => (attempt === 1 ? "reset" : { status: 200 });
    const result = await writer().write(batch(1), { deadline: Date.now() + 10_000 });
    expect(result).toMatchObject({ attempts: 2, retries: { network: 1 } });
    expect(accepted).toHaveLength(1);
  });

  it("a stall past the per-attempt timeout is abandoned and retried", async () => {
    script = (attempt) => (attempt === 1 ? "stall" : { status: 200 });
    const started = Date.now();
    const result = await writer({ limits: { attemptTimeoutMs: 300 } }).write(batch(1), { deadline: Date.now() + 10_000 });
    expect(result).toMatchObject({ attempts: 2, retries: { timeout: 1 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("persistent 503: retries stop at the deadline and the sender is told 503 with Retry-After", async () => {
    script = () => ({ status: 503, body: "Service Unavailable" });
    const started = Date.now();
    const deadline = started + 2_000;
    const error = await failure(writer({ retry: { baseDelayMs: 100, maxDelayMs: 400, maxAttempts: 100, minAttemptMs: 200, responseMarginMs: 100 } }).write(batch(1), { deadline }));
    expect(error).toBeInstanceOf(AmpWriteError);
    expect(error).toMatchObject({ kind: "server", details: { status: 503, stoppedBy: "deadline" } });
    expect(error.details.attempts).toBe(arrivals.length);
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    expect(Date.now()).toBeLessThanOrEqual(deadline);
    const seen = ampErrorToRequestError(error);
    expect(seen).toMatchObject({ status: 503, reason: "amp_unavailable", retryable: true });
    expect(seen.options.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it("persistent 429: the sender is told 429 with AMP's Retry-After", async () => {
    script = () => ({ status: 429, headers: { "retry-after": "30" }, body: '{"message":"Rate exceeded"}' });
    const error = await failure(writer().write(batch(1), { deadline: Date.now() + 3_000 }));
    expect(error).toMatchObject({ kind: "throttled", details: { stoppedBy: "deadline", retryAfterMs: 30_000 } });
    expect(arrivals).toHaveLength(1); // 30 s does not fit in 3 s: no pointless wait
    expect(ampErrorToRequestError(error)).toMatchObject({ status: 429, reason: "amp_throttled", options: { retryAfterSeconds: 30 } });
  });

  it("persistent resets: the sender is told 503", async () => {
    script = () => "reset";
    const error = await failure(writer({ retry: { maxAttempts: 3 } }).write(batch(1), { deadline: Date.now() + 10_000 }));
    expect(error).toMatchObject({ kind: "network", details: { attempts: 3, stoppedBy: "attempts" } });
    expect(arrivals).toHaveLength(3);
    expect(ampErrorToRequestError(error)).toMatchObject({ status: 503, reason: "amp_unreachable" });
  });

  it("400 from AMP is passed back as 400 without retry", async () => {
    script = () => ({ status: 400, body: 'user=123456789012_ws-faults: err: out of order sample. timestamp=2026-01-15T12:00:00Z, series={__name__="ampgate_fault_test"}\n' });
    const error = await failure(writer().write(batch(1), { deadline: Date.now() + 10_000 }));
    expect(arrivals).toHaveLength(1);
    const seen = ampErrorToRequestError(error);
    expect(seen.status).toBe(400);
    expect(seen.message).toMatch(/^AMP rejected the batch \(HTTP 400\): err: out of order sample\./);
    expect(seen.retryable).toBe(false);
  });

  it("413 makes the writer split the part and both halves arrive", async () => {
    const request = batch(40, 3);
    const whole = samples([request]);
    script = (_, received) => (samples([received]) === whole ? { status: 413, body: "request too large" } : { status: 200 });
    const result = await writer().write(request, { deadline: Date.now() + 10_000 });
    expect(result.splits).toBe(1);
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    expect(accepted.flatMap((part) => part.timeseries)).toEqual(request.timeseries);
    expect(result).toMatchObject({ status: 200, parts: accepted.length, attempts: 1 + accepted.length });
  });

  it("403 (our IAM/signature problem) is not retried and the sender keeps its data (503)", async () => {
    const wrongKeys = createAmpWriter({
      client: createAmpHttpClient({
        endpoint: parseWorkspaceEndpoint(url, { region: REGION }),
        signer: createSigV4Signer({ region: REGION, credentials: async () => ({ ...CREDENTIALS, secretAccessKey: "not-the-secret" }) }),
      }),
    });
    const error = await failure(wrongKeys.write(batch(1), { deadline: Date.now() + 10_000 }));
    expect(badSignatures).toBe(1);
    expect(error).toMatchObject({ kind: "auth", details: { status: 403, attempts: 1 } });
    expect(ampErrorToRequestError(error)).toMatchObject({ status: 503, reason: "amp_forbidden" });
  });
});
