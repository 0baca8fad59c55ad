/**
 * Tokens are stored as SHA-256 hashes: a stolen parameter value or log line cannot be replayed as a token.
 *
 * No salt or slow hash is needed because tokens are generated, not chosen: 32 random bytes (256 bits) make a
 * dictionary or brute-force search of the hash hopeless, and a fast hash keeps the per-request check cheap.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Lower-case hex SHA-256 of the token's UTF-8 bytes. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A new token: `ag_` + 43 base64url characters (32 random bytes). The prefix makes leaked tokens greppable. */
export function generateToken(): string {
  return `ag_${randomBytes(32).toString("base64url")}`;
}

/**
 * The record whose hash matches the presented token, in time independent of where (or whether) it matches:
 * every record is compared, with `timingSafeEqual` on equal-length digests.
 */
export function findByToken<T extends { sha256: string }>(records: readonly T[], presented: string): T | undefined {
  const digest = createHash("sha256").update(presented, "utf8").digest();
  let found: T | undefined;
  for (const record of records) {
    const stored = Buffer.from(record.sha256, "hex");
    if (stored.length === digest.length && timingSafeEqual(stored, digest) && found === undefined) found = record;
  }
  return found;
}
