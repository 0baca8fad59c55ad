/**
 * The shared reading of a token parameter (`ingest-tokens`, `read-tokens`): a JSON array validated entry by
 * entry, names unique. Errors name the parameter, the entry and the field — never a value, which may be a hash.
 */
import * as v from "valibot";
import { TokenConfigError } from "./ingest-tokens";

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
    const path = issue.path?.map((p) => p.key).join(".") ?? "";
    throw new TokenConfigError(`${parameter}: entry ${path}: ${issue.message}`);
  }
  const names = new Set<string>();
  for (const { name } of result.output) {
    if (names.has(name)) throw new TokenConfigError(`${parameter}: duplicate name "${name}"`);
    names.add(name);
  }
  return result.output;
}
