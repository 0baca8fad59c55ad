/**
 * This execution environment's self-metrics, one set per function (module scope = one per Lambda container),
 * wired from the environment: `AMPGATE_SELF_METRICS_INTERVAL_SECONDS` (core telemetry/self-metrics-config.ts)
 * and the function's AMP client. What is counted and when it is flushed: docs/metrics.md.
 *
 *   const metrics = selfMetrics("ingest");
 *   createAmpWriter({ client, log, onSettled: metrics.observeAmpWrite });
 *   await metrics.flushIfDue({ deadline, requestId });    // http-handler.ts and poll.ts do this after each invocation
 */
import { createLogger, type Logger } from "@ampgate/core/log/logger";
import { instanceId } from "@ampgate/core/telemetry/instance-id";
import { createSelfMetrics, selfMetricsWriter, type SelfMetrics, type SnapshotWriter } from "@ampgate/core/telemetry/self-metrics";
import { DEFAULT_SELF_METRICS_INTERVAL_SECONDS, selfMetricsIntervalMs } from "@ampgate/core/telemetry/self-metrics-config";
import { ampHttpClient } from "./deps";

const instance = instanceId(process.env);
const byFunction = new Map<string, SelfMetrics>();

export function selfMetrics(fn: string): SelfMetrics {
  let metrics = byFunction.get(fn);
  if (!metrics) {
    const log = createLogger({ fields: { fn } });
    let writer: SnapshotWriter | undefined;
    metrics = createSelfMetrics({
      fn,
      instance,
      // Built on the first flush, not here: the metrics are created at the start of every invocation, and a missing
      // AMP setting must show as a failed flush (logged), not fail the request being counted.
      writer: { write: (request, options) => (writer ??= selfMetricsWriter(ampHttpClient(), log)).write(request, options) },
      intervalMs: intervalFromEnv(log),
      now: Date.now,
      log,
    });
    byFunction.set(fn, metrics);
  }
  return metrics;
}

/** A bad setting must not fail the requests it would only observe: say so loudly and use the default. */
function intervalFromEnv(log: Logger): number | undefined {
  try {
    return selfMetricsIntervalMs(process.env);
  } catch (error) {
    log.error(`self-metrics setting ignored; flushing every ${DEFAULT_SELF_METRICS_INTERVAL_SECONDS} s`, { error });
    return DEFAULT_SELF_METRICS_INTERVAL_SECONDS * 1000;
  }
}
