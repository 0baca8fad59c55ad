/** One label matcher of a PromQL series selector, and how we print selectors (canonically, from parts). */
import { isValidLabelName, isValidMetricName } from "../../remote-write/names";
import { encodeStringLiteral } from "./string-literal";

export type MatchOp = "=" | "!=" | "=~" | "!~";

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** A legacy name (remote-write/names.ts) as it is; anything else in Prometheus 3's quoted form `{"a.b"="c"}`. */
export function formatLabelName(name: string): string {
  return isValidLabelName(name) ? name : encodeStringLiteral(name);
}

function formatMatcher(matcher: LabelMatcher): string {
  return `${formatLabelName(matcher.name)}${matcher.op}${encodeStringLiteral(matcher.value)}`;
}

/** `metric{a="b", c=~"d"}`; a metric name that is not a legacy identifier goes inside the braces as `__name__`. */
export function formatSelector(metricName: string | undefined, matchers: readonly LabelMatcher[]): string {
  const all = metricName !== undefined && !isValidMetricName(metricName)
    ? [{ name: "__name__", op: "=" as const, value: metricName }, ...matchers]
    : matchers;
  const prefix = metricName !== undefined && isValidMetricName(metricName) ? metricName : "";
  if (prefix && all.length === 0) return prefix;
  return `${prefix}{${all.map(formatMatcher).join(", ")}}`;
}

/** A regex matcher value that matches exactly one of `values` (RE2 metacharacters escaped; matches are anchored). */
export const literalAlternation = (values: readonly string[]): string =>
  values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
