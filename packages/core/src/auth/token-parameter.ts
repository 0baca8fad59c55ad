/**
 * The shared reading of a token parameter (`ingest-tokens`, `read-tokens`): a JSON array validated entry by
 * entry, names unique. Errors name the parameter, the entry and the field — never a value, which may be a hash.
 */
import * as v from "valibot";

export class TokenConfigError extends Error {
  override readonly name = "TokenConfigError";
}

/** Fields every token entry has: a human name (logged, never secret) and the token's SHA-256 (token-hash.ts). */
export const TOKEN_NAME = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "name must be 1-63 of A-Z a-z 0-9 . _ -"));
export const TOKEN_SHA256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "sha256 must be 64 lower-case hex characters"));

export function parseTokenParameter<TSchema extends v.GenericSchema<unknown, { name: string }>>(
  parameter: string,
  json: string | undefined,
  entry: TSchema,
): Array<v.InferOutput<TSchema>> {
  if (json === undefined || json.trim() === "") return [];
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new TokenConfigError(`${parameter} is not valid JSON`);
  }
  const result = v.safeParse(v.array(entry), raw);
  if (!result.success) {
    const issue = result.issues[0];
    throw new TokenConfigError(`${parameter}: entry ${v.getDotPath(issue) ?? ""}: ${issue.message}`);
  }
  const names = new Set<string>();
  for (const { name } of result.output) {
    if (names.has(name)) throw new TokenConfigError(`${parameter}: duplicate name "${name}"`);
    names.add(name);
  }
  return result.output;
}
