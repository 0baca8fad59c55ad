/**
 * Query transform (issue #8): a Prometheus range-query matrix → the response body (UTF-8 bytes, as the endpoint
 * hands it to the handler) of the simPod JSON datasource's timeseries items and of the JSON API / Infinity
 * "long rows", at ≥ 5,000,000 points/s. The transforms (query/simpod, query/json) write JSON text directly; the
 * baseline is the obvious way — build the response objects per point and `JSON.stringify` them. Cases in
 * bench/query-cases.ts, each in its own worker, interleaved (bench/lib/measure.ts). Parsing AMP's body is reported
 * too: it is paid once whichever writer runs.
 */
import { interleave, median, roundRatio } from "./lib/measure";
import { result, type BenchResult } from "./lib/results";
import { ROWS_CASES, SIMPOD_CASES } from "./query-cases";

/**
 * Sizes a response can have: Lambda returns at most 6 MB. simPod spends ~23 bytes per point (a week of 5-minute
 * points for 100 devices ≈ 4.6 MB); long rows repeat every label per point (~266 bytes here), so 20,000 points
 * already make ~5.3 MB. (A million points of long rows — 266 MB of JSON — measured the heap, not the writer.)
 */
const SIMPOD_MATRIX = { series: 100, points: 2_016 };
const ROWS_MATRIX = { series: 20, points: 1_000 };

export async function benchQueryTransform(options: { quick: boolean }): Promise<BenchResult[]> {
  const rounds = options.quick ? 3 : 7;
  const simpod = await interleave(new URL("./query-cases.ts", import.meta.url), SIMPOD_CASES, SIMPOD_MATRIX, { rounds, roundMs: 100, warmup: 3 });
  const rows = await interleave(new URL("./query-cases.ts", import.meta.url), ROWS_CASES, ROWS_MATRIX, { rounds, roundMs: 100, warmup: 3 });
  const simpodPoints = SIMPOD_MATRIX.series * SIMPOD_MATRIX.points;
  const rowsPoints = ROWS_MATRIX.series * ROWS_MATRIX.points;
  const perSecond = (points: number, times: number[]) => points / (median(times) / 1000);
  const note = (points: number, series: number) =>
    `${points.toLocaleString("en-US")} points in ${series} series, to response bytes; baseline: objects per point + JSON.stringify`;
  return [
    result({
      name: "query transform: matrix → simPod timeseries", unit: "points/s",
      measured: perSecond(simpodPoints, simpod.simpod!), baseline: perSecond(simpodPoints, simpod["simpod-naive"]!),
      ratio: roundRatio(simpod, "simpod-naive", "simpod"), target: { kind: "measured ≥", value: 5_000_000 },
      note: note(simpodPoints, SIMPOD_MATRIX.series),
    }),
    result({
      name: "query transform: matrix → JSON API long rows", unit: "points/s",
      measured: perSecond(rowsPoints, rows.rows!), baseline: perSecond(rowsPoints, rows["rows-naive"]!),
      ratio: roundRatio(rows, "rows-naive", "rows"), target: { kind: "measured ≥", value: 5_000_000 },
      note: note(rowsPoints, ROWS_MATRIX.series),
    }),
    result({
      name: "query: JSON.parse of AMP's matrix body", unit: "points/s", measured: perSecond(simpodPoints, simpod.parse!),
      note: "context: paid once per query whichever writer runs",
    }),
  ];
}
