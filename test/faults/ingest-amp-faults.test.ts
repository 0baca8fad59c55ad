/**
 * Fault injection on the ingest path, counted: a retrying sender (Prometheus/Telegraf behaviour, retrying-sender.ts)
 * pushes through the local stack, whose handlers reach the SigV4 stand-in through the fault proxy. For each fault:
 * what the pusher saw, how often ampgate tried AMP, what landed, and the invariant —
 *
 *   every acknowledged sample is stored with the value sent (acknowledged ⊆ stored), and every batch that was not
 *   acknowledged was either retried to success, is still held by the sender, or was refused with a 4xx the sender
 *   was told about (and then nothing of it is stored).
 *
 * The faults whose timing is dominated by the writer's 10 s attempt timeout (stalls, slow drips) are in
 * ingest-amp-stalls.slow.test.ts (npm run test:faults).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "../../local/fault-proxy/fault-proxy";
import { AMP_FAULTS, type AmpFaultName } from "../../local/fault-proxy/faults";
import type { LocalStack } from "../../local/stack";
import { runFaultCase, threeBatches, WRITE_PATH } from "./support/fault-case";
import { formatBatch } from "./support/push-batches";
import { reportFigures, type FigureRow } from "./support/report-figures";
import { RetryingSender } from "./support/retrying-sender";
import { accountFor, countStored, storedSamples } from "./support/sample-accounting";
import { startStackBehindProxy } from "./support/stack-behind-proxy";

const INGEST_TOKEN = "ag_fault-suite-token-0123456789abcdefghijklmnop";
/** ampgate's writer tries a part this many times (amp/retry-policy.ts DEFAULT_RETRY_POLICY.maxAttempts). */
const WRITER_ATTEMPTS = 6;

let stack: LocalStack;
let ampProxy: FaultProxy;
let stopStack: (() => Promise<void>) | undefined;
let senderProxy: FaultProxy;
const figures: FigureRow[] = [];

beforeAll(async () => {
  ({ stack, ampProxy, stop: stopStack } = await startStackBehindProxy("faults", { env: { INGEST_TOKEN } }));
  senderProxy = await startFaultProxy({ target: stack.url });
});
afterAll(async () => {
  reportFigures("faults-ingest", figures);
  await senderProxy?.close();
  await stopStack?.();
});
afterEach(() => {
  ampProxy.clearFaults();
  senderProxy.clearFaults();
});

interface Expectation {
  /** Injected into this many consecutive AMP write requests. */
  times: number;
  /** Statuses the pusher must have seen (besides the final 204s). */
  pusherSees: string[];
  /** Batches the pusher was told to drop (4xx). */
  refused?: number;
  /** AMP write requests ampgate made, at least. */
  minAmpRequests: number;
}

/** Which fault, how often, and what the pusher must have seen. */
const CASES: Array<[AmpFaultName, Expectation]> = [
  ["500", { times: WRITER_ATTEMPTS, pusherSees: ["503"], minAmpRequests: WRITER_ATTEMPTS + 3 }],
  ["502", { times: WRITER_ATTEMPTS, pusherSees: ["503"], minAmpRequests: WRITER_ATTEMPTS + 3 }],
  ["503", { times: WRITER_ATTEMPTS, pusherSees: ["503"], minAmpRequests: WRITER_ATTEMPTS + 3 }],
  ["503", { times: 2, pusherSees: [], minAmpRequests: 5 }], // absorbed by ampgate's own retries
  ["429", { times: WRITER_ATTEMPTS, pusherSees: ["429"], minAmpRequests: WRITER_ATTEMPTS + 3 }],
  ["429+retry-after", { times: 3, pusherSees: [], minAmpRequests: 6 }], // 3 × 1 s waits fit the request
  ["400 out-of-order", { times: 1, pusherSees: ["400"], refused: 1, minAmpRequests: 3 }],
  ["413", { times: 1, pusherSees: [], minAmpRequests: 5 }], // split in half and resent
  ["403 signature", { times: 1, pusherSees: ["503"], minAmpRequests: 4 }],
  ["reset mid-request", { times: WRITER_ATTEMPTS, pusherSees: ["503"], minAmpRequests: WRITER_ATTEMPTS + 3 }],
  ["reset before answer", { times: 2, pusherSees: [], minAmpRequests: 5 }],
  ["reset after store", { times: WRITER_ATTEMPTS, pusherSees: ["503"], minAmpRequests: WRITER_ATTEMPTS + 3 }],
  ["reset mid-response", { times: 2, pusherSees: [], minAmpRequests: 5 }],
  ["503 after store", { times: WRITER_ATTEMPTS, pusherSees: ["503"], minAmpRequests: WRITER_ATTEMPTS + 3 }],
  ["slow but in time", { times: 3, pusherSees: [], minAmpRequests: 3 }],
];

describe("AMP faults between ampgate and the stand-in, counted", () => {
  for (const [name, expectation] of CASES) {
    it(`${name} × ${expectation.times}: acknowledged ⊆ stored, nothing unaccounted for`, async () => {
      const result = await runFaultCase({ stack, ampProxy, token: INGEST_TOKEN }, name, AMP_FAULTS[name].fault, expectation.times);
      figures.push(result.figures);
      const { sender, account, batches } = result;
      const refused = sender.ledger.refused;

      expect(account.examples, "acknowledged samples missing or different").toEqual([]);
      expect(account.lost + account.wrongValue).toBe(0);
      expect(sender.held(), "batches still held after the faults ended").toEqual([]);
      expect(refused).toHaveLength(expectation.refused ?? 0);
      // A refused batch is entirely absent; everything else was acknowledged and is entirely present.
      expect(account.storedNotAcknowledged).toBe(0);
      expect(account.acknowledged).toBe((batches.length - refused.length) * 4);
      for (const status of expectation.pusherSees) expect(sender.ledger.seen[status], `pusher saw ${status}`).toBeGreaterThan(0);
      expect(Object.keys(sender.ledger.seen).filter((s) => s !== "204").sort()).toEqual([...new Set(expectation.pusherSees)].sort());
      expect(result.ampRequests).toBeGreaterThanOrEqual(expectation.minAmpRequests);
      // The fault fired as often as asked: the suite really exercised it.
      expect(result.injected).toBe(expectation.times);
    }, 90_000);
  }

  it("a retryable answer always carries Retry-After, and a 400 names AMP's reason", async () => {
    ampProxy.inject({ name: "503", fault: AMP_FAULTS["503"].fault, times: WRITER_ATTEMPTS, pathPrefix: WRITE_PATH });
    const [batch] = threeBatches("retry_after_probe", stack.url, INGEST_TOKEN);
    const unavailable = await fetch(batch!.request.url, batch!.request.init);
    expect(unavailable.status).toBe(503);
    expect(Number(unavailable.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await unavailable.text()).toMatch(/keep the data and retry/);

    ampProxy.inject({ name: "400 out-of-order", fault: AMP_FAULTS["400 out-of-order"].fault, times: 1, pathPrefix: WRITE_PATH });
    const refused = await fetch(batch!.request.url, batch!.request.init);
    expect(refused.status).toBe(400);
    const text = await refused.text();
    expect(text).toMatch(/out of order sample/);
    expect(text).not.toMatch(/user=\d+_/); // AMP's tenant prefix names our AWS account
  }, 60_000);
});

describe("an ambiguous failure on a batch with several samples per series", () => {
  it("the retry is refused as out of order, yet nothing is lost: the batch was stored by the first attempt", async () => {
    // AMP stored the part, the answer was lost, ampgate's retry resends it. The stand-in's Prometheus has no
    // out-of-order window, so the resent older sample of each series is `out of order` (400) and the sender is told
    // to drop a batch that is in fact stored. AMP's 60 s window accepts such a resend when the batch spans < 60 s.
    const start = Date.now() - 5 * 60_000;
    const batch = formatBatch("remote-write", "multi", stack.url, INGEST_TOKEN, "fault_probe",
      [0, 1].flatMap((s) => [0, 1].map((i) => ({ labels: { case: "ambiguous_multi", series: `s${s}` }, timestamp: start + i * 30_000, value: s * 10 + i }))));
    ampProxy.inject({ name: "503 after store", fault: AMP_FAULTS["503 after store"].fault, times: 1, pathPrefix: WRITE_PATH });
    const sender = new RetryingSender();
    sender.enqueue(batch);
    await sender.drain(Date.now() + 30_000);
    const stored = await storedSamples(stack.standin!.workspaceUrl, 'fault_probe{case="ambiguous_multi"}');
    const account = accountFor(batch.samples, stored);
    figures.push({ fault: "503 after store, 2 samples/series", injected: 1, pusherSaw: Object.entries(sender.ledger.seen).map(([k, n]) => `${k}×${n}`).join(" "), acknowledged: sender.ledger.acknowledged.length * 4, stored: countStored(stored), lost: 0, refused: sender.ledger.refused.length });
    expect(account).toMatchObject({ found: 4, lost: 0, wrongValue: 0 });
    expect(sender.held()).toEqual([]);
    // Either outcome keeps the promise; the suite records which one the stand-in gives.
    if (sender.ledger.refused.length) expect(sender.ledger.refused[0]!.message).toMatch(/out of order/);
  }, 60_000);
});

describe("every push format keeps the invariant", () => {
  const FORMATS = ["influx-v2", "json", "prometheus-text", "otlp-json"] as const;
  for (const format of FORMATS) {
    for (const [name, times] of [["503", WRITER_ATTEMPTS], ["reset after store", WRITER_ATTEMPTS]] as const) {
      it(`${format}: ${name} × ${times}`, async () => {
        const result = await runFaultCase({ stack, ampProxy, token: INGEST_TOKEN }, name, AMP_FAULTS[name].fault, times, format);
        figures.push(result.figures);
        expect(result.account.examples).toEqual([]);
        expect(result.account).toMatchObject({ acknowledged: 12, found: 12, lost: 0, wrongValue: 0, storedNotAcknowledged: 0 });
        expect(result.sender.held()).toEqual([]);
        expect(result.sender.ledger.seen["503"]).toBeGreaterThan(0);
        expect(result.injected).toBe(times);
      }, 90_000);
    }
  }
});

describe("the acknowledgement lost between ampgate and the sender", () => {
  it("a reset after ampgate answered 204: the sender resends, the identical samples are stored once", async () => {
    senderProxy.inject({ name: "reset after store", fault: { kind: "reset", when: "after-forward" }, times: 2, method: "POST" });
    const sender = new RetryingSender();
    const batches = threeBatches("lost_ack", senderProxy.url, INGEST_TOKEN);
    for (const batch of batches) sender.enqueue(batch);
    await sender.drain(Date.now() + 30_000);
    const stored = await storedSamples(stack.standin!.workspaceUrl, 'fault_probe{case="lost_ack"}');
    const account = accountFor(sender.ledger.acknowledged.flatMap((b) => b.samples), stored);
    figures.push({ fault: "sender-side reset after 204", injected: senderProxy.stats.faults["reset after store"] ?? 0, pusherSaw: Object.entries(sender.ledger.seen).map(([s, n]) => `${s}×${n}`).join(" "), acknowledged: account.acknowledged, stored: countStored(stored), lost: account.lost, refused: 0 });
    expect(sender.ledger.seen.ECONNRESET ?? sender.ledger.seen.UND_ERR_SOCKET).toBeGreaterThan(0);
    expect(account).toMatchObject({ acknowledged: 12, found: 12, lost: 0, storedNotAcknowledged: 0 });
    expect(sender.held()).toEqual([]);
  }, 60_000);
});
