/**
 * Read tokens: who may query, and which series they may see.
 *
 * Stored in the `read-tokens` SecureString (a parameter of its own, so an ingest token can never read and a read
 * token can never write) as a JSON array of hashes — see token-hash.ts:
 *
 *   [{ "name": "grafana-home", "sha256": "<64 hex>" },
 *    { "name": "smiths", "sha256": "<64 hex>", "matchers": "{household=\"smith\"}" }]
 *
 * `matchers` is a PromQL series selector without a metric name. When present, every query made with the token is
 * rewritten so that each series selector in it also carries these matchers (query/promql/enforce-matchers.ts), and
 * the metadata APIs only see matching series. The local stack stores `READ_TOKEN` (and `READ_TOKEN_MATCHERS`) as
 * a one-entry list of this same shape (local/stack.ts).
 */
import * as v from "valibot";
import { RequestError } from "../errors";
import type { LabelMatcher } from "../query/promql/label-matcher";
import { parsePromql } from "../query/promql/parse-promql";
import { printPromql } from "../query/promql/print-promql";
import { parseTokenParameter, TOKEN_NAME, TOKEN_SHA256, TokenConfigError } from "./token-parameter";

export interface ReadToken {
  name: string;
  sha256: string;
  /** Enforced on every query; empty for an unrestricted token. */
  matchers: LabelMatcher[];
}

const ReadTokenSchema = v.object({
  name: TOKEN_NAME,
  sha256: TOKEN_SHA256,
  matchers: v.optional(v.string()),
});

/** Parse the parameter's JSON. Errors name the entry and field, never a hash. */
export function parseReadTokens(json: string | undefined): ReadToken[] {
  return parseTokenParameter("read-tokens", json, ReadTokenSchema).map((entry, index) => ({
    name: entry.name,
    sha256: entry.sha256,
    matchers: parseTokenMatchers(entry.matchers, `read-tokens: entry ${index} ("${entry.name}") matchers`),
  }));
}

/**
 * `{household="smith", site=~"a|b"}` → matchers. The selector must not name a metric (that would be a query, not
 * a scope) and must contain a matcher that cannot match the empty string, so that it narrows on its own.
 */
export function parseTokenMatchers(selector: string | undefined, what: string): LabelMatcher[] {
  if (selector === undefined || selector.trim() === "") return [];
  let matchers: LabelMatcher[] = [];
  try {
    const parsed = parsePromql(selector, what);
    if (parsed.expr.name !== "VectorSelector") throw new TokenConfigError(`${what} must be a selector such as {household="smith"}`);
    printPromql(parsed, (s) => {
      if (s.metricName !== undefined) throw new TokenConfigError(`${what} must not name a metric; write {__name__=~"…"} to scope metric names`);
      matchers = s.matchers;
      return s;
    });
  } catch (error) {
    if (error instanceof RequestError) throw new TokenConfigError(error.message);
    throw error;
  }
  if (!matchers.some(narrows)) throw new TokenConfigError(`${what} needs at least one matcher that does not match the empty value`);
  return matchers;
}

function narrows(matcher: LabelMatcher): boolean {
  switch (matcher.op) {
    case "=":
      return matcher.value !== "";
    case "!=":
      return matcher.value === "";
    case "=~":
    case "!~": {
      let matchesEmpty: boolean;
      try {
        // Prometheus anchors label regexes: ^(?:re)$. JS regex syntax is close enough to RE2 for this check.
        matchesEmpty = new RegExp(`^(?:${matcher.value})$`).test("");
      } catch {
        throw new TokenConfigError(`matcher ${matcher.name}${matcher.op} has an invalid regular expression`);
      }
      return matcher.op === "=~" ? !matchesEmpty : matchesEmpty;
    }
  }
}
