/**
 * Telegraf's Prometheus naming rules, so a Telegraf user who switches `data_format` from `prometheusremotewrite`
 * to `influx` (or who posts line protocol from a script) gets byte-identical series names.
 *
 * Mirrors `SanitizeMetricName` / `SanitizeLabelName` and `MetricName` in Telegraf's
 * plugins/serializers/prometheus/convert.go (reference §5.1): a name already valid under Prometheus' legacy
 * rules passes unchanged; otherwise an invalid *first* character is dropped (not replaced), every other invalid
 * character becomes one `_`, and leading/trailing `_` are trimmed. An empty result means "no name": Telegraf
 * skips that field or tag.
 *
 * Quirk kept on purpose: the first-character test runs before trimming, so `_1x` becomes `1x` — invalid, exactly
 * as in Telegraf. Callers check the result with `isValidMetricName`.
 */
import { isValidLabelName, isValidMetricName } from "../remote-write/names";

interface CharTable {
  first: RegExp;
  rest: RegExp;
}

const METRIC_CHARS: CharTable = { first: /^[a-zA-Z_:]$/, rest: /^[a-zA-Z0-9_:]$/ };
const LABEL_CHARS: CharTable = { first: /^[a-zA-Z_]$/, rest: /^[a-zA-Z0-9_]$/ };

function sanitize(name: string, table: CharTable): string | undefined {
  let out = "";
  let first = true;
  // for…of walks code points, as Go's `range` over a string walks runes.
  for (const char of name) {
    if (first) {
      if (table.first.test(char)) out += char;
      first = false;
    } else out += table.rest.test(char) ? char : "_";
  }
  const trimmed = out.replace(/^_+|_+$/g, "");
  return trimmed === "" ? undefined : trimmed;
}

export function sanitizeMetricName(name: string): string | undefined {
  return isValidMetricName(name) ? name : sanitize(name, METRIC_CHARS);
}

export function sanitizeLabelName(name: string): string | undefined {
  return isValidLabelName(name) ? name : sanitize(name, LABEL_CHARS);
}

/** `<measurement>_<field>`, or just `<field>` for Telegraf's `prometheus` measurement (inputs.prometheus v2). */
export function telegrafMetricName(measurement: string, fieldKey: string): string {
  return measurement === "prometheus" ? fieldKey : `${measurement}_${fieldKey}`;
}
