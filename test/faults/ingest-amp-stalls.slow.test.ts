/**
 * The slow faults (npm run test:faults; excluded from npm test): AMP that never answers or answers a byte at a
 * time. Each costs ampgate's 10 s per-attempt timeout, and the persistent stall runs into the Lambda's own deadline,
 * where the pusher must still get an answer — a 503 — before API Gateway's 30 s integration timeout would turn it
 * into a bare 504. Counted like the fast faults (support/fault-case.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FaultProxy } from "../../local/fault-proxy/fault-proxy";
import { AMP_FAULTS, type AmpFaultName } from "../../local/fault-proxy/faults";
import type { LocalStack } from "../../local/stack";
import { runFaultCase, threeBatches, WRITE_PATH } from "./support/fault-case";
import { reportFigures, type FigureRow } from "./support/report-figures";
import { startStackBehindProxy } from "./support/stack-behind-proxy";

const INGEST_TOKEN = "ag_stall-suite-token-0123456789abcdefghijklmnopq";
/** API Gateway HTTP APIs give up on an integration after 30 s (and answer 504 without a body). */
const API_GATEWAY_TIMEOUT_MS = 30_000;

let stack: LocalStack;
let ampProxy: FaultProxy;
let stopStack: (() => Promise<void>) | undefined;
const figures: FigureRow[] = [];

beforeAll(async () => {
  ({ stack, ampProxy, stop: stopStack } = await startStackBehindProxy("stalls", { env: { INGEST_TOKEN } }));
});
afterAll(async () => {
  reportFigures("faults-ingest-slow", figures);
  await stopStack?.();
});
afterEach(() => ampProxy.clearFaults());

const ONCE: AmpFaultName[] = ["stall", "stall after store", "slow drip"];

describe("AMP that stalls or drips, once: ampgate's attempt times out and its retry lands the batch", () => {
  for (const name of ONCE) {
    it(`${name} × 1`, async () => {
      const result = await runFaultCase({ stack, ampProxy, token: INGEST_TOKEN }, name, AMP_FAULTS[name].fault, 1);
      figures.push(result.figures);
      expect(result.account.examples).toEqual([]);
      expect(result.account).toMatchObject({ acknowledged: 12, found: 12, lost: 0, storedNotAcknowledged: 0 });
      expect(result.sender.held()).toEqual([]);
      // Absorbed inside the request: the pusher only ever saw 204.
      expect(result.sender.ledger.seen).toEqual({ 204: 3 });
      expect(result.injected).toBe(1);
    }, 60_000);
  }
});

describe("AMP that stalls for longer than the Lambda may wait", () => {
  it("the pusher gets 503 with Retry-After before API Gateway's 30 s; its retry after AMP recovers is stored", async () => {
    const mark = ampProxy.exchanges().length;
    ampProxy.inject({ name: "stall", fault: AMP_FAULTS.stall.fault, method: "POST", pathPrefix: WRITE_PATH });
    const [batch] = threeBatches("stall_past_deadline", stack.url, INGEST_TOKEN);
    const started = Date.now();
    const response = await fetch(batch!.request.url, batch!.request.init);
    const answeredMs = Date.now() - started;
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await response.text()).toMatch(/did not answer in time|no time left/);
    expect(answeredMs).toBeLessThan(API_GATEWAY_TIMEOUT_MS);
    const attempts = ampProxy.exchanges().slice(mark).filter((e) => e.fault === "stall").length;
    figures.push({ fault: "stall (persistent)", injected: attempts, pusherSaw: "503×1", ampRequests: attempts, seconds: Math.round(answeredMs / 100) / 10 });

    ampProxy.clearFaults();
    expect((await fetch(batch!.request.url, batch!.request.init)).status).toBe(204);
  }, 60_000);
});
