/**
 * Checks and normalises a WriteRequest so that AMP will accept all of it, before anything is forwarded.
 *
 *   const batch = validateWriteRequest(request, limits); // RequestError 400 naming the series and the rule
 *
 * Works IN PLACE and returns the same object (a copy would double the ingest path's allocations, issue #8); on
 * a rejection the request is left partly normalised and must be dropped — which the caller does anyway, since
 * nothing of a rejected request is forwarded. The first problem found is reported.
 *
 * Normalisation (what Prometheus' own receiver does, and what a sender would expect rather than an error):
 * - labels with an empty value are dropped: an empty value means "label absent" (reference §1.5);
 * - labels are sorted by name in byte order (unless `limits.rejectUnsortedLabels`);
 * - samples (and histograms) of one series entry are put in timestamp order: AMP would accept them within its
 *   out-of-order window, and the spec's ordering rule exists for the receiver's benefit, which this serves.
 *   Two samples with the same timestamp and identical value are one sample (the TSDB ignores the repeat);
 *   the same timestamp with different values is rejected, as AMP would (`new-value-for-timestamp`).
 * Values are not checked: NaN, ±Inf and stale markers are legitimate.
 */
import { badRequest, type RequestError } from "../errors";
import { DEFAULT_LIMITS, type RemoteWriteLimits } from "./limits";
import {
  isReservedLabelName, isValidLabelName, isValidMetricName, LABEL_NAME_RULE, METRIC_NAME_LABEL, METRIC_NAME_RULE,
} from "./names";
import { formatSeries } from "./series-name";
import { describeTimestampUnit, isPlausibleMilliseconds } from "./timestamp-unit";
import type { Exemplar, Histogram, Label, MetricMetadata, Sample, TimeSeries, WriteRequest } from "./types";
import { utf8Length } from "./utf8-length";

/** OpenMetrics: an exemplar's label names and values together must not exceed 128 characters (Cortex enforces it). */
const MAX_EXEMPLAR_LABEL_CHARS = 128;
/** Native histogram exponential schemas Prometheus accepts (model/histogram); -53 (custom buckets) is newer than AMP. */
export const HISTOGRAM_SCHEMA = { min: -4, max: 8 } as const;

export function validateWriteRequest(request: WriteRequest, limits: RemoteWriteLimits = DEFAULT_LIMITS): WriteRequest {
  request.timeseries.forEach((series, index) => validateSeries(series, index, limits));
  request.metadata.forEach((metadata, index) => validateMetadata(metadata, index, limits));
  return request;
}

function validateSeries(series: TimeSeries, index: number, limits: RemoteWriteLimits): void {
  normaliseLabels(series, index, limits);
  checkLabelSet(series, index, limits);
  series.samples = normaliseSamples(series, index);
  series.histograms.forEach((histogram) => checkHistogram(series, index, histogram));
  series.histograms = inTimestampOrder(series.histograms);
  checkDistinctTimestamps(series, index, series.histograms, "native histograms");
  series.exemplars.forEach((exemplar) => checkExemplar(series, index, exemplar));
}

/** `timeseries[3] up{job="x"}: <rule>` — every series rejection has this shape. */
function seriesError(series: TimeSeries, index: number, reason: string, rule: string): RequestError {
  return badRequest(reason, `timeseries[${index}] ${formatSeries(series.labels)}: ${rule}`);
}

// --- labels ----------------------------------------------------------------------------------------------------

/** Label names are compared by UTF-16 code unit, which equals UTF-8 byte order for the ASCII names that are valid. */
const byName = (a: Label, b: Label): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function normaliseLabels(series: TimeSeries, index: number, limits: RemoteWriteLimits): void {
  if (series.labels.some((label) => label.value === "")) {
    series.labels = series.labels.filter((label) => label.value !== "");
  }
  const labels = series.labels;
  for (let i = 1; i < labels.length; i++) {
    const order = byName(labels[i - 1]!, labels[i]!);
    if (order < 0) continue;
    if (order === 0) throw duplicateLabel(series, index, labels[i]!.name);
    if (limits.rejectUnsortedLabels) {
      throw seriesError(series, index, "labels_not_sorted",
        `label "${labels[i]!.name}" comes after "${labels[i - 1]!.name}"; labels must be sorted by name`);
    }
    labels.sort(byName);
    for (let j = 1; j < labels.length; j++) {
      if (labels[j - 1]!.name === labels[j]!.name) throw duplicateLabel(series, index, labels[j]!.name);
    }
    return;
  }
}

function duplicateLabel(series: TimeSeries, index: number, name: string): RequestError {
  return seriesError(series, index, "duplicate_label_name", `label name "${name}" appears more than once`);
}

function checkLabelSet(series: TimeSeries, index: number, limits: RemoteWriteLimits): void {
  let metricName: string | undefined;
  let totalBytes = 0;
  for (const { name, value } of series.labels) {
    if (!isValidLabelName(name)) {
      throw seriesError(series, index, "invalid_label_name", `label name ${JSON.stringify(name)} must match ${LABEL_NAME_RULE}`);
    }
    if (name === METRIC_NAME_LABEL) metricName = value;
    else if (isReservedLabelName(name) && !limits.allowedReservedLabelNames.includes(name)) {
      throw seriesError(series, index, "reserved_label_name",
        `label name "${name}" is reserved (names starting with "__" belong to Prometheus)`);
    }
    if (name.length > limits.maxLabelNameLength) {
      throw seriesError(series, index, "label_name_too_long",
        `label name "${name.slice(0, 40)}…" is ${name.length} bytes; the limit is ${limits.maxLabelNameLength}`);
    }
    const valueBytes = utf8Length(value);
    if (valueBytes < 0) {
      throw seriesError(series, index, "invalid_utf8", `label "${name}" has a value that is not valid Unicode (lone surrogate)`);
    }
    if (valueBytes > limits.maxLabelValueLength) {
      throw seriesError(series, index, "label_value_too_long",
        `label "${name}" value is ${valueBytes} bytes; the limit is ${limits.maxLabelValueLength}`);
    }
    totalBytes += name.length + valueBytes;
  }
  if (metricName === undefined) {
    throw seriesError(series, index, "missing_metric_name", `no metric name: every series needs a non-empty ${METRIC_NAME_LABEL} label`);
  }
  if (!isValidMetricName(metricName)) {
    throw seriesError(series, index, "invalid_metric_name",
      `metric name ${JSON.stringify(metricName)} must match ${METRIC_NAME_RULE}`);
  }
  if (series.labels.length > limits.maxLabelsPerSeries) {
    throw seriesError(series, index, "too_many_labels",
      `${series.labels.length} labels; the limit is ${limits.maxLabelsPerSeries} per series`);
  }
  if (totalBytes > limits.maxLabelBytesPerSeries) {
    throw seriesError(series, index, "labels_too_long",
      `label names and values total ${totalBytes} bytes; the limit is ${limits.maxLabelBytesPerSeries} per series`);
  }
}

// --- samples, histograms, exemplars ----------------------------------------------------------------------------

function checkTimestamp(series: TimeSeries, index: number, timestamp: number, what: string): void {
  if (!Number.isSafeInteger(timestamp)) {
    throw seriesError(series, index, "invalid_timestamp", `${what} timestamp ${timestamp} is not an integer number of milliseconds`);
  }
  if (!isPlausibleMilliseconds(timestamp)) {
    throw seriesError(series, index, "timestamp_not_ms", `${what} timestamp ${timestamp} ${describeTimestampUnit(timestamp)}`);
  }
}

function inTimestampOrder<T extends { timestamp: number }>(items: T[]): T[] {
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.timestamp < items[i - 1]!.timestamp) return items.sort((a, b) => a.timestamp - b.timestamp); // stable
  }
  return items;
}

const sameSampleValue = (a: Sample, b: Sample): boolean =>
  (a.stale === true) === (b.stale === true) && (Object.is(a.value, b.value) || (a.value !== a.value && b.value !== b.value));

function normaliseSamples(series: TimeSeries, index: number): Sample[] {
  for (const sample of series.samples) checkTimestamp(series, index, sample.timestamp, "sample");
  const samples = inTimestampOrder(series.samples);
  let duplicates = 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i]!.timestamp !== samples[i - 1]!.timestamp) continue;
    if (!sameSampleValue(samples[i]!, samples[i - 1]!)) {
      throw seriesError(series, index, "duplicate_timestamp",
        `two samples at timestamp ${samples[i]!.timestamp} with different values (${samples[i - 1]!.value} and ${samples[i]!.value})`);
    }
    duplicates++;
  }
  if (duplicates === 0) return samples;
  return samples.filter((sample, i) => i === 0 || sample.timestamp !== samples[i - 1]!.timestamp);
}

function checkDistinctTimestamps(series: TimeSeries, index: number, items: { timestamp: number }[], what: string): void {
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.timestamp === items[i - 1]!.timestamp) {
      throw seriesError(series, index, "duplicate_timestamp", `two ${what} at timestamp ${items[i]!.timestamp}`);
    }
  }
}

function checkHistogram(series: TimeSeries, index: number, h: Histogram): void {
  checkTimestamp(series, index, h.timestamp, "native histogram");
  const fail = (rule: string) => seriesError(series, index, "invalid_histogram", `native histogram at ${h.timestamp}: ${rule}`);
  if (h.schema < HISTOGRAM_SCHEMA.min || h.schema > HISTOGRAM_SCHEMA.max) {
    throw fail(`schema ${h.schema} is outside ${HISTOGRAM_SCHEMA.min}..${HISTOGRAM_SCHEMA.max}`);
  }
  const isFloat = h.countFloat !== undefined;
  for (const side of ["negative", "positive"] as const) {
    const spans = side === "negative" ? h.negativeSpans : h.positiveSpans;
    const buckets = isFloat
      ? (side === "negative" ? h.negativeCounts : h.positiveCounts)
      : (side === "negative" ? h.negativeDeltas : h.positiveDeltas);
    const spanned = spans.reduce((total, span) => total + span.length, 0);
    if (spanned !== buckets.length) {
      throw fail(`${side} spans cover ${spanned} buckets but ${buckets.length} ${isFloat ? "counts" : "deltas"} are given`);
    }
  }
}

function checkExemplar(series: TimeSeries, index: number, exemplar: Exemplar): void {
  const fail = (rule: string) => seriesError(series, index, "invalid_exemplar", `exemplar at ${exemplar.timestamp}: ${rule}`);
  checkTimestamp(series, index, exemplar.timestamp, "exemplar");
  if (exemplar.labels.length === 0) throw fail("has no labels (e.g. trace_id) — an exemplar needs at least one");
  let chars = 0;
  for (const { name, value } of exemplar.labels) {
    if (!isValidLabelName(name)) throw fail(`label name ${JSON.stringify(name)} must match ${LABEL_NAME_RULE}`);
    chars += [...name].length + [...value].length;
  }
  if (chars > MAX_EXEMPLAR_LABEL_CHARS) {
    throw fail(`labels total ${chars} characters; the limit is ${MAX_EXEMPLAR_LABEL_CHARS}`);
  }
}

// --- metadata --------------------------------------------------------------------------------------------------

function validateMetadata(metadata: MetricMetadata, index: number, limits: RemoteWriteLimits): void {
  const name = metadata.metricFamilyName;
  const fail = (reason: string, rule: string) =>
    badRequest(reason, `metadata[${index}] ${JSON.stringify(name.slice(0, 100))}: ${rule}`);
  if (name === "") throw fail("missing_metric_name", "metadata needs a metric_family_name");
  const fields = [
    ["metric_family_name", name, "metric_name_too_long"],
    ["help", metadata.help, "help_too_long"],
    ["unit", metadata.unit, "unit_too_long"],
  ] as const;
  for (const [field, text, reason] of fields) {
    const bytes = utf8Length(text);
    if (bytes < 0) throw fail("invalid_utf8", `${field} is not valid Unicode (lone surrogate)`);
    if (bytes > limits.maxMetadataLength) throw fail(reason, `${field} is ${bytes} bytes; the limit is ${limits.maxMetadataLength}`);
  }
}
