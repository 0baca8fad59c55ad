// The ingest route's HTTP contract through the local stack (API Gateway event shape → handler → AMP stand-in):
// auth, bad input (each a 4xx naming the problem, nothing forwarded), and AMP faults (retryable statuses with
// Retry-After so the sender keeps its data; AMP's 400 passed back without retry).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { compressSnappyBlock, encodeWriteRequest, type WriteRequest } from "@ampgate/core/remote-write/index";
import type { LocalStack } from "../../local/stack";
import { ampQuerier } from "../support/amp-query";
import { startTestStack } from "../support/local-stack";
import { REMOTE_WRITE_HEADERS, remoteWriteBody } from "../support/remote-write";

const INGEST_TOKEN = "ag_contract-test-token-abcdefghijklmnopqrstuvwx";
let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack("contract", { env: { INGEST_TOKEN } });
});
afterAll(() => stack?.stop());
afterEach(() => stack.standin!.setIntercept(undefined));

let clock = Date.now() - 60_000;
function batch(labels: Array<[string, string]>, value = 1): WriteRequest {
  clock += 10;
  return {
    timeseries: [{ labels: labels.map(([name, value]) => ({ name, value })), samples: [{ value, timestamp: clock }], exemplars: [], histograms: [] }],
    metadata: [],
  };
}

async function push(body: Uint8Array | string, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.url}/api/v1/write`, {
    method: "POST",
    headers: { authorization: `Bearer ${INGEST_TOKEN}`, ...REMOTE_WRITE_HEADERS, ...headers },
    body,
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe("authentication", () => {
  it("401 without credentials or with a wrong token, with a WWW-Authenticate challenge", async () => {
    const body = remoteWriteBody(batch([["__name__", "auth_probe"]]));
    const none = await push(body, { authorization: "" });
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await push(body, { authorization: "Bearer ag_not-the-token" })).status).toBe(401);
  });

  it("accepts the token as an HTTP basic password (Telegraf username/password)", async () => {
    const basic = Buffer.from(`pi:${INGEST_TOKEN}`).toString("base64");
    expect((await push(remoteWriteBody(batch([["__name__", "basic_auth_probe"]])), { authorization: `Basic ${basic}` })).status).toBe(204);
  });
});

describe("bad input is a 4xx that names the problem, and nothing reaches AMP", () => {
  const truncated = encodeWriteRequest(batch([["__name__", "truncated_probe"], ["a", "b"]]));
  const bomb = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x04, 0x00]); // preamble claims 1 GiB
  const cases: Array<[string, Uint8Array | string, number, RegExp, Record<string, string>?]> = [
    ["empty body", new Uint8Array(0), 400, /empty/i],
    ["not snappy", "hello, this is plain text", 400, /snappy/i],
    ["snappy of garbage", compressSnappyBlock(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02])), 400, /not a valid prometheus\.WriteRequest/],
    ["truncated protobuf", compressSnappyBlock(truncated.subarray(0, truncated.length - 3)), 400, /WriteRequest|truncat/i],
    ["decompression bomb header", bomb, 413, /1073741824|limit/i],
    ["framed snappy", new Uint8Array([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x50, 0x59]), 400, /framed/i],
    ["duplicate label names", remoteWriteBody(batch([["__name__", "dup_probe"], ["a", "1"], ["a", "2"]])), 400, /dup_probe.*"a" appears more than once/],
    ["invalid label name", remoteWriteBody(batch([["__name__", "bad_label_probe"], ["1abc", "x"]])), 400, /bad_label_probe.*1abc|1abc.*bad_label_probe/],
    ["missing metric name", remoteWriteBody(batch([["job", "nameless"]])), 400, /__name__|metric name/i],
    ["gzip instead of snappy", remoteWriteBody(batch([["__name__", "gzip_probe"]])), 415, /snappy/i, { "content-encoding": "gzip" }],
  ];

  for (const [name, body, status, message, headers] of cases) {
    it(`${name} → ${status}`, async () => {
      const before = stack.standin!.stats.writesAccepted;
      const response = await push(body, headers);
      expect(response.status).toBe(status);
      expect(response.text).toMatch(message);
      expect(response.text.split("\n").filter(Boolean)).toHaveLength(1);
      expect(stack.standin!.stats.writesAccepted).toBe(before);
    });
  }

  it("a body over the ingest limit → 413 before decoding", async () => {
    const before = stack.standin!.stats.writesAccepted;
    const response = await push(new Uint8Array(5 * 1024 * 1024));
    expect(response.status).toBe(413);
    expect(response.text).toMatch(/limit/);
    expect(stack.standin!.stats.writesAccepted).toBe(before);
  });

  it("a body over API Gateway's 10 MB → its own 413, read to the end and answered on the same connection", async () => {
    const before = stack.standin!.stats.writesAccepted;
    const response = await push(new Uint8Array(10 * 1024 * 1024 + 1));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.text)).toEqual({ message: "Request Entity Too Large" });
    expect(stack.standin!.stats.writesAccepted).toBe(before);
  });

  it("unsorted labels → 400 naming the series (the spec requires senders to sort)", async () => {
    const before = stack.standin!.stats.writesAccepted;
    const response = await push(remoteWriteBody(batch([["zone", "b"], ["__name__", "unsorted_probe"], ["area", "a"]], 42)));
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/unsorted_probe.*must be sorted/);
    expect(stack.standin!.stats.writesAccepted).toBe(before);
  });

  it("empty-valued labels mean 'absent': dropped, the series stored without them", async () => {
    const response = await push(remoteWriteBody(batch([["__name__", "empty_value_probe"], ["area", ""], ["zone", "b"]], 42)));
    expect(response.status).toBe(204);
    const [series] = await ampQuerier(stack.ampEndpoint)('empty_value_probe{source="local"}');
    expect(series?.metric).toEqual({ __name__: "empty_value_probe", zone: "b", source: "local" });
  });
});

describe("AMP faults reach the sender as retryable statuses", () => {
  it("persistent 503 → 503 with Retry-After, after retrying", async () => {
    let attempts = 0;
    stack.standin!.setIntercept((exchange) => {
      if (exchange.kind !== "write") return undefined;
      attempts++;
      return { action: "respond", status: 503, body: "service unavailable" };
    });
    const response = await push(remoteWriteBody(batch([["__name__", "fault_503_probe"]])));
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeGreaterThan(1);
  }, 40_000);

  it("429 with Retry-After is passed on with AMP's Retry-After", async () => {
    stack.standin!.setIntercept((exchange) =>
      exchange.kind === "write" ? { action: "respond", status: 429, headers: { "retry-after": "40" }, body: "ingestion rate limit exceeded" } : undefined);
    const response = await push(remoteWriteBody(batch([["__name__", "fault_429_probe"]])));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("40");
  }, 40_000);

  it("connection reset → 503; the same batch succeeds once AMP recovers", async () => {
    const body = remoteWriteBody(batch([["__name__", "fault_reset_probe"]], 3));
    stack.standin!.setIntercept((exchange) => (exchange.kind === "write" ? { action: "reset" } : undefined));
    expect((await push(body)).status).toBe(503);
    stack.standin!.setIntercept(undefined);
    expect((await push(body)).status).toBe(204);
    const [series] = await ampQuerier(stack.ampEndpoint)("fault_reset_probe");
    expect(series?.value[1]).toBe("3");
  }, 40_000);

  it("AMP's 400 is passed back as 400 without retry", async () => {
    let attempts = 0;
    stack.standin!.setIntercept((exchange) => {
      if (exchange.kind !== "write") return undefined;
      attempts++;
      return { action: "respond", status: 400, body: "user=123_ws-local: err: out of order sample. timestamp=2026-11-21T00:00:00Z, series={__name__=\"x\"}" };
    });
    const response = await push(remoteWriteBody(batch([["__name__", "fault_400_probe"]])));
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/out of order sample/);
    expect(attempts).toBe(1);
  });
});
