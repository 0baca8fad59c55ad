import { describe, expect, it } from "vitest";
import { AmpWriteError, type AmpWriteErrorKind } from "../../src/amp/errors";
import { DEFAULT_RETRY_POLICY, attemptTimeout, decideRetry, fullJitterBackoff, parseRetryAfter } from "../../src/amp/retry-policy";

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const LONG_DEADLINE = NOW + 60_000;
const error = (kind: AmpWriteErrorKind, details = {}) => new AmpWriteError(kind, kind, details);
const context = (attempts: number, overrides: Partial<{ nowMs: number; deadlineMs: number; random: () => number }> = {}) => ({
  attempts,
  nowMs: NOW,
  deadlineMs: LONG_DEADLINE,
  random: () => 0.5,
  ...overrides,
});

describe("decideRetry", () => {
  it.each<AmpWriteErrorKind>(["throttled", "server", "network", "timeout"])("retries %s", (kind) => {
    expect(decideRetry(error(kind), context(1))).toMatchObject({ retry: true });
  });

  it.each<AmpWriteErrorKind>(["rejected", "too_large", "auth", "configuration", "deadline"])("never retries %s", (kind) => {
    expect(decideRetry(error(kind), context(1))).toEqual({ retry: false, stoppedBy: "not_retryable" });
  });

  it("uses full jitter under an exponentially growing, capped ceiling", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    const ceilings = [1, 2, 3, 4, 5, 6].map((attempts) => fullJitterBackoff(attempts, policy, () => 0.999_999));
    expect(ceilings).toEqual([99, 199, 399, 799, 999, 999]);
    expect(fullJitterBackoff(3, policy, () => 0)).toBe(0);
    const decision = decideRetry(error("server"), context(2, { random: () => 0.25 }), policy);
    expect(decision).toEqual({ retry: true, delayMs: 50, honouredRetryAfter: false });
  });

  it("lets Retry-After replace the computed delay", () => {
    expect(decideRetry(error("throttled", { retryAfterMs: 7_000 }), context(1))).toEqual({ retry: true, delayMs: 7_000, honouredRetryAfter: true });
  });

  it("stops after maxAttempts", () => {
    expect(decideRetry(error("server"), context(DEFAULT_RETRY_POLICY.maxAttempts))).toEqual({ retry: false, stoppedBy: "attempts" });
  });

  it("stops when the delay plus a minimal attempt plus the response margin would pass the deadline", () => {
    const { minAttemptMs, responseMarginMs } = DEFAULT_RETRY_POLICY;
    const fits = NOW + 2_000 + minAttemptMs + responseMarginMs;
    const retryAfter2s = error("throttled", { retryAfterMs: 2_000 });
    expect(decideRetry(retryAfter2s, context(1, { deadlineMs: fits }))).toMatchObject({ retry: true, delayMs: 2_000 });
    expect(decideRetry(retryAfter2s, context(1, { deadlineMs: fits - 1 }))).toEqual({ retry: false, stoppedBy: "deadline" });
    // A Retry-After far beyond the deadline ends retrying at once (the sender is told to come back later).
    expect(decideRetry(error("throttled", { retryAfterMs: 3_600_000 }), context(1))).toEqual({ retry: false, stoppedBy: "deadline" });
  });
});

describe("attemptTimeout", () => {
  it("is the configured timeout while there is time", () => {
    expect(attemptTimeout(NOW, LONG_DEADLINE, 10_000)).toBe(10_000);
  });
  it("shrinks so the attempt ends before the deadline minus the response margin", () => {
    expect(attemptTimeout(NOW, NOW + 4_000, 10_000)).toBe(4_000 - DEFAULT_RETRY_POLICY.responseMarginMs);
  });
  it("is undefined when not even a minimal attempt fits", () => {
    expect(attemptTimeout(NOW, NOW + DEFAULT_RETRY_POLICY.responseMarginMs + DEFAULT_RETRY_POLICY.minAttemptMs - 1, 10_000)).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("3", NOW)).toBe(3_000);
    expect(parseRetryAfter(" 0 ", NOW)).toBe(0);
  });
  it("reads an HTTP-date relative to now", () => {
    expect(parseRetryAfter(new Date(NOW + 5_000).toUTCString(), NOW)).toBe(5_000);
    expect(parseRetryAfter("Thu, 15 Jan 2026 12:00:30 GMT", NOW)).toBe(30_000);
  });
  it("treats a past date as now", () => {
    expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0);
  });
  it.each([undefined, "", "soon", "-5", "1.5", "12abc"])("ignores %s", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});
