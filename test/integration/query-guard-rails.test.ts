/**
 * Guard rails with a real Prometheus behind the stand-in: range and point caps refuse before AMP is asked, a
 * stalled AMP ends in a 503 timeout inside the deadline, oversized answers become 422 with a message, and the
 * caller's `timeout` is passed to AMP but never beyond our own budget.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandinExchange } from "../../local/amp-standin/amp-front";
import { queryClient, readToken, startQueryBackend, type QueryBackend } from "./query-harness";

const reader = readToken("guard");
const NOW = Math.floor(Date.now() / 1000);
let backend: QueryBackend;

beforeAll(async () => {
  backend = await startQueryBackend();
  const samples: Array<[number, number]> = Array.from({ length: 120 }, (_, i) => [(NOW - 119 + i) * 1000, i]);
  await backend.write(Array.from({ length: 20 }, (_, s) => ({ labels: { __name__: "guard_metric", series: `s${s}` }, samples })));
});

/** Run `body` while recording what reaches the stand-in (optionally stalling it); always restore it. */
async function capturing(body: (seen: StandinExchange[]) => Promise<void>, stallMs?: number): Promise<void> {
  const seen: StandinExchange[] = [];
  backend.standin.setIntercept((exchange) => {
    seen.push(exchange);
    return stallMs === undefined ? undefined : { action: "delay", ms: stallMs };
  });
  try {
    await body(seen);
  } finally {
    backend.standin.setIntercept(undefined);
  }
}

const sentParam = (exchange: StandinExchange, name: string) => new URLSearchParams(Buffer.from(exchange.body).toString()).getAll(name);

afterAll(async () => {
  backend?.standin.setIntercept(undefined);
  await backend?.stop();
});

describe("guard rails", () => {
  it("refuses a range longer than the configured cap without asking AMP", async () => {
    const call = queryClient(backend, { tokens: [reader.record], limits: { maxRangeMs: 7 * 86_400_000 } });
    const before = backend.standin.stats.queries;
    const answer = await call("GET", "/api/v1/query_range", { token: reader.token, query: { query: "guard_metric", start: String(NOW - 8 * 86_400), end: String(NOW), step: "3600" } });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/time range 8d is longer than this API's limit of 7d/);
    expect(backend.standin.stats.queries).toBe(before);
  });

  it("ends a stalled AMP call with 503 timeout inside the deadline, and tells AMP the same budget", () => capturing(async (seen) => {
    const call = queryClient(backend, { tokens: [reader.record], limits: { timeoutMs: 1_000 } });
    const started = Date.now();
    const answer = await call("POST", "/api/v1/query", { token: reader.token, form: { query: "guard_metric", timeout: "2m" } });
    expect(Date.now() - started).toBeLessThan(2_900);
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ status: "error", errorType: "timeout" });
    expect(answer.json.error).toMatch(/did not answer within 1s/);
    expect(sentParam(seen[0]!, "timeout")).toEqual(["1s"]);
  }, 3_000));

  it("refuses an AMP answer larger than the response cap with 422", async () => {
    const call = queryClient(backend, { tokens: [reader.record], limits: { maxResponseBytes: 20_000 } });
    const answer = await call("GET", "/api/v1/query_range", { token: reader.token, query: { query: "guard_metric", start: String(NOW - 119), end: String(NOW), step: "1" } });
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ status: "error", errorType: "too_large" });
  });

  it("refuses a response larger than a Lambda may return, suggesting gzip when it was not accepted", async () => {
    const call = queryClient(backend, { tokens: [reader.record], limits: { maxWireBytes: 30_000 } });
    const params = { query: "guard_metric", start: String(NOW - 119), end: String(NOW), step: "1" };
    const plain = await call("GET", "/api/v1/query_range", { token: reader.token, query: params });
    expect(plain.status).toBe(422);
    expect(plain.json.error).toMatch(/over the 30 kB a Lambda can return.*accept gzip/);
    const zipped = await call("GET", "/api/v1/query_range", { token: reader.token, query: params, headers: { "accept-encoding": "gzip" } });
    expect(zipped.status).toBe(200);
    expect(zipped.json.data.result).toHaveLength(20);
  });

  it("passes a shorter caller timeout on unchanged", () => capturing(async (seen) => {
    const call = queryClient(backend, { tokens: [reader.record] });
    await call("POST", "/api/v1/query", { token: reader.token, form: { query: "guard_metric", timeout: "3s" } });
    expect(sentParam(seen[0]!, "timeout")).toEqual(["3s"]);
    const bad = await call("POST", "/api/v1/query", { token: reader.token, form: { query: "guard_metric", timeout: "soon" } });
    expect(bad.status).toBe(400);
  }));

  it("does not let a caller raise AMP's query-cost threshold", () => capturing(async (seen) => {
    const call = queryClient(backend, { tokens: [reader.record], limits: { maxSamplesProcessed: 1_000_000 } });
    await call("POST", "/api/v1/query", { token: reader.token, form: { query: "guard_metric", max_samples_processed_error_threshold: "999999999999" } });
    expect(sentParam(seen[0]!, "max_samples_processed_error_threshold")).toEqual(["1000000"]);
  }));
});
