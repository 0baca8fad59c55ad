/**
 * The AMP stand-in in front of a real Prometheus 2.42: signed writes land and are queryable through the front's
 * query path; unsigned, tampered, oversize and misaddressed requests are refused as AMP would and nothing lands;
 * Prometheus' receiver answers are translated to AMP's; the fault hook can play AMP failures.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AmpWriteError, ampErrorToRequestError } from "@ampgate/core/amp/errors";
import { createAmpWriter } from "@ampgate/core/amp/remote-write-client";
import { createAmpHttpClient, type AmpHttpClient } from "@ampgate/core/amp/signed-client";
import { createSigV4Signer } from "@ampgate/core/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "@ampgate/core/amp/workspace-endpoint";
import type { WriteRequest } from "@ampgate/core/remote-write/types";
import { startAmpStandin, type AmpStandin } from "../../local/amp-standin/amp-front";
import { startPrometheus, type PrometheusProcess } from "../../local/prometheus-process";
import { REMOTE_WRITE_HEADERS, remoteWriteBody, writeRequest } from "../support/remote-write";
import { waitFor } from "../support/wait-for";

const REGION = "ap-northeast-1";
const WORKSPACE = "ws-standin-test";
const CREDENTIALS = { accessKeyId: "AKIASTANDINTEST", secretAccessKey: "standin-test-secret" };

let prometheus: PrometheusProcess;
let standin: AmpStandin;
let amp: AmpHttpClient;

beforeAll(async () => {
  prometheus = await startPrometheus({ mode: "server" });
  standin = await startAmpStandin({ prometheusUrl: prometheus.url, workspaceId: WORKSPACE, region: REGION, credentials: CREDENTIALS });
  const endpoint = parseWorkspaceEndpoint(standin.workspaceUrl, { region: REGION });
  amp = createAmpHttpClient({ endpoint, signer: createSigV4Signer({ region: REGION, credentials: async () => CREDENTIALS }) });
});

afterAll(async () => {
  await standin?.close();
  await prometheus?.stop();
});

beforeEach(() => standin.setIntercept(undefined));

const writer = () => createAmpWriter({ client: amp, retry: { baseDelayMs: 20, maxDelayMs: 100 }, acceptedParts: false });

const gauge = (name: string, labels: Record<string, string>, samples: Array<[number, number]>): WriteRequest =>
  writeRequest([{ labels: { __name__: name, ...labels }, samples }]);


/** An instant query through the front, signed like the query Lambda will sign it. */
async function query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const response = await amp.request({ method: "GET", path: "/api/v1/query", query: new URLSearchParams({ query: promql }), timeoutMs: 5_000 });
  expect(response.status).toBe(200);
  const parsed = JSON.parse(new TextDecoder().decode(response.body)) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  expect(parsed.status).toBe("success");
  return parsed.data.result;
}

/** Poll until the query returns something (Prometheus makes appended samples queryable almost at once). */
const eventually = (promql: string, timeoutMs = 10_000) =>
  waitFor(promql, async () => {
    const result = await query(promql);
    return result.length > 0 ? result : undefined;
  }, timeoutMs);

/** A raw request to the front, signed or not, for the refusal cases. */
async function rawPost(path: string, payload: Uint8Array, headers: Record<string, string> = {}) {
  const response = await fetch(`${standin.url}${path}`, { method: "POST", headers: { "content-type": "application/x-protobuf", "content-encoding": "snappy", ...headers }, body: payload });
  const text = await response.text();
  return { status: response.status, errorType: response.headers.get("x-amzn-errortype"), json: (text ? JSON.parse(text) : undefined) as { message: string } | undefined };
}

describe("AMP stand-in with a real Prometheus", () => {
  it("a signed write lands (AMP's 200) and is queryable through the front's query path", async () => {
    const before = { ...standin.stats };
    const now = Date.now();
    const result = await writer().write(gauge("ampgate_standin_power_watts", { device: "plug-1" }, [[now - 1000, 11.5], [now, 12.5]]), { deadline: Date.now() + 10_000 });
    expect(result).toMatchObject({ status: 200, parts: 1, attempts: 1 });
    expect(standin.stats.writesAccepted).toBe(before.writesAccepted + 1);
    expect(standin.stats.samplesAccepted).toBe(before.samplesAccepted + 2);

    const found = await eventually('ampgate_standin_power_watts{device="plug-1"}');
    expect(found).toHaveLength(1);
    expect(found[0]!.value[1]).toBe("12.5");

    // POST form queries work too (Grafana's default), and the other read APIs are routed
    const form = new TextEncoder().encode(new URLSearchParams({ query: "ampgate_standin_power_watts" }).toString());
    const posted = await amp.request({ method: "POST", path: "/api/v1/query", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form, timeoutMs: 5_000 });
    expect(JSON.parse(new TextDecoder().decode(posted.body)).data.result).toHaveLength(1);
    const values = await amp.request({ method: "GET", path: "/api/v1/label/device/values", timeoutMs: 5_000 });
    expect(JSON.parse(new TextDecoder().decode(values.body)).data).toContain("plug-1");
  });

  it("an unsigned write is refused with 403 and nothing lands", async () => {
    const rejectedBefore = standin.stats.rejected.missing_auth ?? 0;
    const answer = await rawPost(`/workspaces/${WORKSPACE}/api/v1/remote_write`, remoteWriteBody(gauge("ampgate_standin_unsigned", {}, [[Date.now(), 1]])));
    expect(answer).toMatchObject({ status: 403, errorType: "MissingAuthenticationTokenException", json: { message: "Missing Authentication Token" } });
    expect(standin.stats.rejected.missing_auth).toBe(rejectedBefore + 1);
    expect(await query("ampgate_standin_unsigned")).toEqual([]);
  });

  it("a write whose body was changed after signing is refused with 403 and nothing lands", async () => {
    const original = remoteWriteBody(gauge("ampgate_standin_tampered", { v: "a" }, [[Date.now(), 1]]));
    const path = `/workspaces/${WORKSPACE}/api/v1/remote_write`;
    const headers = await createSigV4Signer({ region: REGION, credentials: async () => CREDENTIALS }).sign({
      method: "POST",
      host: new URL(standin.url).host,
      path,
      query: [],
      headers: { ...REMOTE_WRITE_HEADERS },
      body: original,
    });
    const { host: _, ...sendable } = headers;
    const tampered = remoteWriteBody(gauge("ampgate_standin_tampered", { v: "b" }, [[Date.now(), 2]]));
    const answer = await rawPost(path, tampered, sendable);
    expect(answer).toMatchObject({ status: 403, errorType: "XAmzContentSHA256Mismatch" });
    // the untampered request with the same signature is accepted, proving the refusal was about the bytes
    expect((await rawPost(path, original, sendable)).status).toBe(200);
    const landed = await eventually("ampgate_standin_tampered", 2_000);
    expect(landed.map((s) => s.metric.v)).toEqual(["a"]);
  });

  it("a signature by unknown keys is refused with 403", async () => {
    const stranger = createAmpHttpClient({
      endpoint: amp.endpoint,
      signer: createSigV4Signer({ region: REGION, credentials: async () => ({ accessKeyId: "AKIASTRANGER", secretAccessKey: "x" }) }),
    });
    const response = await stranger.request({ method: "GET", path: "/api/v1/query", query: new URLSearchParams({ query: "up" }), timeoutMs: 5_000 });
    expect(response.status).toBe(403);
    expect(response.headers["x-amzn-errortype"]).toBe("UnrecognizedClientException");
  });

  it("an unknown workspace is 404 and an unknown API is 404", async () => {
    const elsewhere = createAmpHttpClient({
      endpoint: parseWorkspaceEndpoint(`${standin.url}/workspaces/ws-other`, { region: REGION }),
      signer: createSigV4Signer({ region: REGION, credentials: async () => CREDENTIALS }),
    });
    expect((await elsewhere.request({ method: "GET", path: "/api/v1/query", timeoutMs: 5_000 })).status).toBe(404);
    expect((await amp.request({ method: "GET", path: "/api/v1/admin", timeoutMs: 5_000 })).status).toBe(404);
    expect((await amp.request({ method: "GET", path: "/api/v1/remote_write", timeoutMs: 5_000 })).status).toBe(405);
  });

  it("a body over 1 MiB is 413", async () => {
    const response = await amp.request({ method: "POST", path: "/api/v1/remote_write", body: new Uint8Array(1024 * 1024 + 1), timeoutMs: 5_000 }).catch((error: Error) => error);
    // The front answers before reading the body and closes the connection; the client sees 413 or a reset.
    if (!(response instanceof Error)) expect(response.status).toBe(413);
    expect(standin.stats.rejected.too_large).toBe(1);
  });

  it("Prometheus' 500 for duplicate label names becomes AMP's 400, passed to the sender as 400", async () => {
    const duplicate: WriteRequest = {
      timeseries: [{
        labels: [{ name: "__name__", value: "ampgate_standin_dup" }, { name: "a", value: "1" }, { name: "a", value: "2" }],
        samples: [{ timestamp: Date.now(), value: 1 }],
        exemplars: [],
        histograms: [],
      }],
      metadata: [],
    };
    const error = await writer().write(duplicate, { deadline: Date.now() + 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmpWriteError);
    expect(error).toMatchObject({ kind: "rejected", details: { status: 400, attempts: 1 } });
    const seen = ampErrorToRequestError(error as AmpWriteError);
    expect(seen.status).toBe(400);
    expect(seen.message).toMatch(/^AMP rejected the batch \(HTTP 400\): err: .*not unique/);
  });

  it("an out-of-order sample is AMP's 400", async () => {
    const now = Date.now();
    await writer().write(gauge("ampgate_standin_ooo", {}, [[now, 1]]), { deadline: Date.now() + 10_000 });
    const error = await writer().write(gauge("ampgate_standin_ooo", {}, [[now - 60_000, 2]]), { deadline: Date.now() + 10_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "rejected", details: { status: 400, ampMessage: expect.stringContaining("out of order sample") } });
  });

  it("re-sending identical samples is accepted (why a sender's full retry after partial success is safe)", async () => {
    const now = Date.now();
    const request = gauge("ampgate_standin_resend", {}, [[now, 5]]);
    await writer().write(request, { deadline: Date.now() + 10_000 });
    await expect(writer().write(request, { deadline: Date.now() + 10_000 })).resolves.toMatchObject({ status: 200 });
  });

  it("the fault hook can answer for AMP: a 503 then success is retried by the writer", async () => {
    let faults = 0;
    standin.setIntercept((exchange) => (exchange.kind === "write" && faults++ === 0 ? { action: "respond", status: 503, body: "injected" } : undefined));
    const result = await writer().write(gauge("ampgate_standin_fault", {}, [[Date.now(), 1]]), { deadline: Date.now() + 10_000 });
    expect(result).toMatchObject({ status: 200, attempts: 2, retries: { server: 1 } });
    expect(standin.recentRequests().slice(-2).map((entry) => entry.outcome)).toEqual(["fault", "accepted"]);
  });
});
