/**
 * Grafana ad-hoc filters → label matchers that narrow every selector of a query (mode "add").
 *
 * simPod renamed `adhocFilters` to `filters` in v0.6.4 (PR #590, reference §2.2); both are read. Grafana's
 * multi-value operators `=|` / `!=|` (with a `values` array) become an anchored alternation of literals.
 */
import { badData } from "../prometheus-errors";
import { literalAlternation, type LabelMatcher, type MatchOp } from "../promql/label-matcher";

export interface AdhocFilter {
  key?: unknown;
  operator?: unknown;
  value?: unknown;
  values?: unknown;
}

const SINGLE: Record<string, MatchOp> = { "=": "=", "!=": "!=", "=~": "=~", "!~": "!~" };
const MULTI: Record<string, MatchOp> = { "=|": "=~", "!=|": "!~" };

export function filtersOf(body: { filters?: unknown; adhocFilters?: unknown }): AdhocFilter[] {
  const list = Array.isArray(body.filters) ? body.filters : Array.isArray(body.adhocFilters) ? body.adhocFilters : [];
  return list.filter((f): f is AdhocFilter => typeof f === "object" && f !== null);
}

export function filterMatchers(filters: readonly AdhocFilter[]): LabelMatcher[] {
  return filters.map((filter) => {
    const key = typeof filter.key === "string" ? filter.key : "";
    const operator = typeof filter.operator === "string" ? filter.operator : "=";
    if (!key) throw badData("ad-hoc filter without a key");
    const single = SINGLE[operator];
    if (single) return { name: key, op: single, value: String(filter.value ?? "") };
    const multi = MULTI[operator];
    if (multi) {
      const values = Array.isArray(filter.values) ? filter.values.map(String) : [String(filter.value ?? "")];
      return { name: key, op: multi, value: literalAlternation(values) };
    }
    throw badData(`ad-hoc filter operator ${JSON.stringify(operator)} on "${key}" is not supported; use =, !=, =~, !~, =| or !=|`);
  });
}
