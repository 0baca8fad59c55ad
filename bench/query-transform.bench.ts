/**
 * Query transform (issue #8): a Prometheus range-query matrix → the response body (UTF-8 bytes, as the endpoint
 * hands it to the handler) of the simPod JSON datasource's timeseries items and of the JSON API / Infinity
 * "long rows", at ≥ 5,000,000 points/s. The transforms (query/simpod, query/json) write JSON text directly; the
 * baseline is the obvious way — build the response objects per point and `JSON.stringify` them — measured
 * interleaved in the same process. Parsing AMP's body is reported too: it is paid once whichever writer runs.
 */
import { matrixRows } from "@ampgate/core/query/json/long-rows";
import { jsonTextPayload } from "@ampgate/core/query/query-response";
import type { MatrixSeries } from "@ampgate/core/query/prometheus-reader";
import { timeseriesItems } from "@ampgate/core/query/simpod/timeseries-items";
import { seededRandom } from "./fixtures/seeded-random";
import { interleave, median, roundRatio } from "./lib/measure";
import { result, type BenchResult } from "./lib/results";

/** SwitchBot-shaped: a week of 1-minute steps for 100 device series ≈ 1,000,000 points. */
function matrix(seriesCount: number, points: number): MatrixSeries[] {
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

export function benchQueryTransform(options: { quick: boolean }): BenchResult[] {
  const series = matrix(100, options.quick ? 2_000 : 10_080);
  const points = series.reduce((total, s) => total + (s.values?.length ?? 0), 0);
  const ampBody = JSON.stringify({ status: "success", data: { resultType: "matrix", result: series } });
  const times = interleave(
    [
      // As the endpoints assemble their bodies (simpod-endpoints.ts query, json-endpoints.ts range).
      { name: "simpod", run: () => jsonTextPayload(200, `[${timeseriesItems(series, "A").join(",")}]`) },
      { name: "simpod-naive", run: () => naiveSimpod(series) },
      { name: "rows", run: () => jsonTextPayload(200, matrixRows(series, [])) },
      { name: "rows-naive", run: () => naiveRows(series) },
      { name: "parse", run: () => JSON.parse(ampBody) },
    ],
    { rounds: options.quick ? 3 : 7, roundMs: 100, warmup: 1 },
  );
  const perSecond = (name: string) => points / (median(times[name]!) / 1000);
  const note = `${points.toLocaleString("en-US")} points in ${series.length} series, to response bytes; baseline: objects per point + JSON.stringify`;
  return [
    result({
      name: "query transform: matrix → simPod timeseries", unit: "points/s", measured: perSecond("simpod"), baseline: perSecond("simpod-naive"),
      ratio: roundRatio(times, "simpod-naive", "simpod"), target: { kind: "measured ≥", value: 5_000_000 }, note,
    }),
    result({
      name: "query transform: matrix → JSON API long rows", unit: "points/s", measured: perSecond("rows"), baseline: perSecond("rows-naive"),
      ratio: roundRatio(times, "rows-naive", "rows"), target: { kind: "measured ≥", value: 5_000_000 }, note,
    }),
    result({
      name: "query: JSON.parse of AMP's matrix body", unit: "points/s", measured: perSecond("parse"), note: "context: paid once per query whichever writer runs",
    }),
  ];
}
