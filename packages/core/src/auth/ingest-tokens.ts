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
import { isReservedLabelName, isValidLabelName, LABEL_NAME_RULE } from "../remote-write/names";
import { parseTokenParameter, TOKEN_NAME, TOKEN_SHA256 } from "./token-parameter";

export { TokenConfigError } from "./token-parameter";

const IngestTokenSchema = v.object({
  name: TOKEN_NAME,
  sha256: TOKEN_SHA256,
  labels: v.optional(
    v.record(
      v.pipe(v.string(), v.check(isValidLabelName, `label names must match ${LABEL_NAME_RULE}`),
        v.check((name) => !isReservedLabelName(name), "label names starting with __ are reserved")),
      v.pipe(v.string(), v.minLength(1, "label values must not be empty")),
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

/** Parse the parameter's JSON. Errors name the entry and field, never a value. */
export function parseIngestTokens(json: string | undefined): IngestToken[] {
  return parseTokenParameter("ingest-tokens", json, IngestTokenSchema).map((entry) => ({
    ...entry,
    labels: entry.labels ?? { source: entry.name },
  }));
}
