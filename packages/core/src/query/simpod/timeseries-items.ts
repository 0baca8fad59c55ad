/**
 * A Prometheus matrix → simPod timeseries items, `{target, refId, tags, datapoints:[[value, unix_ms], …]}` with
 * the value FIRST (reference §2.3), as JSON text: per point only two numbers are written, so a large matrix is
 * converted at the speed of string building rather than of object allocation (issue #8 benchmarks this).
 */
import type { MatrixSeries } from "../prometheus-reader";
import { jsonNumberText, seriesName } from "../json/long-rows";

export function timeseriesItems(series: readonly MatrixSeries[], refId: string, legend?: string): string[] {
  return series.map((s) => {
    let points = "";
    const values = s.values ?? [];
    for (let i = 0; i < values.length; i++) {
      const point = values[i]!;
      points += (i ? ",[" : "[") + jsonNumberText(point[1]) + "," + Math.round(point[0] * 1000) + "]";
    }
    return `{"target":${JSON.stringify(seriesName(s.metric, legend))},"refId":${JSON.stringify(refId)},` +
      `"tags":${JSON.stringify(s.metric)},"datapoints":[${points}]}`;
  });
}
