/**
 * A short memory of the parts AMP has already accepted, by content hash, so that a sender's retry does not make
 * this writer send AMP the same bytes twice.
 *
 * Why: a batch split into parts is acknowledged only when every part was accepted. If part 1 was stored and
 * part 2 failed, the sender retries the whole batch. Resending part 1 is harmless when each of its series'
 * samples is identical to what AMP holds *and* within AMP's out-of-order window (60 s by default, reference
 * §4.4) of the newest stored sample: Prometheus' TSDB, on which AMP's ingesters are built, drops identical
 * duplicates silently (`duplicate sample for timestamp` only when the value differs). But a part whose series
 * carry several samples spanning more than the window — a Telegraf or agent queue replayed after an outage —
 * would come back as `400 out of order sample`, and that 400 would make the sender drop part 2 as well.
 * Skipping parts we know were accepted avoids that whenever the retry reaches the same warm Lambda instance,
 * which for a small fleet is the common case. It is a best-effort optimisation, not a guarantee: a retry on a
 * fresh instance resends, with the behaviour above.
 */
import { createHash } from "node:crypto";

export interface AcceptedPartsMemory {
  has(digest: string): boolean;
  remember(digest: string): void;
}

export interface AcceptedPartsOptions {
  /** How long a part is remembered; senders retry within minutes. */
  ttlMs?: number;
  /** Bound on memory: 32-byte hex keys, so 1024 entries are about 100 KB. */
  maxEntries?: number;
  now?: () => number;
}

export function partDigest(encoded: Uint8Array): string {
  return createHash("sha256").update(encoded).digest("hex");
}

export function createAcceptedPartsMemory(options: AcceptedPartsOptions = {}): AcceptedPartsMemory {
  const ttlMs = options.ttlMs ?? 15 * 60_000;
  const maxEntries = options.maxEntries ?? 1024;
  const now = options.now ?? Date.now;
  // Map iteration order is insertion order: the first entry is always the oldest.
  const expiries = new Map<string, number>();
  const evictExpired = (at: number) => {
    for (const [digest, expiry] of expiries) {
      if (expiry > at) break;
      expiries.delete(digest);
    }
  };
  return {
    has(digest) {
      evictExpired(now());
      return expiries.has(digest);
    },
    remember(digest) {
      const at = now();
      evictExpired(at);
      expiries.delete(digest);
      expiries.set(digest, at + ttlMs);
      while (expiries.size > maxEntries) expiries.delete(expiries.keys().next().value!);
    },
  };
}
