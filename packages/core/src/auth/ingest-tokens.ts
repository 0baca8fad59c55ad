/**
 * Ingest tokens: who may push, and the labels stamped on everything they push.
 *
 * Stored in the `ingest-tokens` SecureString as a JSON array (hashes only — see token-hash.ts):
 *
 *   [{ "name": "pi-livingroom", "sha256": "<64 hex>", "labels": { "source": "pi-livingroom" } }]
 *
 * `labels` defaults to `{ "source": <name> }`, so by default every series says who sent it and a pusher cannot
 * write under another's name (the stamp overrides whatever the sender put in those labels).
 * Optional per-token limits (`maxBodyBytes`, `maxRequestsPerMinute`) tighten the global ones.
 */
import * as v from "valibot";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const IngestTokenSchema = v.object({
  name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "name must be 1-63 of A-Z a-z 0-9 . _ -")),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lower-case hex characters")),
  labels: v.optional(
    v.pipe(
      v.record(
        v.pipe(v.string(), v.regex(LABEL_NAME, "label names must match [a-zA-Z_][a-zA-Z0-9_]*"),
          v.check((name) => !name.startsWith("__"), "label names starting with __ are reserved")),
        v.pipe(v.string(), v.minLength(1, "label values must not be empty")),
      ),
    ),
  ),
  maxBodyBytes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  maxRequestsPerMinute: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

export interface IngestToken {
  name: string;
  sha256: string;
  labels: Record<string, string>;
  maxBodyBytes?: number;
  maxRequestsPerMinute?: number;
}

export class TokenConfigError extends Error {
  override readonly name = "TokenConfigError";
}

/** Parse the parameter's JSON. Errors name the entry and field, never a value. */
export function parseIngestTokens(json: string | undefined): IngestToken[] {
  if (json === undefined || json.trim() === "") return [];
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new TokenConfigError("ingest-tokens is not valid JSON");
  }
  const result = v.safeParse(v.array(IngestTokenSchema), raw);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => p.key).join(".") ?? "";
    throw new TokenConfigError(`ingest-tokens: entry ${path}: ${issue.message}`);
  }
  const names = new Set<string>();
  return result.output.map((entry) => {
    if (names.has(entry.name)) throw new TokenConfigError(`ingest-tokens: duplicate name "${entry.name}"`);
    names.add(entry.name);
    return { ...entry, labels: entry.labels ?? { source: entry.name } };
  });
}
