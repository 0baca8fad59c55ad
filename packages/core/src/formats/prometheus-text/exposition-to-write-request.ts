/**
 * Parsed exposition samples → remote-write series, as Prometheus would store them after scraping a Pushgateway
 * with `honor_labels: true`:
 *
 * - each sample line is one sample of the series `<name>{labels}`; histogram `_bucket`/`_sum`/`_count`,
 *   summary quantiles and counters' `_total`/`_created` keep their exposed names (classic histograms);
 * - the grouping key's labels (job, …) are added and win over labels of the same name in the body;
 * - a sample without a timestamp gets the push time;
 * - TYPE/HELP/UNIT become remote-write metadata, so Grafana shows help text and types;
 * - `push_time_seconds{<grouping key>}` records the push time, as the Pushgateway exposes it, so existing
 *   "has this job pushed lately?" alerts (`time() - push_time_seconds > …`) keep working.
 */
import type { Label, WriteRequest } from "../../remote-write/types";
import { MetricType } from "../../remote-write/types";
import { SeriesBuilder } from "../series-builder";
import type { FamilyType, ParsedExposition } from "./exposition-parser";

const METADATA_TYPES: Record<FamilyType, MetricType> = {
  counter: MetricType.COUNTER,
  gauge: MetricType.GAUGE,
  histogram: MetricType.HISTOGRAM,
  gaugehistogram: MetricType.GAUGEHISTOGRAM,
  summary: MetricType.SUMMARY,
  info: MetricType.INFO,
  stateset: MetricType.STATESET,
  untyped: MetricType.UNKNOWN,
  unknown: MetricType.UNKNOWN,
};

/** `labels` with `overrides` applied: same-named labels are replaced, the rest appended. */
function withOverrides(labels: readonly Label[], overrides: readonly Label[]): Label[] {
  const overridden = new Set(overrides.map((label) => label.name));
  return [...labels.filter((label) => !overridden.has(label.name)), ...overrides];
}

export function expositionToWriteRequest(
  parsed: ParsedExposition,
  options: { groupingKey: readonly Label[]; nowMs: number },
): WriteRequest {
  const builder = new SeriesBuilder();
  for (const sample of parsed.samples) {
    const labels = withOverrides(sample.labels, [...options.groupingKey, { name: "__name__", value: sample.name }]);
    const timestamp = sample.timestampMs ?? options.nowMs;
    builder.addSample(labels, { value: sample.value, timestamp });
    if (sample.exemplar) {
      builder.addExemplars(labels, [{
        labels: sample.exemplar.labels,
        value: sample.exemplar.value,
        timestamp: sample.exemplar.timestampMs ?? timestamp,
      }]);
    }
  }
  for (const family of parsed.families.values()) {
    builder.addMetadata({
      type: METADATA_TYPES[family.type ?? "untyped"],
      metricFamilyName: family.name,
      help: family.help ?? "",
      unit: family.unit ?? "",
    });
  }
  builder.addSample([...options.groupingKey, { name: "__name__", value: "push_time_seconds" }], {
    value: options.nowMs / 1000,
    timestamp: options.nowMs,
  });
  return builder.build();
}
