/**
 * Whether, and when, to try AMP again — decided here and nowhere else (`decideRetry`).
 *
 * Rules (remote-write spec 1.0 and reference §1.8, §3.3):
 * - retry 5xx, 429, network errors and timeouts; never any other 4xx (a 413 is split by the writer instead);
 * - wait with capped exponential backoff and *full jitter*: delay = random(0, min(cap, base·2^(n-1))).
 *   Full jitter rather than equal or decorrelated jitter because it spreads competing clients the most for the
 *   fewest total calls (Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015) and needs no
 *   state between attempts; several Lambda instances hitting the same throttled workspace is our contention case;
 * - AMP's `Retry-After` (seconds or HTTP-date) replaces the computed delay, as Prometheus does;
 * - never sleep past the caller's deadline: stop as soon as the delay plus the smallest useful attempt plus the
 *   time needed to answer our own client no longer fits, so the client gets a 429/503 rather than a Lambda timeout.
 */
import type { AmpWriteError, AmpWriteErrorKind } from "./errors";

export interface RetryPolicy {
  /** First backoff ceiling. */
  baseDelayMs: number;
  /** Backoff cap (Prometheus' own max_backoff is 5 s). */
  maxDelayMs: number;
  /** Attempts per part, the first included. */
  maxAttempts: number;
  /** An attempt with less time than this is not worth starting. */
  minAttemptMs: number;
  /** Kept free before the deadline to answer our own client. */
  responseMarginMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  maxAttempts: 6,
  minAttemptMs: 1_000,
  responseMarginMs: 500,
};

const RETRYABLE: Readonly<Record<AmpWriteErrorKind, boolean>> = {
  throttled: true,
  server: true,
  network: true,
  timeout: true,
  rejected: false,
  too_large: false,
  auth: false,
  configuration: false,
  deadline: false,
};

export type RetryDecision =
  | { retry: true; delayMs: number; honouredRetryAfter: boolean }
  | { retry: false; stoppedBy: "not_retryable" | "attempts" | "deadline" };

export interface RetryContext {
  /** Attempts made so far for this part (≥ 1). */
  attempts: number;
  nowMs: number;
  deadlineMs: number;
  /** Uniform in [0, 1). */
  random: () => number;
}

export function decideRetry(error: AmpWriteError, context: RetryContext, policy: RetryPolicy = DEFAULT_RETRY_POLICY): RetryDecision {
  if (!RETRYABLE[error.kind]) return { retry: false, stoppedBy: "not_retryable" };
  if (context.attempts >= policy.maxAttempts) return { retry: false, stoppedBy: "attempts" };
  const retryAfterMs = error.details.retryAfterMs;
  const delayMs = retryAfterMs ?? fullJitterBackoff(context.attempts, policy, context.random);
  if (context.nowMs + delayMs + policy.minAttemptMs + policy.responseMarginMs > context.deadlineMs) {
    return { retry: false, stoppedBy: "deadline" };
  }
  return { retry: true, delayMs, honouredRetryAfter: retryAfterMs !== undefined };
}

/** Delay before attempt `attempts + 1`: uniform in [0, min(cap, base·2^(attempts-1))). */
export function fullJitterBackoff(attempts: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.floor(random() * ceiling);
}

/**
 * How long one attempt may take: the configured per-attempt timeout, shortened so that the attempt ends before
 * the deadline minus the response margin. `undefined` when not even `minAttemptMs` is left.
 */
export function attemptTimeout(nowMs: number, deadlineMs: number, attemptTimeoutMs: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number | undefined {
  const available = deadlineMs - policy.responseMarginMs - nowMs;
  return available < policy.minAttemptMs ? undefined : Math.min(attemptTimeoutMs, available);
}

/**
 * `Retry-After` as milliseconds from now: integer seconds or an HTTP-date (RFC 9110 §10.2.3). A date in the past
 * means "now" (0); anything unparseable is ignored, as Prometheus does.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
