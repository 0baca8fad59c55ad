/**
 * Per-token request rate limits (`maxRequestsPerMinute` on an ingest token): a token bucket per token name.
 *
 *   const limiter = createTokenBucketLimiter();                 // one per Lambda container
 *   const decision = limiter.take(token.name, token.maxRequestsPerMinute);
 *   if (!decision.allowed) → 429 with Retry-After: decision.retryAfterSeconds
 *
 * The bucket holds `perMinute` requests and refills continuously at `perMinute / 60` per second, so a sender may
 * burst up to a minute's allowance and then continues at the steady rate — what Telegraf's flush of a backlog and
 * a Prometheus queue catching up after an outage both look like.
 *
 * Scope (see docs/threat-model.md): the state lives in one Lambda container. API Gateway runs as many containers as
 * there are concurrent requests, so N busy containers admit up to N × the limit. This is a cheap first line against a
 * runaway or misconfigured sender — the common case is one sender at a time, which reaches a warm container — not a
 * global guarantee; API Gateway's stage/route throttling is the global limit. Only authenticated requests reach
 * here, so the number of buckets is bounded by the configured tokens.
 */

export type RateDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** Take one request from `key`'s bucket of `perMinute` requests per minute. */
  take(key: string, perMinute: number): RateDecision;
}

interface Bucket {
  perMinute: number;
  tokens: number;
  updatedAt: number;
}

export interface TokenBucketOptions {
  now?: () => number;
}

export function createTokenBucketLimiter(options: TokenBucketOptions = {}): RateLimiter {
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  return {
    take(key, perMinute) {
      const at = now();
      let bucket = buckets.get(key);
      // A changed limit (the token list was edited) starts a fresh, full bucket.
      if (!bucket || bucket.perMinute !== perMinute) {
        bucket = { perMinute, tokens: perMinute, updatedAt: at };
        buckets.set(key, bucket);
      }
      const perMs = perMinute / 60_000;
      bucket.tokens = Math.min(perMinute, bucket.tokens + Math.max(0, at - bucket.updatedAt) * perMs);
      bucket.updatedAt = Math.max(bucket.updatedAt, at); // a clock stepping back must not mint requests later
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, remaining: Math.floor(bucket.tokens) };
      }
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
    },
  };
}
