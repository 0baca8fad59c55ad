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
import { QUERY_CASES, QUERY_SERIES } from "./query-cases";

export async function benchQueryTransform(options: { quick: boolean }): Promise<BenchResult[]> {
  const perSeries = options.quick ? 2_000 : 10_080;
  const points = QUERY_SERIES * perSeries;
  const times = await interleave(new URL("./query-cases.ts", import.meta.url), QUERY_CASES, { points: perSeries },
    { rounds: options.quick ? 3 : 7, roundMs: 100, warmup: 1 });
  const perSecond = (name: string) => points / (median(times[name]!) / 1000);
  const note = `${points.toLocaleString("en-US")} points in ${QUERY_SERIES} series, to response bytes; baseline: objects per point + JSON.stringify`;
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
