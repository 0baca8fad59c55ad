/**
 * Parsed line-protocol points → remote-write series, following Telegraf's `prometheusremotewrite` serializer
 * (reference §5.1, Telegraf plugins/serializers/prometheusremotewrite) so that switching Telegraf from
 * `data_format = "prometheusremotewrite"` to `"influx"` yields the same series:
 *
 * - one series per numeric field, named `<measurement>_<field>` (just `<field>` for measurement `prometheus`),
 *   sanitised with Telegraf's rules; tags become labels (sanitised names; empty values dropped);
 * - integers and unsigned integers become floats, booleans 1/0;
 * - string fields are dropped (Telegraf's default) or, with `stringFields: "label"`, become labels
 *   (`prometheus_string_as_label = true`), where a tag of the same name wins;
 * - timestamps are truncated to milliseconds; a line without one gets the request time.
 *
 * Line protocol carries no metric type, so every point is what Telegraf calls "untyped": a Telegraf histogram or
 * summary arrives as its `_bucket`/`_sum`/`_count`/quantile fields with `le`/`quantile` as ordinary tags, which
 * is the same series Prometheus would scrape.
 *
 * Where Telegraf skips a field silently (a name that sanitises to nothing), we reject the line's field with a
 * message instead, so the sender learns about it.
 */
import type { Label } from "../../remote-write/types";
import { SeriesBuilder } from "../series-builder";
import { isValidMetricName } from "../../remote-write/names";
import { sanitizeLabelName, sanitizeMetricName, telegrafMetricName } from "../telegraf-names";
import type { FieldValue, LineError, LinePoint } from "./line-protocol";
import { defaultTimestampMillis, timestampToMillis, type Precision } from "./precision";
import type { WriteRequest } from "../../remote-write/types";

export type StringFieldMode = "drop" | "label";

export interface LineConversionOptions {
  precision: Precision;
  /** Request arrival time, epoch ms. */
  nowMs: number;
  stringFields: StringFieldMode;
}

export interface ConvertedLines {
  writeRequest: WriteRequest;
  rejected: LineError[];
}

function numericValue(value: FieldValue): number | undefined {
  switch (value.type) {
    case "float":
      return value.value;
    case "integer":
    case "unsigned":
      // Number(bigint) rounds to the nearest float64, as Go's float64(int64) does.
      return Number(value.value);
    case "boolean":
      return value.value ? 1 : 0;
    case "string":
      return undefined;
  }
}

/** Tags (and, if configured, string fields) as labels, in Telegraf's precedence; throws on a name collision. */
function pointLabels(point: LinePoint, stringFields: StringFieldMode): Label[] {
  const labels: Label[] = [];
  const origin = new Map<string, string>();
  for (const [key, value] of point.tags) {
    const name = sanitizeLabelName(key);
    if (name === undefined || value === "") continue;
    const earlier = origin.get(name);
    if (earlier !== undefined) {
      throw new Error(`tags ${JSON.stringify(earlier)} and ${JSON.stringify(key)} both become label ${JSON.stringify(name)}`);
    }
    origin.set(name, key);
    labels.push({ name, value });
  }
  if (stringFields === "label") {
    for (const [key, value] of point.fields) {
      if (value.type !== "string" || value.value === "") continue;
      const name = sanitizeLabelName(key);
      if (name === undefined || origin.has(name)) continue;
      origin.set(name, key);
      labels.push({ name, value: value.value });
    }
  }
  return labels;
}

export function linePointsToWriteRequest(points: readonly LinePoint[], options: LineConversionOptions): ConvertedLines {
  const builder = new SeriesBuilder();
  const rejected: LineError[] = [];
  const defaultTimestamp = defaultTimestampMillis(options.nowMs, options.precision);

  for (const point of points) {
    const timestamp =
      point.timestamp === undefined ? defaultTimestamp : timestampToMillis(point.timestamp, options.precision);
    if (timestamp === undefined) {
      rejected.push({
        line: point.line,
        message: `timestamp ${point.timestamp} with precision ${options.precision.name} is outside the int64 nanosecond range`,
      });
      continue;
    }
    let labels: Label[];
    try {
      labels = pointLabels(point, options.stringFields);
    } catch (error) {
      rejected.push({ line: point.line, message: (error as Error).message });
      continue;
    }
    const badNames: string[] = [];
    for (const [key, value] of point.fields) {
      const sampleValue = numericValue(value);
      if (sampleValue === undefined) continue;
      const name = sanitizeMetricName(telegrafMetricName(point.measurement, key));
      if (name === undefined || !isValidMetricName(name)) {
        badNames.push(telegrafMetricName(point.measurement, key));
        continue;
      }
      builder.addSample([...labels, { name: "__name__", value: name }], { value: sampleValue, timestamp });
    }
    if (badNames.length > 0) {
      rejected.push({
        line: point.line,
        message: `no valid Prometheus metric name can be made from ${badNames.map((n) => JSON.stringify(n)).join(", ")}`,
      });
    }
  }
  return { writeRequest: builder.build(), rejected };
}
