/**
 * OTLP exponential histogram data point → Prometheus native histogram, as Prometheus' OTLP translator (used by
 * the Collector's `prometheusremotewrite` exporter) converts it:
 *
 * - both use base 2^(2^-scale); OTLP calls it `scale`, Prometheus `schema`. Prometheus accepts -4..8, so
 *   scales above 8 are *downscaled* (2^(scale-8) adjacent buckets merged — exact, just coarser) and scales
 *   below -4 cannot be represented (the point is rejected);
 * - OTLP bucket i covers (base^i, base^(i+1)], Prometheus bucket i covers (base^(i-1), base^i], so indexes
 *   shift by one: Prometheus index = (OTLP index >> scaleDown) + 1;
 * - buckets are written sparsely as spans of consecutive buckets plus count deltas (integer histogram), gaps of
 *   up to two empty buckets being filled in rather than starting a new span (client_golang's layout).
 */
import type { BucketSpan, Histogram } from "../../remote-write/types";
import { HistogramResetHint } from "../../remote-write/types";
import { HISTOGRAM_SCHEMA } from "../../remote-write/validate";
import { NO_RECORDED_VALUE, nanosToMillis, type ExponentialBuckets, type ExponentialHistogramDataPoint } from "./otlp-model";

/** The schemas validation lets through to AMP: finer scales are merged down to MAX, coarser ones refused. */
const { min: MIN_SCHEMA, max: MAX_SCHEMA } = HISTOGRAM_SCHEMA;
/** A gap of at most this many empty buckets is filled in rather than starting a new span. */
const MAX_FILLED_GAP = 2;

export class UnrepresentableHistogram extends Error {}

interface SparseBuckets {
  spans: BucketSpan[];
  deltas: number[];
}

/** OTLP dense buckets at `scale` → Prometheus spans and deltas at `scale - scaleDown`. */
function sparseBuckets(buckets: ExponentialBuckets | undefined, scaleDown: number): SparseBuckets {
  // Merge into Prometheus indexes; Map keeps ascending insertion order because OTLP indexes ascend.
  const merged = new Map<number, number>();
  (buckets?.bucketCounts ?? []).forEach((raw, i) => {
    const count = Number(raw);
    if (count === 0) return;
    const index = Math.floor((buckets!.offset + i) / 2 ** scaleDown) + 1;
    merged.set(index, (merged.get(index) ?? 0) + count);
  });
  const spans: BucketSpan[] = [];
  const deltas: number[] = [];
  let previousIndex: number | undefined;
  let previousCount = 0;
  const append = (count: number) => {
    spans[spans.length - 1]!.length++;
    deltas.push(count - previousCount);
    previousCount = count;
  };
  for (const [index, count] of merged) {
    const gap = previousIndex === undefined ? Infinity : index - previousIndex - 1;
    if (gap > MAX_FILLED_GAP) spans.push({ offset: previousIndex === undefined ? index : gap, length: 0 });
    else for (let k = 0; k < gap; k++) append(0);
    append(count);
    previousIndex = index;
  }
  return { spans, deltas };
}

export function exponentialToNativeHistogram(point: ExponentialHistogramDataPoint): Histogram {
  if (point.scale < MIN_SCHEMA) {
    throw new UnrepresentableHistogram(`scale ${point.scale} is below ${MIN_SCHEMA}, the coarsest native histogram schema`);
  }
  const scaleDown = Math.max(0, point.scale - MAX_SCHEMA);
  const positive = sparseBuckets(point.positive, scaleDown);
  const negative = sparseBuckets(point.negative, scaleDown);
  const histogram: Histogram = {
    countInt: Number(point.count),
    sum: point.sum ?? 0,
    schema: point.scale - scaleDown,
    zeroThreshold: point.zeroThreshold,
    zeroCountInt: Number(point.zeroCount),
    negativeSpans: negative.spans,
    negativeDeltas: negative.deltas,
    negativeCounts: [],
    positiveSpans: positive.spans,
    positiveDeltas: positive.deltas,
    positiveCounts: [],
    resetHint: HistogramResetHint.UNKNOWN,
    timestamp: nanosToMillis(point.timeUnixNano),
    customValues: [],
  };
  if ((point.flags & NO_RECORDED_VALUE) !== 0) {
    histogram.sum = Number.NaN;
    histogram.stale = true;
  }
  return histogram;
}
