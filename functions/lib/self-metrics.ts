/**
 * This execution environment's self-metrics, one set per function (module scope = one per Lambda container),
 * wired from the environment: `AMPGATE_SELF_METRICS_INTERVAL_SECONDS` (core telemetry/self-metrics-config.ts)
 * and the function's AMP client. What is counted and when it is flushed: docs/metrics.md.
 *
 *   const metrics = selfMetrics("ingest");
 *   createAmpWriter({ client, log, onSettled: metrics.observeAmpWrite });
 *   await metrics.flushIfDue({ deadline, requestId });    // http-handler.ts and poll.ts do this after each invocation
 */
import { createLogger } from "@ampgate/core/log/logger";
import { instanceId } from "@ampgate/core/telemetry/instance-id";
import { createSelfMetrics, selfMetricsWriter, type SelfMetrics } from "@ampgate/core/telemetry/self-metrics";
import { selfMetricsIntervalMs } from "@ampgate/core/telemetry/self-metrics-config";
import { ampHttpClient } from "./deps";

const instance = instanceId(process.env);
const byFunction = new Map<string, SelfMetrics>();

export function selfMetrics(fn: string): SelfMetrics {
  let metrics = byFunction.get(fn);
  if (!metrics) {
    const log = createLogger({ fields: { fn } });
    metrics = createSelfMetrics({
      fn,
      instance,
      // Built per flush from the current client, so a test that resets the dependencies flushes to its own AMP.
      writer: { write: (request, options) => selfMetricsWriter(ampHttpClient(), log).write(request, options) },
      intervalMs: selfMetricsIntervalMs(process.env),
      now: Date.now,
      log,
    });
    byFunction.set(fn, metrics);
  }
  return metrics;
}

/** Forget every function's self-metrics (tests that start a fresh stack in the same process). */
export function resetSelfMetrics(): void {
  byFunction.clear();
}
