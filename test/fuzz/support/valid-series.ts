/**
 * Valid inputs for the round-trip half of fuzzing: a random set of float series, written out in each push format
 * by an encoder independent of the decoder under test (protobufjs reflection for protobuf, plain string building
 * for text), and the check that the decoder handed the writer exactly those samples.
 */
import fc from "fast-check";
import type { FuzzOutcome } from "./outcome";
import { FuzzViolation } from "./outcome";

export interface ValidSeries {
  name: string;
  labels: Record<string, string>;
  samples: Array<{ timestamp: number; value: number }>;
}

/** Label names a format or the pipeline gives a meaning to: left out so the expected series stay simple. */
const RESERVED = new Set(["source", "job", "instance", "le", "quantile", "name", "value", "timestamp", "metric", "labels"]);
const identifier = fc.stringMatching(/^[a-z][a-z0-9_]{0,9}$/).filter((s) => !RESERVED.has(s) && !s.endsWith("_total") && !s.endsWith("_bucket") && !s.endsWith("_count") && !s.endsWith("_sum") && !s.endsWith("_created") && !s.endsWith("_info"));
/** Characters that need escaping in some format (space, comma, equals, quote), digits, and non-ASCII letters. */
const labelValue = fc.array(fc.constantFrom(..."abcXYZ019 ,=\"._-ßé温"), { minLength: 1, maxLength: 12 }).map((chars) => chars.join(""))
  .filter((s) => s.trim() === s && s.trim() !== "");
/** Values every text format prints and reads back exactly: thousandths within ±1e9. */
const value = fc.integer({ min: -1e12, max: 1e12 }).map((n) => n / 1000);

export const validSeriesSet: fc.Arbitrary<ValidSeries[]> = fc
  .uniqueArray(
    fc.record({
      name: identifier,
      labels: fc.dictionary(identifier, labelValue, { maxKeys: 3 }),
      samples: fc.uniqueArray(fc.integer({ min: 1, max: 1_800 }), { minLength: 1, maxLength: 3 }).chain((offsets) =>
        fc.tuple(...offsets.map(() => value)).map((values) => {
          const now = Date.now();
          return [...offsets].sort((a, b) => b - a).map((seconds, i) => ({ timestamp: now - seconds * 1000, value: values[i]! }));
        })),
    }),
    { minLength: 1, maxLength: 5, selector: (s) => s.name + JSON.stringify(Object.entries(s.labels).sort()) },
  );

const sortedEntries = (labels: Record<string, string>) => Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** `name{a="1",…}` with sorted labels, `source` left out — the same key as the accounting's. */
function key(name: string, labels: Record<string, string>): string {
  const { source: _source, ...rest } = labels;
  return `${name}{${sortedEntries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;
}

/**
 * The round trip: every generated sample reached the writer exactly once, under its series with the token's
 * `source` label stamped on (plus `extraLabels` a format adds, such as Pushgateway's `job`), with its value.
 */
export function expectRoundTrip(series: readonly ValidSeries[], outcome: FuzzOutcome, options: { extraLabels?: Record<string, string>; rename?: (name: string) => string } = {}): void {
  if (outcome.status < 200 || outcome.status >= 300) throw new FuzzViolation(`a valid input was refused: ${outcome.status} ${outcome.message ?? ""}`);
  const written = new Map<string, Map<number, number[]>>();
  for (const request of outcome.written) {
    for (const ts of request.timeseries) {
      const labels = Object.fromEntries(ts.labels.map((l) => [l.name, l.value]));
      const { __name__: name = "", ...rest } = labels;
      if (rest.source !== "harness") throw new FuzzViolation(`series ${name} reached AMP without the token's source label`);
      const samples = written.get(key(name, rest)) ?? new Map<number, number[]>();
      for (const s of ts.samples) samples.set(s.timestamp, [...(samples.get(s.timestamp) ?? []), s.value]);
      written.set(key(name, rest), samples);
    }
  }
  for (const s of series) {
    const name = options.rename ? options.rename(s.name) : s.name;
    const id = key(name, { ...s.labels, ...options.extraLabels });
    const got = written.get(id);
    if (!got) throw new FuzzViolation(`series ${id} did not reach the writer; it got ${[...written.keys()].slice(0, 5).join(" ")}`);
    for (const sample of s.samples) {
      const values = got.get(sample.timestamp) ?? [];
      if (values.length !== 1 || !Object.is(values[0], sample.value)) {
        throw new FuzzViolation(`${id} @${sample.timestamp}: sent ${sample.value}, the writer got [${values.join(", ")}]`);
      }
    }
  }
}

// ── The same series in each format ──────────────────────────────────────────────────────────────────────────

export function toWriteRequestObject(series: readonly ValidSeries[]) {
  return {
    timeseries: series.map((s) => ({
      labels: sortedEntries({ __name__: s.name, ...s.labels }).map(([name, value]) => ({ name, value })),
      samples: s.samples.map((x) => ({ value: x.value, timestamp: x.timestamp })),
      exemplars: [],
      histograms: [],
    })),
    metadata: [],
  };
}

/** A Remote Write 2.0 `io.prometheus.write.v2.Request` as a plain object for protobufjs, symbols interned. */
export function toRw2Object(series: readonly ValidSeries[]) {
  const symbols = [""];
  const ref = (text: string) => {
    let at = symbols.indexOf(text);
    if (at < 0) at = symbols.push(text) - 1;
    return at;
  };
  const timeseries = series.map((s) => ({
    labelsRefs: sortedEntries({ __name__: s.name, ...s.labels }).flatMap(([name, value]) => [ref(name), ref(value)]),
    samples: s.samples.map((x) => ({ value: x.value, timestamp: x.timestamp })),
  }));
  return { symbols, timeseries };
}

const escapeInfluxTag = (text: string) => text.replace(/[ ,=]/g, (c) => `\\${c}`);

/** Influx line protocol, one line per sample, measurement = series name, field `value`, millisecond timestamps. */
export function toLineProtocol(series: readonly ValidSeries[]): string {
  return series.flatMap((s) => s.samples.map((x) => {
    const tags = sortedEntries(s.labels).map(([k, v]) => `,${k}=${escapeInfluxTag(v)}`).join("");
    return `${s.name}${tags} value=${x.value} ${x.timestamp}`;
  })).join("\n") + "\n";
}

const escapePromLabel = (text: string) => text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** Prometheus text exposition 0.0.4, one gauge family per name, millisecond timestamps. */
export function toExposition(series: readonly ValidSeries[]): string {
  const byName = new Map<string, ValidSeries[]>();
  for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const lines: string[] = [];
  for (const [name, family] of byName) {
    lines.push(`# TYPE ${name} gauge`);
    for (const s of family) {
      const labels = sortedEntries(s.labels).map(([k, v]) => `${k}="${escapePromLabel(v)}"`).join(",");
      for (const x of s.samples) lines.push(`${name}${labels ? `{${labels}}` : ""} ${x.value} ${x.timestamp}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** The JSON push body. */
export function toJsonPush(series: readonly ValidSeries[]): string {
  return JSON.stringify(series.flatMap((s) => s.samples.map((x) => ({ metric: s.name, labels: s.labels, value: x.value, timestamp: x.timestamp }))));
}

/** An OTLP ExportMetricsServiceRequest (plain object for protobufjs `fromObject`), one gauge per series name. */
export function toOtlpObject(series: readonly ValidSeries[]) {
  const byName = new Map<string, ValidSeries[]>();
  for (const s of series) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  return {
    resourceMetrics: [{
      resource: { attributes: [] },
      scopeMetrics: [{
        scope: { name: "ampgate-fuzz" },
        metrics: [...byName].map(([name, family]) => ({
          name,
          gauge: {
            dataPoints: family.flatMap((s) => s.samples.map((x) => ({
              attributes: sortedEntries(s.labels).map(([k, v]) => ({ key: k, value: { stringValue: v } })),
              timeUnixNano: String(BigInt(x.timestamp) * 1_000_000n),
              asDouble: x.value,
            }))),
          },
        })),
      }],
    }],
  };
}
