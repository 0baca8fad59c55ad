/**
 * A Prometheus matrix → simPod timeseries items, `{target, refId, tags, datapoints:[[value, unix_ms], …]}` with
 * the value FIRST (reference §2.3), as JSON text: per point only two numbers are written, so a large matrix is
 * converted at the speed of string building rather than of object allocation (issue #8 benchmarks this). One
 * short string per point, joined once per series: appending millions of pieces to one string built a rope that
 * garbage collection then walked (60% of the time in the profile; joining is 3× faster). Each time of the shared
 * step grid is printed once, with its `,` and `]` (`TimestampTexts`).
 */
import type { MatrixSeries } from "../prometheus-reader";
import { jsonNumberText, seriesName, TimestampTexts } from "../json/long-rows";

export function timeseriesItems(series: readonly MatrixSeries[], refId: string, legend?: string): string[] {
  const times = new TimestampTexts((ms) => `,${ms}]`);
  return series.map((s) => {
    const values = s.values ?? [];
    const points = new Array<string>(values.length);
    for (let i = 0; i < values.length; i++) {
      const point = values[i]!;
      points[i] = "[" + jsonNumberText(point[1]) + times.of(point[0]);
    }
    return `{"target":${JSON.stringify(seriesName(s.metric, legend))},"refId":${JSON.stringify(refId)},` +
      `"tags":${JSON.stringify(s.metric)},"datapoints":[${points.join(",")}]}`;
  });
}
