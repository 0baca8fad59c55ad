import { describe, expect, it } from "vitest";
import { createTokenBucketLimiter } from "../../src/auth/rate-limit";

function limiterAt(start = 1_000_000) {
  const clock = { now: start };
  return { clock, limiter: createTokenBucketLimiter({ now: () => clock.now }) };
}

describe("per-token token bucket", () => {
  it("admits a minute's allowance at once, then refuses with the wait until the next request is due", () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 6; i++) expect(limiter.take("pi", 6)).toMatchObject({ allowed: true });
    // 6 per minute refill one every 10 s.
    expect(limiter.take("pi", 6)).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it("refills continuously: after the advertised Retry-After exactly one more request is admitted", () => {
    const { clock, limiter } = limiterAt();
    for (let i = 0; i < 6; i++) limiter.take("pi", 6);
    const refused = limiter.take("pi", 6);
    if (refused.allowed) throw new Error("expected a refusal");
    clock.now += refused.retryAfterSeconds * 1000 - 1;
    expect(limiter.take("pi", 6).allowed).toBe(false);
    clock.now += 1;
    expect(limiter.take("pi", 6).allowed).toBe(true);
    expect(limiter.take("pi", 6).allowed).toBe(false);
  });

  it("never holds more than the allowance, however long the token was idle", () => {
    const { clock, limiter } = limiterAt();
    limiter.take("pi", 3);
    clock.now += 24 * 3600_000;
    const admitted = Array.from({ length: 10 }, () => limiter.take("pi", 3).allowed).filter(Boolean).length;
    expect(admitted).toBe(3);
  });

  it("keeps a bucket per token: one sender's burst does not limit another", () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 2; i++) limiter.take("noisy", 2);
    expect(limiter.take("noisy", 2).allowed).toBe(false);
    expect(limiter.take("quiet", 2).allowed).toBe(true);
  });

  it("a changed limit (token list edited) starts a fresh bucket with the new allowance", () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 2; i++) limiter.take("pi", 2);
    expect(limiter.take("pi", 2).allowed).toBe(false);
    expect(limiter.take("pi", 5)).toEqual({ allowed: true, remaining: 4 });
  });

  it("a clock that steps backwards does not mint requests", () => {
    const { clock, limiter } = limiterAt();
    limiter.take("pi", 1);
    clock.now -= 60_000;
    expect(limiter.take("pi", 1).allowed).toBe(false);
  });

  it("Retry-After is at least 1 s even for high limits", () => {
    const { limiter } = limiterAt();
    for (let i = 0; i < 6000; i++) limiter.take("fast", 6000);
    expect(limiter.take("fast", 6000)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });
});

describe("clock steps", () => {
  it("a clock that steps back and forward again refills only for time that really passed", () => {
    const { clock, limiter } = limiterAt();
    limiter.take("pi", 1);
    clock.now -= 60_000;
    limiter.take("pi", 1);
    clock.now += 60_000 + 30_000; // 30 s after the first request: half a token
    expect(limiter.take("pi", 1).allowed).toBe(false);
  });
});
