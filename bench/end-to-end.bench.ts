/**
 * End to end on the local stack (issue #8): N samples pushed by concurrent Telegraf-like senders through the
 * real ingest handler (API Gateway–shaped local server → validate/stamp → SigV4-signed AMP write → the
 * SigV4-verifying stand-in → real Prometheus) must all be in Prometheus afterwards; throughput and p50/p99
 * request latency are compared with the same pushes sent straight to Prometheus's own receiver.
 *
 * Shape: each sender owns its own 1,000 series (Telegraf's default batch: 1,000 samples per request) and sends
 * one request per timestamp, in order — so no sample is ever out of order for Prometheus and any shortfall is
 * loss, not rejection. The direct phase uses different hosts so the two phases never collide in the TSDB.
 * Counting: `sum(count_over_time(...))` over the phase's hosts, straight from the stand-in's Prometheus.
 *
 * A second, sequential pass at batch 1,000 and at 10 samples per request records the handler's own duration
 * (the `durationMs` of its push log line: what Lambda would bill, AMP round trip included) for the cost model.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setLogSink } from "@ampgate/core/log/logger";
import { startLocalStack } from "../local/stack";
import { telegrafBatch } from "./fixtures/telegraf-batch";
import { median, percentile } from "./lib/measure";
import { result, type BenchResult } from "./lib/results";

const BATCH = 1_000;
const SENDERS = 8;
const REMOTE_WRITE_HEADERS = {
  "content-type": "application/x-protobuf",
  "content-encoding": "snappy",
  "x-prometheus-remote-write-version": "0.1.0",
};

interface Phase {
  samplesPerSecond: number;
  latenciesMs: number[];
  failures: number;
}

/** One body per sender per step; generated before the clock starts. */
function bodies(hostPrefix: string, steps: number, startMs: number): Uint8Array[][] {
  return Array.from({ length: SENDERS }, (_, sender) =>
    Array.from({ length: steps }, (_, step) =>
      telegrafBatch({ series: BATCH, seed: sender + 1, hostPrefix: `${hostPrefix}${sender}`, timestampMs: startMs + step * 1_000 }).body));
}

async function pushAll(url: string, headers: Record<string, string>, perSender: Uint8Array[][]): Promise<Phase> {
  const latenciesMs: number[] = [];
  let failures = 0;
  const started = performance.now();
  await Promise.all(perSender.map(async (sequence) => {
    for (const body of sequence) {
      const sent = performance.now();
      const response = await fetch(url, { method: "POST", headers, body });
      await response.arrayBuffer();
      latenciesMs.push(performance.now() - sent);
      if (response.status !== 204 && response.status !== 200) failures++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return { samplesPerSecond: (latenciesMs.length * BATCH) / seconds, latenciesMs, failures };
}

/**
 * Samples stored for a phase's hosts, counted from the raw range selector's answer (`count_over_time` would
 * drop `__name__` and collide series that differ only by name), one sender's hosts per query.
 */
async function countSamples(prometheusUrl: string, hostPrefix: string, atMs: number): Promise<number> {
  let total = 0;
  for (let sender = 0; sender < SENDERS; sender++) {
    const query = `{host=~"${hostPrefix}${sender}-.*"}[2h]`;
    const response = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query, time: String(atMs / 1000) })}`);
    const json = (await response.json()) as { data?: { result: Array<{ values: unknown[] }> }; error?: string };
    if (!json.data) throw new Error(`counting samples with ${query} failed: ${json.error ?? response.status}`);
    for (const series of json.data.result) total += series.values.length;
  }
  return total;
}

export interface HandlerDurations {
  /** Median handler duration (ms) per request, by samples per request. */
  byBatch: Record<number, number>;
}

export async function benchEndToEnd(options: { samples: number; quick: boolean }): Promise<{ results: BenchResult[]; cost: HandlerDurations }> {
  const steps = Math.max(1, Math.round(options.samples / (BATCH * SENDERS)));
  const sent = steps * SENDERS * BATCH;
  const dataDir = mkdtempSync(join(tmpdir(), "ampgate-bench-e2e-"));
  const handlerMs: Record<number, number[]> = {};
  let capture = false;
  const previousSink = setLogSink((line) => {
    if (!capture || !line.includes('"msg":"push"')) return;
    const entry = JSON.parse(line) as { samples?: number; durationMs?: number; status?: number };
    if (entry.status === 204 && entry.samples !== undefined && entry.durationMs !== undefined) (handlerMs[entry.samples] ??= []).push(entry.durationMs);
  });
  const stack = await startLocalStack({ port: 0, dataDir });
  try {
    const prometheusUrl = stack.prometheus!.url;
    // Timestamps a few minutes in the past: inside Prometheus's head block, plausible for the validator.
    const startMs = Math.floor(Date.now() / 1000) * 1000 - (steps + 60) * 1_000;
    const atMs = startMs + steps * 1_000 + 1_000;

    const direct = await pushAll(`${prometheusUrl}/api/v1/write`, REMOTE_WRITE_HEADERS, bodies("e2e-direct-", steps, startMs));
    const viaGateway = await pushAll(
      `${stack.url}/api/v1/write`,
      { ...REMOTE_WRITE_HEADERS, authorization: `Bearer ${stack.ingestToken}` },
      bodies("e2e-gateway-", steps, startMs),
    );
    const [storedDirect, storedGateway] = [await countSamples(prometheusUrl, "e2e-direct-", atMs), await countSamples(prometheusUrl, "e2e-gateway-", atMs)];

    // Sequential pass for the cost model: the handler's own duration at Telegraf's batch and at 10 samples.
    capture = true;
    for (const [batch, requests] of [[1_000, options.quick ? 20 : 60], [10, options.quick ? 50 : 200]] as const) {
      for (let i = 0; i < requests; i++) {
        const body = telegrafBatch({ series: batch, seed: 99, hostPrefix: `e2e-cost-${batch}-`, timestampMs: startMs + i * 1_000 }).body;
        const response = await fetch(`${stack.url}/api/v1/write`, { method: "POST", headers: { ...REMOTE_WRITE_HEADERS, authorization: `Bearer ${stack.ingestToken}` }, body });
        await response.arrayBuffer();
      }
    }
    capture = false;

    const note = `${SENDERS} concurrent senders × ${steps} requests × ${BATCH} samples`;
    const results = [
      result({
        name: "end to end: samples stored (zero loss)", unit: "samples", measured: storedGateway, baseline: sent,
        target: { kind: "ratio ≥", value: 1 }, note: `${note}; ${viaGateway.failures} failed requests; direct phase stored ${storedDirect}`,
      }),
      result({
        name: "end to end: throughput via ampgate", unit: "samples/s", measured: viaGateway.samplesPerSecond, baseline: direct.samplesPerSecond,
        note: "baseline: the same pushes straight to Prometheus's /api/v1/write; all on this 2-core machine",
      }),
      result({ name: "end to end: request latency p50", unit: "ms", measured: percentile(viaGateway.latenciesMs, 50), baseline: percentile(direct.latenciesMs, 50) }),
      result({ name: "end to end: request latency p99", unit: "ms", measured: percentile(viaGateway.latenciesMs, 99), baseline: percentile(direct.latenciesMs, 99) }),
    ];
    const byBatch = Object.fromEntries(Object.entries(handlerMs).map(([batch, times]) => [batch, median(times)]));
    return { results, cost: { byBatch } };
  } finally {
    setLogSink(previousSink);
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
