/**
 * Collects samples from any push format into remote-write series, one `TimeSeries` per distinct label set.
 *
 * Formats emit one sample at a time (a line-protocol field, a text-format line, an OTLP data point); a batch may
 * carry the same series more than once. Remote write needs each series' samples in ascending time order, and a
 * Prometheus-compatible store refuses two different values at one timestamp in one request ("duplicate sample
 * for timestamp", reference §1.6) — so `build()` sorts each series and keeps the *last* value sent for a
 * timestamp, the way a later write overwrites an earlier one in InfluxDB and in Telegraf's newest serializer.
 *
 * Labels are kept in the order given; the shared validator sorts and checks them.
 */
import type { Exemplar, Histogram, Label, MetricMetadata, Sample, TimeSeries, WriteRequest } from "../remote-write/types";

const SEPARATOR = "\xff";

/** A label set's identity, independent of label order. */
export function seriesKey(labels: readonly Label[]): string {
  return labels
    .map((label) => label.name + SEPARATOR + label.value)
    .sort()
    .join(SEPARATOR + SEPARATOR);
}

function lastPerTimestamp<T extends { timestamp: number }>(items: T[]): T[] {
  if (items.length < 2) return items;
  // Array.prototype.sort is stable, so items with equal timestamps stay in arrival order.
  const sorted = [...items].sort((a, b) => a.timestamp - b.timestamp);
  const kept: T[] = [];
  for (const item of sorted) {
    if (kept.length > 0 && kept[kept.length - 1]!.timestamp === item.timestamp) kept[kept.length - 1] = item;
    else kept.push(item);
  }
  return kept;
}

export class SeriesBuilder {
  private readonly series = new Map<string, TimeSeries>();
  private readonly metadata = new Map<string, MetricMetadata>();

  private get(labels: Label[]): TimeSeries {
    const key = seriesKey(labels);
    let series = this.series.get(key);
    if (!series) {
      series = { labels, samples: [], exemplars: [], histograms: [] };
      this.series.set(key, series);
    }
    return series;
  }

  addSample(labels: Label[], sample: Sample): void {
    this.get(labels).samples.push(sample);
  }

  addHistogram(labels: Label[], histogram: Histogram): void {
    this.get(labels).histograms.push(histogram);
  }

  addExemplars(labels: Label[], exemplars: Exemplar[]): void {
    if (exemplars.length > 0) this.get(labels).exemplars.push(...exemplars);
  }

  /** Metric-family metadata (TYPE/HELP/UNIT); the first one seen for a family wins. */
  addMetadata(metadata: MetricMetadata): void {
    if (!this.metadata.has(metadata.metricFamilyName)) this.metadata.set(metadata.metricFamilyName, metadata);
  }

  get seriesCount(): number {
    return this.series.size;
  }

  build(): WriteRequest {
    const timeseries: TimeSeries[] = [];
    for (const series of this.series.values()) {
      timeseries.push({
        labels: series.labels,
        samples: lastPerTimestamp(series.samples),
        histograms: lastPerTimestamp(series.histograms),
        exemplars: series.exemplars.sort((a, b) => a.timestamp - b.timestamp),
      });
    }
    return { timeseries, metadata: [...this.metadata.values()] };
  }
}
