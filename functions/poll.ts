/**
 * Poll Lambda: run by the schedule; polls the SwitchBot Cloud API and writes one batch to AMP (core: pollOnce).
 *
 * The event carries the run's scheduled time, which stamps every sample and makes a retry of the same run
 * idempotent. Either shape works:
 * - EventBridge Scheduler with input `{"scheduledTime": "<aws.scheduler.scheduled-time>"}`;
 * - an EventBridge rule's `Scheduled Event`, whose `time` is the scheduled time.
 * When AMP stays unavailable the handler throws, so the invocation fails and the schedule's retry policy and
 * dead-letter queue keep the event; the batch itself waits in the state document (see core poll-state.ts).
 *
 * Environment: see core switchbot/poll-config.ts (POLL_INTERVAL_SECONDS, SWITCHBOT_*), core
 * state/document-store-from-env.ts (SWITCHBOT_STATE_BUCKET / _PREFIX / _DIR) and lib/deps.ts (AMP, secrets).
 */
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { createAmpWriter, type AmpWriter } from "@ampgate/core/amp/remote-write-client";
import { createLogger } from "@ampgate/core/log/logger";
import { documentStoreFromEnv } from "@ampgate/core/state/document-store-from-env";
import { createCallLedger } from "@ampgate/core/switchbot/call-ledger";
import { switchBotClientFromSecrets } from "@ampgate/core/switchbot/client-from-secrets";
import { createFirstTimeFilter } from "@ampgate/core/switchbot/log-once";
import { pollConfigFromEnv } from "@ampgate/core/switchbot/poll-config";
import { keepBatchOnWriteError, pollOnce, type PollerDeps, type PollOutcome } from "@ampgate/core/switchbot/poller";
import { ampHttpClient, secrets } from "./lib/deps";
import { selfMetrics } from "./lib/self-metrics";

export interface PollEvent {
  /** EventBridge Scheduler input template `<aws.scheduler.scheduled-time>` (ISO 8601). */
  scheduledTime?: string;
  /** EventBridge rule `Scheduled Event`. */
  time?: string;
  /** Scheduler's `<aws.scheduler.execution-id>` and `<aws.scheduler.attempt-number>`, for the logs. */
  executionId?: string;
  attempt?: string | number;
}

/** Kept back from the Lambda timeout to log and return. */
const EXIT_MARGIN_MS = 1_000;

const log = createLogger({ fields: { fn: "poll" } });
// Module scope = one per container: "log once" means once per cold start, and calls recorded by a failed run
// are counted by the next one.
const firstTime = createFirstTimeFilter();
const calls = createCallLedger();
/** The poller's dependencies, and its AMP writer (each invocation passes it its request id). */
let built: { deps: PollerDeps; ampWriter: AmpWriter } | undefined;

function pollerDeps(): { deps: PollerDeps; ampWriter: AmpWriter } {
  if (built) return built;
  const config = pollConfigFromEnv(process.env);
  const ampWriter = createAmpWriter({ client: ampHttpClient(), log, onSettled: selfMetrics("poll").observeAmpWrite });
  const deps: PollerDeps = {
    config,
    store: documentStoreFromEnv(process.env),
    writer: ampWriter,
    isRetryable: keepBatchOnWriteError,
    api: switchBotClientFromSecrets(secrets(["switchbot-token", "switchbot-secret"]), {
      ...(config.apiUrl ? { baseUrl: config.apiUrl } : {}),
      timeoutMs: config.timeoutMs,
      onCall: calls.record,
    }),
    calls,
    log,
    firstTime,
  };
  built = { deps, ampWriter };
  return built;
}

/** The run's scheduled time in epoch ms; the invocation time when the event carries none (a manual test invoke). */
export function scheduledTimeOf(event: PollEvent | undefined, now: number): number {
  const raw = event?.scheduledTime ?? event?.time;
  const parsed = raw === undefined ? Number.NaN : Date.parse(raw);
  if (Number.isFinite(parsed)) return parsed;
  log.warn("poll event has no scheduled time; using the invocation time", { event: raw ?? null });
  return now;
}

export const handler = middy<PollEvent, PollOutcome, Error, Context>().handler(async (event, context) => {
  const now = Date.now();
  const { deps: base, ampWriter } = pollerDeps();
  const requestId = context.awsRequestId;
  const invocationLog = log.child({ requestId, executionId: event?.executionId, attempt: event?.attempt });
  const scheduledTime = scheduledTimeOf(event, now);
  const deadline = now + context.getRemainingTimeInMillis() - EXIT_MARGIN_MS;
  // The invocation's one request line (docs/logs.md), whatever the outcome; then self-metrics, when due.
  const line = { scheduledTime: new Date(scheduledTime).toISOString() };
  try {
    const outcome = await pollOnce(
      { ...base, log: invocationLog, writer: { write: (batch, options) => ampWriter.write(batch, { ...options, requestId }) } },
      { scheduledTime, deadline },
    );
    const { action, written, dropped, pending } = outcome;
    invocationLog.info("poll", { ...line, outcome: "ok", action, written: written.length, dropped: dropped.length, pending, durationMs: Date.now() - now });
    return outcome;
  } catch (error) {
    invocationLog.error("poll", { ...line, outcome: "failed", error: error instanceof Error ? error.message : String(error), durationMs: Date.now() - now });
    throw error;
  } finally {
    await selfMetrics("poll").flushIfDue({ deadline, requestId });
  }
});

/** Forget built dependencies (tests that change the environment between cases). */
export function resetPollDependencies(): void {
  built = undefined;
}
