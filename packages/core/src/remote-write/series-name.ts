/**
 * A series as a person reads it in an error message: `metric{a="b",c="d"}`, PromQL-style, cut to a length a
 * log line and a Telegraf error log (first line, ≤ 1024 bytes, reference §5.3) can hold. Names that break the
 * naming rules are quoted the way Prometheus 3 writes UTF-8 names (`{"odd name"="x"}`), so an invalid name can
 * never break the line or be mistaken for valid syntax.
 */
import { visibleOnOneLine } from "../errors";
import { isValidLabelName, isValidMetricName, METRIC_NAME_LABEL } from "./names";
import type { Label } from "./types";

const DEFAULT_MAX_LENGTH = 200;

/**
 * Escapes as the Prometheus text format does (backslash, quote, newline), and every other control character too
 * (`\r` would otherwise end the line of an error message a sender logs), so the text stays on one visible line.
 */
function quote(text: string): string {
  return `"${visibleOnOneLine(text.replace(/[\\"]/g, "\\$&"))}"`;
}

export function formatSeries(labels: readonly Label[], maxLength = DEFAULT_MAX_LENGTH): string {
  const name = labels.find((label) => label.name === METRIC_NAME_LABEL)?.value ?? "";
  const pairs: string[] = [];
  if (name !== "" && !isValidMetricName(name)) pairs.push(quote(name));
  for (const label of labels) {
    if (label.name === METRIC_NAME_LABEL) continue;
    pairs.push(`${isValidLabelName(label.name) ? label.name : quote(label.name)}=${quote(label.value)}`);
  }
  const text = `${isValidMetricName(name) ? name : ""}{${pairs.join(",")}}`;
  if (text.length <= maxLength) return text;
  return `${text.slice(0, Math.max(0, maxLength - 2))}…}`;
}
