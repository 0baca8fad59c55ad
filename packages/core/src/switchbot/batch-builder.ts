/**
 * Collects SwitchBot samples into one remote-write `WriteRequest`: labels sorted by name (AMP/Cortex rejects
 * unsorted labels, remote-write reference §1.5), one series per label set, metadata (type/unit/help) from the
 * metric catalog for every metric used.
 */
import type { Label, TimeSeries, WriteRequest } from "../remote-write/types";
import { METRICS, type MetricName } from "./metric-catalog";

export class BatchBuilder {
  private readonly series = new Map<string, TimeSeries>();
  private readonly used = new Set<MetricName>();

  /** `time` defaults to the batch time given at construction. */
  constructor(private readonly time: number) {}

  add(metric: MetricName, labels: Readonly<Record<string, string>>, value: number, time = this.time): void {
    const sorted: Label[] = [{ name: "__name__", value: metric }];
    for (const [name, labelValue] of Object.entries(labels)) {
      // Prometheus treats an empty label value as an absent label; leave it off rather than send it.
      if (labelValue !== "") sorted.push({ name, value: labelValue });
    }
    sorted.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const key = JSON.stringify(sorted);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: sorted, samples: [], exemplars: [], histograms: [] };
      this.series.set(key, entry);
    }
    // One sample per series and timestamp: a second value for the same instant would be refused by AMP.
    if (!entry.samples.some((sample) => sample.timestamp === time)) {
      entry.samples.push({ value, timestamp: time });
      entry.samples.sort((a, b) => a.timestamp - b.timestamp);
    }
    this.used.add(metric);
  }

  get size(): number {
    return this.series.size;
  }

  build(): WriteRequest {
    return {
      timeseries: [...this.series.values()],
      metadata: [...this.used].sort().map((name) => ({
        type: METRICS[name].type,
        metricFamilyName: name,
        help: METRICS[name].help,
        unit: METRICS[name].unit,
      })),
    };
  }
}
