/** One label matcher of a PromQL series selector, and how we print selectors (canonically, from parts). */
import { encodeStringLiteral } from "./string-literal";

export type MatchOp = "=" | "!=" | "=~" | "!~";

export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

export const MATCH_OPS: readonly MatchOp[] = ["=", "!=", "=~", "!~"];

/** Names that need no quoting; anything else is printed in Prometheus 3's quoted form `{"a.b"="c"}`. */
export const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function formatLabelName(name: string): string {
  return LEGACY_LABEL_NAME.test(name) ? name : encodeStringLiteral(name);
}

export function formatMatcher(matcher: LabelMatcher): string {
  return `${formatLabelName(matcher.name)}${matcher.op}${encodeStringLiteral(matcher.value)}`;
}

/** `metric{a="b", c=~"d"}`; a metric name that is not a legacy identifier goes inside the braces as `__name__`. */
export function formatSelector(metricName: string | undefined, matchers: readonly LabelMatcher[]): string {
  const all = metricName !== undefined && !LEGACY_METRIC_NAME.test(metricName)
    ? [{ name: "__name__", op: "=" as const, value: metricName }, ...matchers]
    : matchers;
  const prefix = metricName !== undefined && LEGACY_METRIC_NAME.test(metricName) ? metricName : "";
  if (prefix && all.length === 0) return prefix;
  return `${prefix}{${all.map(formatMatcher).join(", ")}}`;
}

/** A literal inside a regex matcher: RE2 metacharacters escaped (label values are matched fully anchored). */
export const escapeRegexLiteral = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
