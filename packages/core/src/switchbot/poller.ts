/**
 * `pollOnce`: one scheduled run of the SwitchBot poller, safe to retry.
 *
 *   const outcome = await pollOnce(deps, { scheduledTime: Date.parse(event.time), deadline });
 *
 * 1. Read the poller state (`poll-state.ts`).
 * 2. If this scheduled time has not been polled yet, poll (`collectBatch`) and save the new batch as pending
 *    *before* writing it, so a crash or AMP outage cannot lose it. A run at or before the last one (a retry, or
 *    a late duplicate after a newer run) does not poll again: polling twice would produce different values for
 *    the same timestamps, or samples older than ones already written.
 * 3. Write every pending batch to AMP, oldest first, and save what was written.
 * 4. If AMP stays unavailable (a retryable error), fail the invocation (`PollWriteError`): the schedule's retry
 *    and dead-letter queue keep the event, and the batches stay pending for the retry or the next run.
 *    A batch AMP refuses for good (4xx other than 429) is dropped, counted and logged, so it cannot block the
 *    queue; so is a batch older than `maxBatchAgeMs`, which AMP would refuse as too old.
 *
 * Samples carry the run's *scheduled* time, not "now", so a retry re-sends identical samples (Prometheus and
 * AMP ignore an identical sample at an existing timestamp) and successive runs are evenly spaced.
 */
import { isBatchRefusal } from "../amp/errors";
import type { Logger } from "../log/logger";
import { DocumentConflictError, type DocumentStore } from "../state/document-store";
import type { WriteRequest } from "../remote-write/types";
import type { CallLedger } from "./call-ledger";
import type { SwitchBotClient } from "./client";
import type { FirstTimeFilter } from "./log-once";
import { collectBatch, type CollectSummary } from "./poll-batch";
import type { PollConfig } from "./poll-config";
import { emptyPollerState, parsePollerState, POLLER_DOCUMENT, type PollerState } from "./poll-state";

export interface BatchWriter {
  write(request: WriteRequest, options: { deadline: number }): Promise<unknown>;
}

export interface PollerDeps {
  store: DocumentStore;
  writer: BatchWriter;
  /** Whether a write error may succeed later (decided by the AMP client's typed error). */
  isRetryable: (error: unknown) => boolean;
  api: () => Promise<SwitchBotClient>;
  calls: CallLedger;
  config: PollConfig;
  log: Logger;
  /** One per container, so "log once" means once per cold start. */
  firstTime: FirstTimeFilter;
  now?: () => number;
}

export interface PollRun {
  /** The schedule's time for this run (epoch ms); every sample is stamped with it. */
  scheduledTime: number;
  /** Epoch ms by which the invocation must be done. */
  deadline: number;
}

export interface PollOutcome {
  scheduledTime: number;
  /** `polled`: a new batch was built; `flush_only`: this time was already polled (retry); `too_old`: not polled. */
  action: "polled" | "flush_only" | "too_old";
  summary?: CollectSummary;
  /** Scheduled times of the batches written to AMP by this invocation. */
  written: number[];
  /** Scheduled times of batches dropped for good by this invocation. */
  dropped: number[];
  /** Batches still waiting for AMP. */
  pending: number;
}

/**
 * Whether a failed AMP write keeps the batch pending. Only AMP's "never" answers (4xx about the data, 413 after
 * splitting) drop it; throttling, outages, timeouts and our own IAM/endpoint mistakes keep it until it ages out,
 * so fixing the configuration loses nothing. The error kinds come from amp/errors.ts.
 */
export function keepBatchOnWriteError(error: unknown): boolean {
  return !isBatchRefusal(error);
}

/** AMP could not take the batches now; they are kept. Failing the invocation makes the schedule retry it. */
export class PollWriteError extends Error {
  override readonly name = "PollWriteError";
}

export async function pollOnce(deps: PollerDeps, run: PollRun): Promise<PollOutcome> {
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ scheduledTime: new Date(run.scheduledTime).toISOString() });
  const loaded = await deps.store.read(POLLER_DOCUMENT);
  let state = loaded ? parsePollerState(loaded.value) : emptyPollerState();
  if (!state) {
    log.warn("poller state not recognised; starting afresh (energy counters restart at 0)");
    state = emptyPollerState();
  }
  let version = loaded?.version;

  let action: PollOutcome["action"];
  let summary: CollectSummary | undefined;
  if (state.lastRunTime !== undefined && run.scheduledTime <= state.lastRunTime) {
    action = "flush_only";
    log.info("scheduled time already polled (a retry, or superseded by a newer run); only writing pending batches", {
      lastRunTime: new Date(state.lastRunTime).toISOString(),
    });
  } else if (run.scheduledTime < now() - deps.config.maxBatchAgeMs) {
    action = "too_old";
    log.warn("scheduled time too old to write to AMP; not polled", { maxBatchAgeMs: deps.config.maxBatchAgeMs });
  } else {
    const collected = await collectBatch({ ...deps, now, log }, state, run);
    summary = collected.summary;
    state = collected.state;
    state.pending.push({ time: run.scheduledTime, request: collected.request });
    // Saved before writing: from here on the batch survives a crash, a timeout or an AMP outage.
    version = await deps.store.write(POLLER_DOCUMENT, state, version);
    action = "polled";
    const { plan, ...counts } = summary;
    log.info("poll run", { ...counts, spread: plan.spread, series: collected.request.timeseries.length });
  }

  const flushed = await flushPending(deps, state, run.deadline, now, log);
  if (flushed.written.length > 0 || flushed.dropped.length > 0) {
    state = await saveFlushed(deps.store, state, version, flushed);
  }
  const outcome: PollOutcome = {
    scheduledTime: run.scheduledTime,
    action,
    ...(summary ? { summary } : {}),
    written: flushed.written,
    dropped: flushed.dropped,
    pending: state.pending.length,
  };
  if (flushed.failure !== undefined) {
    throw new PollWriteError(
      `AMP write failed (retryable); ${state.pending.length} batch(es) kept for the retry: ${(flushed.failure as Error)?.message ?? flushed.failure}`,
      { cause: flushed.failure },
    );
  }
  return outcome;
}

interface Flushed {
  written: number[];
  dropped: number[];
  failure?: unknown;
}

async function flushPending(deps: PollerDeps, state: PollerState, deadline: number, now: () => number, log: Logger): Promise<Flushed> {
  const written: number[] = [];
  const dropped: number[] = [];
  for (const batch of [...state.pending].sort((a, b) => a.time - b.time)) {
    const batchLog = log.child({ batchTime: new Date(batch.time).toISOString() });
    if (batch.time < now() - deps.config.maxBatchAgeMs) {
      batchLog.error("pending batch too old for AMP; dropped", { series: batch.request.timeseries.length });
      dropped.push(batch.time);
      continue;
    }
    try {
      await deps.writer.write(batch.request, { deadline });
      written.push(batch.time);
    } catch (error) {
      if (deps.isRetryable(error)) {
        batchLog.warn("AMP write failed; batch kept", { error });
        return { written, dropped, failure: error };
      }
      batchLog.error("AMP refused the batch for good; dropped", { error, series: batch.request.timeseries.length });
      dropped.push(batch.time);
    }
  }
  return { written, dropped };
}

/** Remove written/dropped batches and save; on a concurrent change, re-read and apply the same removal. */
async function saveFlushed(store: DocumentStore, state: PollerState, version: string | undefined, flushed: Flushed): Promise<PollerState> {
  const done = new Set([...flushed.written, ...flushed.dropped]);
  const apply = (base: PollerState): PollerState => {
    const alreadyGone = flushed.dropped.filter((time) => !base.pending.some((batch) => batch.time === time)).length;
    return {
      ...base,
      pending: base.pending.filter((batch) => !done.has(batch.time)),
      counters: { ...base.counters, batchesDropped: base.counters.batchesDropped + flushed.dropped.length - alreadyGone },
    };
  };
  let next = apply(state);
  for (let attempt = 1; ; attempt++) {
    try {
      await store.write(POLLER_DOCUMENT, next, version);
      return next;
    } catch (error) {
      if (!(error instanceof DocumentConflictError) || attempt >= 3) throw error;
      const reloaded = await store.read(POLLER_DOCUMENT);
      const base = reloaded ? parsePollerState(reloaded.value) : undefined;
      if (!base) throw error;
      version = reloaded!.version;
      next = apply(base);
    }
  }
}
