/**
 * A Prometheus matrix → simPod timeseries items, `{target, refId, tags, datapoints:[[value, unix_ms], …]}` with
 * the value FIRST (reference §2.3), as JSON text: per point only two numbers are written, so a large matrix is
 * converted at the speed of string building rather than of object allocation (issue #8 benchmarks this): one
 * short string per point, joined once per series, and each timestamp of the shared step grid printed once
 * (long-rows.ts says why).
 */
import type { MatrixSeries } from "../prometheus-reader";
import { jsonNumberText, seriesName, TimestampTexts } from "../json/long-rows";

export function timeseriesItems(series: readonly MatrixSeries[], refId: string, legend?: string): string[] {
  const times = new TimestampTexts();
  return series.map((s) => {
    const values = s.values ?? [];
    const points = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) {
      const point = values[i]!;
      points[i] = "[" + jsonNumberText(point[1]) + "," + times.of(point[0]) + "]";
    }
    return `{"target":${JSON.stringify(seriesName(s.metric, legend))},"refId":${JSON.stringify(refId)},` +
      `"tags":${JSON.stringify(s.metric)},"datapoints":[${points.join(",")}]}`;
  });
}
