/**
 * One function's self-metrics: the registry, what every AMP write adds to it, and when it goes to AMP.
 *
 *   const metrics = createSelfMetrics({ fn: "ingest", instance, writer: selfMetricsWriter(client, log), intervalMs: 60_000, now: Date.now, log });
 *   const ampWriter = createAmpWriter({ client, log, onSettled: metrics.observeAmpWrite });
 *   …handle the request…
 *   await metrics.flushIfDue({ deadline, requestId });   // after the response is decided, before returning it
 *
 * When a snapshot goes (docs/metrics.md, "How self-metrics reach AMP"): after the invocation's own work, in a
 * request of its own, at most once per `intervalMs` per execution environment, and only when something was
 * counted. Never inside the user's batch: a self-metric AMP refused must not turn the user's push into an error,
 * and the snapshot can then include the outcome of the request being answered. A flush that fails changes nothing
 * for the user — it is not retried within the invocation, the totals stay in memory and the next flush carries
 * them. Right after AMP failed (the user's write, or the last flush), flushing waits an interval rather than
 * spend the invocation's time on an AMP that is down.
 */
import { BATCH_REFUSALS, isBatchRefusal, type AmpWriteErrorKind } from "../amp/errors";
import { createAmpWriter } from "../amp/remote-write-client";
import type { AmpHttpClient } from "../amp/signed-client";
import type { Logger } from "../log/logger";
import type { WriteRequest } from "../remote-write/types";
import { createMetricRegistry, type MetricRegistry } from "./metric-registry";

export interface SnapshotWriter {
  write(request: WriteRequest, options: { deadline: number; requestId?: string }): Promise<unknown>;
}

export interface SelfMetricsOptions {
  /** The Lambda: `ingest`, `query`, `poll`, `webhook` (the `fn` label). */
  fn: string;
  /** The execution environment (instance-id.ts). */
  instance: string;
  writer: SnapshotWriter;
  /**
   * Least time between two flushes; 0 flushes after every invocation that counted something; `undefined` never
   * flushes (self-metrics off: everything is still counted, in memory only).
   */
  intervalMs: number | undefined;
  now(): number;
  log: Logger;
  /** Longest a flush may hold up the invocation. */
  flushBudgetMs?: number;
}

/** What an AMP write reports when it settles (amp/remote-write-client.ts `WriteResult`). */
export interface SettledWrite {
  durationMs: number;
  retries: Partial<Record<AmpWriteErrorKind, number>>;
}

export type FlushOutcome = "sent" | "failed" | "nothing_new" | "not_due" | "amp_failing" | "no_time" | "off";

export interface SelfMetrics {
  readonly registry: MetricRegistry;
  /** Counts one settled AMP write: its duration, its retries and, if it failed, why. */
  observeAmpWrite(write: SettledWrite, error?: { kind: AmpWriteErrorKind }): void;
  /** Sends a snapshot when one is due. Never throws. */
  flushIfDue(options: { deadline: number; requestId?: string }): Promise<FlushOutcome>;
}

const DEFAULT_FLUSH_BUDGET_MS = 2_000;
/** Below this much time a flush is not started (one in-region round trip plus signing, with room to spare). */
const MIN_FLUSH_MS = 250;

export function createSelfMetrics(options: SelfMetricsOptions): SelfMetrics {
  const { now, log } = options;
  const budgetMs = options.flushBudgetMs ?? DEFAULT_FLUSH_BUDGET_MS;
  const registry = createMetricRegistry({
    constantLabels: { fn: options.fn, instance: options.instance },
    now,
    onOverflow: (name) => log.error("self-metrics series limit reached; new label combinations are not counted", { metric: name }),
  });
  let lastAttemptAt: number | undefined;
  let lastAmpFailureAt: number | undefined;
  let lastSnapshotAt = 0;
  /** A snapshot failed and nothing has been sent since: its totals still have to go out. */
  let unsent = false;

  const { intervalMs } = options;
  const recentlyFailed = (at: number) => lastAmpFailureAt !== undefined && at - lastAmpFailureAt < Math.max(intervalMs ?? 0, 1);

  return {
    registry,
    observeAmpWrite(write, error) {
      registry.observe("ampgate_amp_write_duration_seconds", {}, write.durationMs / 1000);
      for (const [reason, count] of Object.entries(write.retries)) registry.inc("ampgate_amp_write_retries_total", { reason }, count);
      if (!error) return;
      registry.inc("ampgate_amp_write_failures_total", { reason: error.kind });
      if (!BATCH_REFUSALS.has(error.kind)) lastAmpFailureAt = now();
    },
    async flushIfDue({ deadline, requestId }) {
      if (intervalMs === undefined) return "off";
      const at = now();
      if (!registry.changed && !unsent) return "nothing_new";
      if (lastAttemptAt !== undefined && at - lastAttemptAt < intervalMs) return "not_due";
      if (recentlyFailed(at)) return "amp_failing";
      const flushDeadline = Math.min(deadline, at + budgetMs);
      if (flushDeadline - at < MIN_FLUSH_MS) return "no_time";
      lastAttemptAt = at;
      // Strictly increasing: two snapshots in the same millisecond would be two values for one timestamp.
      lastSnapshotAt = Math.max(at, lastSnapshotAt + 1);
      const snapshot = registry.snapshot(lastSnapshotAt);
      try {
        await options.writer.write(snapshot, { deadline: flushDeadline, ...(requestId ? { requestId } : {}) });
        registry.settle(true);
        unsent = false;
        log.debug("self-metrics flushed", { requestId, series: snapshot.timeseries.length });
        return "sent";
      } catch (error) {
        // A refusal may follow parts AMP stored: their 0s must not be sent again (`settle`).
        registry.settle(isBatchRefusal(error));
        unsent = true;
        lastAmpFailureAt = now();
        log.debug("self-metrics flush failed; the totals go with the next one", { requestId, error });
        return "failed";
      }
    },
  };
}

/**
 * The writer for snapshots: one attempt (the next flush is the retry), no memory of accepted parts (every
 * snapshot is new), a short attempt timeout, and log lines marked as ours.
 */
export function selfMetricsWriter(client: AmpHttpClient, log: Logger): SnapshotWriter {
  return createAmpWriter({
    client,
    log: log.child({ component: "self-metrics" }),
    retry: { maxAttempts: 1, minAttemptMs: MIN_FLUSH_MS, responseMarginMs: 0 },
    limits: { attemptTimeoutMs: DEFAULT_FLUSH_BUDGET_MS },
    acceptedParts: false,
  });
}
