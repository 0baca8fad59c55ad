/**
 * The self-metrics of one execution environment: cumulative counters and classic histograms, kept in memory and
 * turned into a remote-write batch on demand.
 *
 *   const registry = createMetricRegistry({ constantLabels: { fn: "ingest", instance }, now: Date.now });
 *   registry.inc("ampgate_ingest_samples_total", { source: "pi" }, 120);
 *   registry.observe("ampgate_amp_write_duration_seconds", {}, 0.031);
 *   await writer.write(registry.snapshot(Date.now()), { deadline });
 *
 * Values only grow, and every snapshot carries every series' current value: a snapshot that never reached AMP
 * loses nothing, the next one carries the same totals. A series' first snapshot also carries a 0 just before its
 * first increment, so `increase()` and `rate()` count that increment too — without it Prometheus takes a new
 * series' first sample as its starting point, and an environment that served a single request would count
 * nothing (docs/metrics.md, "Counters across cold starts"). The 0 is sent again, at the same timestamp, until a
 * snapshot carrying it may have been stored (`settle`): the series born during an AMP outage (`code="503"`) are
 * the ones whose first count matters most.
 */
import type { Label, MetricMetadata, TimeSeries, WriteRequest } from "../remote-write/types";
import {
  METRIC_TYPE, SELF_METRICS, type ConstantLabels, type CounterName, type HistogramName, type LabelValues, type SelfMetricName,
} from "./self-metric-catalog";

export interface MetricRegistryOptions {
  constantLabels: ConstantLabels;
  /** Epoch ms: when a series was first touched (its 0 goes just before). */
  now(): number;
  /**
   * Series beyond this many are not created: every label value comes from a bounded set (route table, token
   * names, reason codes), so reaching it means a bug, and AMP's active-series quota is shared with user data.
   */
  maxSeries?: number;
  /** Told once when `maxSeries` is reached. */
  onOverflow?(name: SelfMetricName): void;
}

export interface MetricRegistry {
  inc<N extends CounterName>(name: N, labels: LabelValues<N>, by?: number): void;
  observe<N extends HistogramName>(name: N, labels: LabelValues<N>, value: number): void;
  /** Every series at `at` (epoch ms), with metadata; series whose 0 is not settled yet also carry it. */
  snapshot(at: number): WriteRequest;
  /**
   * What became of the last snapshot: `true` when AMP may have stored it (it accepted it, or answered a 4xx after
   * which part may be stored), so its 0s are not sent again — a 0 arriving after a stored later sample of its
   * series would be out of order and fail the next write; `false` when nothing was stored (throttled, 5xx,
   * unreachable), so they are.
   */
  settle(mayHaveStored: boolean): void;
  /** Something was counted since the last snapshot. */
  readonly changed: boolean;
  readonly seriesCount: number;
}

/**
 * How far back a series' 0 may go. AMP refuses samples older than about an hour (reference §4.4) and Prometheus
 * refuses samples below its head block's lower bound (an hour behind its newest sample); a refused 0 would make
 * the whole snapshot fail. A 0 that would be older is dropped (after an outage this long, the first increment of
 * a series born during it is not seen by `increase()`).
 */
export const MAX_ZERO_AGE_MS = 45 * 60_000;

const DEFAULT_MAX_SERIES = 2_000;

interface HistogramCounts {
  /** Observations per bucket, not cumulative; the last is `+Inf`. */
  perBucket: number[];
  sum: number;
  count: number;
}

interface Entry {
  name: SelfMetricName;
  /** The series' labels without `__name__` (and without `le`). */
  labels: Label[];
  createdAt: number;
  /** The 0 before the first increment has not been settled yet. */
  zeroPending: boolean;
  /** Its timestamp, fixed by the first snapshot that carried it, so a resent 0 is the same sample. */
  zeroAt?: number;
  /** In the last snapshot with its 0. */
  zeroSent: boolean;
  value: number;
  histogram?: HistogramCounts;
}

const byName = (a: Label, b: Label) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function createMetricRegistry(options: MetricRegistryOptions): MetricRegistry {
  const entries = new Map<string, Entry>();
  const maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
  let changed = false;
  let overflowReported = false;

  function entryFor(name: SelfMetricName, values: Record<string, string>): Entry | undefined {
    const spec = SELF_METRICS[name];
    const key = `${name}\u0000${spec.labels.map((label) => values[label] ?? "").join("\u0000")}`;
    let entry = entries.get(key);
    if (entry) return entry;
    if (entries.size >= maxSeries) {
      if (!overflowReported) options.onOverflow?.(name);
      overflowReported = true;
      return undefined;
    }
    const labels: Label[] = Object.entries(options.constantLabels).map(([label, value]) => ({ name: label, value }));
    // Prometheus treats an empty value as an absent label; leave it off rather than send it.
    for (const label of spec.labels) if (values[label]) labels.push({ name: label, value: values[label]! });
    entry = { name, labels, createdAt: options.now(), zeroPending: true, zeroSent: false, value: 0 };
    if (spec.kind === "histogram") entry.histogram = { perBucket: new Array<number>(spec.buckets.length + 1).fill(0), sum: 0, count: 0 };
    entries.set(key, entry);
    return entry;
  }

  function seriesOf(entry: Entry, at: number): TimeSeries[] {
    entry.zeroAt ??= Math.max(at - MAX_ZERO_AGE_MS, Math.min(entry.createdAt - 1, at - 1));
    if (entry.zeroAt < at - MAX_ZERO_AGE_MS) entry.zeroPending = false;
    entry.zeroSent = entry.zeroPending;
    const zeroAt = entry.zeroAt;
    const series = (name: string, value: number, extra?: Label): TimeSeries => {
      const labels = [{ name: "__name__", value: name }, ...entry.labels, ...(extra ? [extra] : [])].sort(byName);
      const samples = entry.zeroPending ? [{ value: 0, timestamp: zeroAt }, { value, timestamp: at }] : [{ value, timestamp: at }];
      return { labels, samples, exemplars: [], histograms: [] };
    };
    const { histogram } = entry;
    if (!histogram) return [series(entry.name, entry.value)];
    const bounds = SELF_METRICS[entry.name as HistogramName].buckets;
    let cumulative = 0;
    const buckets = histogram.perBucket.map((count, i) => {
      cumulative += count;
      return series(`${entry.name}_bucket`, cumulative, { name: "le", value: i < bounds.length ? String(bounds[i]) : "+Inf" });
    });
    return [...buckets, series(`${entry.name}_sum`, histogram.sum), series(`${entry.name}_count`, histogram.count)];
  }

  return {
    inc(name, labels, by = 1) {
      if (!(by >= 0)) return; // counters never go down; NaN is no increment
      const entry = entryFor(name, labels);
      if (!entry) return;
      entry.value += by;
      changed = true;
    },
    observe(name, labels, value) {
      const entry = entryFor(name, labels);
      if (!entry?.histogram || !Number.isFinite(value)) return;
      const bounds = SELF_METRICS[name].buckets;
      let bucket = bounds.findIndex((bound) => value <= bound);
      if (bucket < 0) bucket = bounds.length;
      entry.histogram.perBucket[bucket]! += 1;
      entry.histogram.sum += value;
      entry.histogram.count += 1;
      changed = true;
    },
    snapshot(at) {
      const timeseries: TimeSeries[] = [];
      const used = new Set<SelfMetricName>();
      for (const entry of entries.values()) {
        timeseries.push(...seriesOf(entry, at));
        used.add(entry.name);
      }
      changed = false;
      const metadata: MetricMetadata[] = [...used].sort().map((name) => ({
        type: METRIC_TYPE[SELF_METRICS[name].kind],
        metricFamilyName: name,
        help: SELF_METRICS[name].help,
        unit: SELF_METRICS[name].unit,
      }));
      return { timeseries, metadata };
    },
    settle(mayHaveStored) {
      if (!mayHaveStored) return;
      for (const entry of entries.values()) {
        if (entry.zeroSent) entry.zeroPending = false;
        entry.zeroSent = false;
      }
    },
    get changed() {
      return changed;
    },
    get seriesCount() {
      return entries.size;
    },
  };
}
