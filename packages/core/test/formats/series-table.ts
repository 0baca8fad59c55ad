/**
 * Test helper: a WriteRequest as a readable, order-independent table — `metric{a="1",b="2"}` → samples — so
 * expectations read like PromQL results and do not depend on the order in which a format emitted series.
 */
import type { Label, WriteRequest } from "../../src/remote-write/types";

export type SeriesTable = Record<string, Array<[timestamp: number, value: number | "stale"]>>;

export function seriesName(labels: readonly Label[]): string {
  const name = labels.find((label) => label.name === "__name__")?.value ?? "";
  const rest = labels
    .filter((label) => label.name !== "__name__")
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((label) => `${label.name}=${JSON.stringify(label.value)}`);
  return `${name}{${rest.join(",")}}`;
}

export function seriesTable(request: WriteRequest): SeriesTable {
  const table: SeriesTable = {};
  for (const series of request.timeseries) {
    if (series.samples.length === 0) continue; // native-histogram-only series are checked on their own
    const key = seriesName(series.labels);
    const samples = series.samples.map((s): [number, number | "stale"] => [s.timestamp, s.stale ? "stale" : s.value]);
    table[key] = [...(table[key] ?? []), ...samples];
  }
  return Object.fromEntries(Object.entries(table).sort(([a], [b]) => (a < b ? -1 : 1)));
}
