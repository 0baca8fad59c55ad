/**
 * The query transform cases of query-transform.bench.ts, each built in its own worker (bench/lib/measure.ts):
 * `cases({ series, points })` → the functions to time, over one seeded SwitchBot-shaped matrix of `series`
 * series × `points` points.
 */
import { matrixRows } from "@ampgate/core/query/json/long-rows";
import type { MatrixSeries } from "@ampgate/core/query/prometheus-reader";
import { jsonTextPayload } from "@ampgate/core/query/query-response";
import { timeseriesItems } from "@ampgate/core/query/simpod/timeseries-items";
import { seededRandom } from "./fixtures/seeded-random";
import type { CaseSuite } from "./lib/measure";

export const SIMPOD_CASES = ["simpod", "simpod-naive", "parse"] as const;
export const ROWS_CASES = ["rows", "rows-naive"] as const;

/** SwitchBot-shaped: a week of 1-minute steps for 100 device series ≈ 1,000,000 points. */
export function matrix(seriesCount: number, points: number): MatrixSeries[] {
  const random = seededRandom(5);
  return Array.from({ length: seriesCount }, (_, s) => ({
    metric: { __name__: "switchbot_power_watts", device_id: `C0FFEE${String(s).padStart(6, "0")}`, device_name: `Plug ${s}`, device_type: "Plug Mini (JP)" },
    // Values as Prometheus prints them (Go FormatFloat 'f', -1): integers, decimals, the odd NaN.
    values: Array.from({ length: points }, (_, i): [number, string] => [
      1_700_000_000 + i * 60,
      i % 997 === 0 ? "NaN" : String(Math.round(random.next() * 150_000) / 100),
    ]),
  }));
}

function naiveSimpod(series: readonly MatrixSeries[]): Uint8Array {
  return bytes(JSON.stringify(series.map((s) => ({
    target: s.metric.__name__, refId: "A", tags: s.metric,
    datapoints: (s.values ?? []).map(([t, v]) => [Number.isFinite(Number(v)) ? Number(v) : null, Math.round(t * 1000)]),
  }))));
}

const bytes = (text: string): Uint8Array => Buffer.from(text, "utf8");

function naiveRows(series: readonly MatrixSeries[]): Uint8Array {
  const rows = series.flatMap((s) => (s.values ?? []).map(([t, v]) => ({
    time: Math.round(t * 1000), value: Number.isFinite(Number(v)) ? Number(v) : null, series: s.metric.__name__, ...s.metric,
  })));
  return bytes(JSON.stringify({ status: "success", rows, warnings: [] }));
}

export const cases: CaseSuite = (args) => {
  const series = matrix(Number(args.series), Number(args.points));
  const ampBody = JSON.stringify({ status: "success", data: { resultType: "matrix", result: series } });
  return {
    // As the endpoints assemble their bodies (simpod-endpoints.ts query, json-endpoints.ts range).
    simpod: () => jsonTextPayload(200, `[${timeseriesItems(series, "A").join(",")}]`),
    "simpod-naive": () => naiveSimpod(series),
    rows: () => jsonTextPayload(200, matrixRows(series, [])),
    "rows-naive": () => naiveRows(series),
    parse: () => JSON.parse(ampBody),
  };
};
