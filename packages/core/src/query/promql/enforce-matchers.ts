/**
 * Label enforcement, as prom-label-proxy does it: a read token's matchers are put into EVERY series selector of
 * a query — inside functions, aggregations, subqueries, both sides of `or`/`and`/`unless`, `on()`/`ignoring()`
 * matches, `label_replace` arguments, under `offset` and `@` — and into every `match[]` of the metadata APIs.
 *
 * Semantics (`mode: "enforce"`): a user matcher on an enforced label is dropped and the token's matcher takes its
 * place, so `{household="b"}` under a token for household "a" quietly reads household "a" (prom-label-proxy's
 * behaviour). `__name__` is the exception: a token restricting metric names is ANDed with the user's own name
 * matchers, because replacing them would widen `foo` to every allowed metric. Grafana ad-hoc filters use
 * `mode: "add"`: they only ever narrow.
 *
 * Matchers inside one selector are ANDed by Prometheus, so every selector of the output selects a subset of the
 * token's series whatever else it says. The output is printed from the syntax tree, then parsed again and
 * checked selector by selector; a mismatch is a bug and fails the request (500) instead of leaking.
 */
import { badData, internalError } from "../prometheus-errors";
import { formatSelector, type LabelMatcher } from "./label-matcher";
import { parsePromql } from "./parse-promql";
import { printPromql, type SeriesSelector } from "./print-promql";

export type InjectMode = "enforce" | "add";

function injectIntoSelector(selector: SeriesSelector, injected: readonly LabelMatcher[], mode: InjectMode): SeriesSelector {
  if (injected.length === 0) return selector;
  const replaced = mode === "enforce"
    ? new Set(injected.map((m) => m.name).filter((name) => name !== "__name__"))
    : new Set<string>();
  const kept = selector.matchers.filter((m) => !replaced.has(m.name));
  const extra = injected.filter((m) => !kept.some((k) => sameMatcher(k, m)));
  return { metricName: selector.metricName, matchers: [...kept, ...extra] };
}

const sameMatcher = (a: LabelMatcher, b: LabelMatcher) => a.name === b.name && a.op === b.op && a.value === b.value;

/** The query with `injected` in every selector; a query that does not parse is a 400 bad_data. */
export function injectIntoQuery(query: string, injected: readonly LabelMatcher[], mode: InjectMode = "enforce"): string {
  if (injected.length === 0) return query;
  const output = printPromql(parsePromql(query), (selector) => injectIntoSelector(selector, injected, mode));
  verify(output, injected, mode, "query");
  return output;
}

/**
 * One `match[]` series selector with `injected` added. Prometheus's `ParseMetricSelector` accepts only a plain
 * selector here, so anything else is refused before AMP sees it.
 */
export function injectIntoSeriesSelector(selector: string, injected: readonly LabelMatcher[], mode: InjectMode = "enforce"): string {
  const parsed = parsePromql(selector, "match[]");
  if (parsed.expr.name !== "VectorSelector") throw badData(`match[] must be a series selector such as {job="x"}, not ${JSON.stringify(selector.slice(0, 60))}`);
  if (injected.length === 0) return selector;
  const output = printPromql(parsed, (s) => injectIntoSelector(s, injected, mode));
  verify(output, injected, mode, "match[]");
  return output;
}

/**
 * The `match[]` list of a series/labels/label-values request under a token: each selector enforced, and one
 * added when the caller sent none (otherwise "all labels" would span every household).
 */
export function enforceMatchList(matches: readonly string[], enforced: readonly LabelMatcher[]): string[] {
  if (enforced.length === 0) return [...matches];
  if (matches.length === 0) return [formatSelector(undefined, enforced)];
  return matches.map((m) => injectIntoSeriesSelector(m, enforced, "enforce"));
}

/** Defence in depth: every selector of what we are about to send carries the injected matchers. */
function verify(output: string, injected: readonly LabelMatcher[], mode: InjectMode, what: string): void {
  const replacedNames = new Set(injected.map((m) => m.name).filter((name) => name !== "__name__"));
  printPromql(parsePromql(output, what), (selector) => {
    for (const required of injected) {
      if (!selector.matchers.some((m) => sameMatcher(m, required))) {
        throw internalError(`label enforcement check failed for ${what}; the query was not sent`);
      }
    }
    if (mode === "enforce") {
      const foreign = selector.matchers.filter((m) => replacedNames.has(m.name) && !injected.some((i) => sameMatcher(i, m)));
      if (foreign.length > 0) throw internalError(`label enforcement check failed for ${what}; the query was not sent`);
    }
    return selector;
  });
}
