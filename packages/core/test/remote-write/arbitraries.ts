/** fast-check generators of WriteRequests covering every field, value class (NaN, ±Inf, -0, stale) and shape. */
import fc from "fast-check";
import type { BucketSpan, Exemplar, Histogram, Label, MetricMetadata, Sample, TimeSeries, WriteRequest } from "../../src/remote-write/types";

/** Any Unicode text without lone surrogates (those are not UTF-8 and are rejected by validation). */
const text = fc.string({ unit: "grapheme", maxLength: 12 });
const timestamp = fc.maxSafeInteger();
const anyDouble = fc.double();

const label: fc.Arbitrary<Label> = fc.record({ name: text, value: text });

const sample: fc.Arbitrary<Sample> = fc.oneof(
  { weight: 9, arbitrary: fc.record({ value: anyDouble, timestamp }) },
  { weight: 1, arbitrary: timestamp.map((t): Sample => ({ value: Number.NaN, timestamp: t, stale: true })) },
);

const exemplar: fc.Arbitrary<Exemplar> = fc.record({ labels: fc.array(label, { maxLength: 3 }), value: anyDouble, timestamp });

const span: fc.Arbitrary<BucketSpan> = fc.record({
  offset: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  length: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
});

const count = fc.nat({ max: Number.MAX_SAFE_INTEGER });
const delta = fc.maxSafeInteger();

const histogram: fc.Arbitrary<Histogram> = fc
  .record({
    countKind: fc.constantFrom("int", "float", "none"),
    zeroKind: fc.constantFrom("int", "float", "none"),
    countInt: count, countFloat: anyDouble, zeroCountInt: count, zeroCountFloat: anyDouble,
    sum: anyDouble, schema: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), zeroThreshold: anyDouble,
    negativeSpans: fc.array(span, { maxLength: 3 }), negativeDeltas: fc.array(delta, { maxLength: 4 }),
    negativeCounts: fc.array(anyDouble, { maxLength: 4 }),
    positiveSpans: fc.array(span, { maxLength: 3 }), positiveDeltas: fc.array(delta, { maxLength: 4 }),
    positiveCounts: fc.array(anyDouble, { maxLength: 4 }),
    resetHint: fc.integer({ min: 0, max: 3 }), timestamp, customValues: fc.array(anyDouble, { maxLength: 3 }),
    stale: fc.boolean(),
  })
  .map(({ countKind, zeroKind, countInt, countFloat, zeroCountInt, zeroCountFloat, stale, sum, ...rest }) => {
    const h: Histogram = { ...rest, sum: stale ? Number.NaN : sum };
    if (countKind === "int") h.countInt = countInt;
    if (countKind === "float") h.countFloat = countFloat;
    if (zeroKind === "int") h.zeroCountInt = zeroCountInt;
    if (zeroKind === "float") h.zeroCountFloat = zeroCountFloat;
    if (stale) h.stale = true;
    return h;
  });

const timeSeries: fc.Arbitrary<TimeSeries> = fc.record({
  labels: fc.array(label, { maxLength: 5 }),
  samples: fc.array(sample, { maxLength: 5 }),
  exemplars: fc.array(exemplar, { maxLength: 2 }),
  histograms: fc.array(histogram, { maxLength: 2 }),
});

const metadata: fc.Arbitrary<MetricMetadata> = fc.record({
  type: fc.integer({ min: 0, max: 7 }), metricFamilyName: text, help: text, unit: text,
});

export const writeRequest: fc.Arbitrary<WriteRequest> = fc.record({
  timeseries: fc.array(timeSeries, { maxLength: 4 }),
  metadata: fc.array(metadata, { maxLength: 2 }),
});
