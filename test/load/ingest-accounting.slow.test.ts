/**
 * Load with exact accounting (npm run test:load; loopback only, bounded in count and time).
 *
 * Many concurrent senders push through the local stack while AMP faults are switched on and off underneath it:
 * - remote-write pushers and Influx line-protocol pushers (retrying-sender.ts: Prometheus/Telegraf behaviour), each
 *   with its own series, one sample per series per batch, every value unique;
 * - a real Prometheus agent scraping a target whose gauge is the scrape number, remote-writing with the token.
 * Fault phases (fault proxy between the handlers and the SigV4 stand-in): healthy, 30 % 503, 20 % "stored but the
 * answer was reset", 30 % 429 with Retry-After, a full outage, healthy again.
 *
 * At the end every acknowledged sample is looked up in the stand-in — count and value — and the agent's scrape
 * numbers are checked for gaps. Losses must be 0; duplicates (identical samples AMP took twice because an answer
 * was lost) are reported.
 *
 * Size: LOAD_PUSHERS (default 8 remote-write + 4 line protocol), LOAD_SERIES per pusher (40), LOAD_BATCHES per
 * pusher (60, one every 500 ms) — 28,800 samples in about 30 s of pushing by default.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FaultProxy } from "../../local/fault-proxy/fault-proxy";
import { AMP_FAULTS } from "../../local/fault-proxy/faults";
import { startPrometheus, type PrometheusProcess } from "../../local/prometheus-process";
import type { LocalStack } from "../../local/stack";
import { WRITE_PATH } from "../faults/support/fault-case";
import { lineProtocolBatch, remoteWriteBatch } from "../faults/support/push-batches";
import { reportFigures } from "../faults/support/report-figures";
import { RetryingSender } from "../faults/support/retrying-sender";
import { accountFor, countStored, storedSamples } from "../faults/support/sample-accounting";
import { startScrapeTarget, type ScrapeTarget } from "../support/scrape-target";
import { waitFor } from "../support/wait-for";
import { startStackBehindProxy } from "../faults/support/stack-behind-proxy";

const INGEST_TOKEN = "ag_load-test-token-0123456789abcdefghijklmnopqr";
const envInt = (name: string, fallback: number) => Number.parseInt(process.env[name] ?? "", 10) || fallback;
const REMOTE_WRITE_PUSHERS = envInt("LOAD_PUSHERS", 8);
const LINE_PROTOCOL_PUSHERS = Math.max(1, Math.round(REMOTE_WRITE_PUSHERS / 2));
const SERIES = envInt("LOAD_SERIES", 40);
const BATCHES = envInt("LOAD_BATCHES", 60);
/** One batch per pusher this often: 60 batches take 30 s, two cycles of the fault phases. */
const BATCH_INTERVAL_MS = 500;
const PHASE_MS = 2_500;

let stack: LocalStack;
let ampProxy: FaultProxy;
let stopStack: (() => Promise<void>) | undefined;
let target: ScrapeTarget;
let agent: PrometheusProcess;
let scrapeNumber = 0;

beforeAll(async () => {
  ({ stack, ampProxy, stop: stopStack } = await startStackBehindProxy("load", { env: { INGEST_TOKEN } }, { seed: 7 }));
  target = await startScrapeTarget(() => `# TYPE load_agent_scrape_number gauge\nload_agent_scrape_number ${++scrapeNumber}\n`);
}, 60_000);
afterAll(async () => {
  await agent?.stop();
  await target?.close();
  await stopStack?.();
});

/** The fault phases, in order; each lasts PHASE_MS, then the schedule repeats until the senders are done. */
const PHASES: Array<{ name: string; rule?: { fault: (typeof AMP_FAULTS)[keyof typeof AMP_FAULTS]["fault"]; probability: number } }> = [
  { name: "healthy" },
  { name: "503", rule: { fault: AMP_FAULTS["503"].fault, probability: 0.3 } },
  { name: "reset after store", rule: { fault: AMP_FAULTS["reset after store"].fault, probability: 0.2 } },
  { name: "429+retry-after", rule: { fault: AMP_FAULTS["429+retry-after"].fault, probability: 0.3 } },
  { name: "outage", rule: { fault: AMP_FAULTS["503"].fault, probability: 1 } },
  { name: "healthy" },
];

async function runFaultSchedule(done: () => boolean): Promise<number> {
  let cycles = 0;
  while (!done()) {
    for (const phase of PHASES) {
      ampProxy.clearFaults();
      if (phase.rule) ampProxy.inject({ name: phase.name, fault: phase.rule.fault, probability: phase.rule.probability, method: "POST", pathPrefix: WRITE_PATH });
      const until = Date.now() + PHASE_MS;
      while (Date.now() < until && !done()) await new Promise((resolve) => setTimeout(resolve, 50));
      if (done()) break;
    }
    cycles += 1;
  }
  ampProxy.clearFaults();
  return cycles;
}

/** Batch `b` of a pusher: SERIES series, one sample each at `timestamp`, every value unique. */
function pusherBatch(kind: "rw" | "lp", pusher: number, b: number, timestamp: number) {
  const value = (s: number) => pusher * 1_000_000 + b * 1_000 + s + 0.5;
  const id = `${kind}${pusher}-${b}`;
  if (kind === "rw") {
    return remoteWriteBatch(id, stack.url, INGEST_TOKEN, Array.from({ length: SERIES }, (_, s) => ({
      spec: { name: "load_rw_value", labels: { pusher: `rw${pusher}`, series: `s${s}` } },
      samples: [{ timestamp, value: value(s) }],
    })));
  }
  return lineProtocolBatch(id, stack.url, INGEST_TOKEN, "load_lp", "value",
    Array.from({ length: SERIES }, (_, s) => ({ tags: { pusher: `lp${pusher}`, series: `s${s}` }, timestamp, value: value(s) })));
}

const agentConfig = () => `
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: load-agent
    static_configs: [ { targets: ['${target.address}'] } ]
remote_write:
  - url: ${stack.url}/api/v1/write
    authorization:
      credentials: ${INGEST_TOKEN}
    queue_config: { batch_send_deadline: 1s, min_backoff: 50ms, max_backoff: 1s, retry_on_http_429: true }
`;

async function agentMetric(name: string): Promise<number> {
  const text = await (await fetch(`${agent.url}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, "gm"))) total += Number(match[1]);
  return total;
}

describe("load with AMP faults switched on and off", () => {
  it("every acknowledged sample is stored with its value; the agent's scrapes have no gaps", async () => {
    const started = Date.now();
    agent = await startPrometheus({ mode: "agent", config: agentConfig() });
    await waitFor("the agent's first scrape", () => (scrapeNumber > 0 ? true : undefined));
    const pushers = [
      ...Array.from({ length: REMOTE_WRITE_PUSHERS }, (_, p) => ({ kind: "rw" as const, p })),
      ...Array.from({ length: LINE_PROTOCOL_PUSHERS }, (_, p) => ({ kind: "lp" as const, p })),
    ];
    const senders = pushers.map(() => new RetryingSender({ maxAttempts: 1_000, retryAfterScale: 0.1 }));
    // Each pusher produces a batch every BATCH_INTERVAL_MS, stamped with the time it was produced, as a scraper
    // would; its sender drains concurrently, so batches pile up while AMP is down and go out in order after.
    let produced = 0;
    const producing = () => produced < BATCHES;
    const producer = (async () => {
      for (; produced < BATCHES; produced++) {
        const timestamp = Date.now();
        pushers.forEach(({ kind, p }, i) => senders[i]!.enqueue(pusherBatch(kind, p, produced, timestamp)));
        await new Promise((resolve) => setTimeout(resolve, BATCH_INTERVAL_MS));
      }
    })();
    let finished = 0;
    const pushing = senders.map((sender) => sender.run(producing, Date.now() + 300_000).finally(() => { finished += 1; }));
    const cycles = await runFaultSchedule(() => finished === senders.length);
    await producer;
    await Promise.all(pushing);
    const pushSeconds = (Date.now() - started) / 1000;

    // Faults are off: the agent must catch up on every scrape up to now.
    const scrapesToCheck = scrapeNumber;
    await waitFor("the agent to deliver its latest scrape", async () => {
      const stored = await storedSamples(stack.standin!.workspaceUrl, "load_agent_scrape_number");
      const values = new Set([...stored.values()].flatMap((samples) => [...samples.values()]));
      return values.has(scrapesToCheck) ? true : undefined;
    }, 60_000, 500);

    const pushed = await storedSamples(stack.standin!.workspaceUrl, '{__name__=~"load_rw_value|load_lp_value"}');
    const acknowledged = senders.flatMap((sender) => sender.ledger.acknowledged.flatMap((batch) => batch.samples));
    const account = accountFor(acknowledged, pushed);
    const agentStored = await storedSamples(stack.standin!.workspaceUrl, "load_agent_scrape_number");
    const agentValues = new Set([...agentStored.values()].flatMap((samples) => [...samples.values()]));
    const agentMissing = Array.from({ length: scrapesToCheck }, (_, i) => i + 1).filter((n) => !agentValues.has(n));
    const everything = countStored(await storedSamples(stack.standin!.workspaceUrl, '{__name__=~".+"}'));
    const seen: Record<string, number> = {};
    for (const sender of senders) for (const [status, n] of Object.entries(sender.ledger.seen)) seen[status] = (seen[status] ?? 0) + n;
    const held = senders.reduce((n, sender) => n + sender.held().length, 0);
    const refused = senders.reduce((n, sender) => n + sender.ledger.refused.length, 0);
    const summary = {
      pushers: `${REMOTE_WRITE_PUSHERS} remote-write + ${LINE_PROTOCOL_PUSHERS} line-protocol + 1 Prometheus agent`,
      samplesSent: pushers.length * BATCHES * SERIES,
      acknowledged: account.acknowledged,
      storedWithSameValue: account.found,
      lost: account.lost,
      wrongValue: account.wrongValue,
      storedNotAcknowledged: account.storedNotAcknowledged,
      refusedBatches: refused,
      heldBatches: held,
      duplicateSamplesTakenByAmp: stack.standin!.stats.samplesAccepted - everything,
      pusherStatuses: seen,
      faultsInjected: ampProxy.stats.faults,
      ampWriteRequests: stack.standin!.stats.writesAccepted,
      faultCycles: cycles,
      agentScrapesChecked: scrapesToCheck,
      agentScrapesMissing: agentMissing.length,
      agentSamplesFailed: await agentMetric("prometheus_remote_storage_samples_failed_total"),
      agentSamplesRetried: await agentMetric("prometheus_remote_storage_samples_retried_total"),
      pushSeconds: Math.round(pushSeconds),
    };
    reportFigures("load", Object.entries(summary).map(([figure, value]) => ({ figure, value: typeof value === "object" ? JSON.stringify(value) : value })), summary);

    expect(account.examples).toEqual([]);
    expect(held).toBe(0);
    expect(refused).toBe(0);
    expect(account.acknowledged).toBe((REMOTE_WRITE_PUSHERS + LINE_PROTOCOL_PUSHERS) * SERIES * BATCHES);
    expect(account.lost).toBe(0);
    expect(account.wrongValue).toBe(0);
    expect(account.found).toBe(account.acknowledged);
    expect(account.storedNotAcknowledged).toBe(0);
    expect(agentMissing).toEqual([]);
    // The faults really happened, and senders really saw them.
    expect(Object.values(ampProxy.stats.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    expect(Object.keys(seen).some((status) => status !== "204")).toBe(true);
  }, 400_000);
});
