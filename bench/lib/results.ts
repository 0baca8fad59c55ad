/**
 * One benchmark result per target, the table `npm run bench` prints, and bench/results.json.
 *
 * `ratio` is measured ÷ baseline (both from the same run). A target is either a floor on `measured`
 * ("at least"), a ceiling on `measured` ("at most"), or a ceiling on `ratio` (e.g. "within 1.5× of the floor").
 * Rows without a target are context for the reader (the baseline's own numbers, sizes).
 */
import { writeFileSync } from "node:fs";

export type TargetKind = "measured ≥" | "measured ≤" | "ratio ≤" | "ratio ≥";

export interface BenchResult {
  name: string;
  unit: string;
  measured: number;
  baseline: number | null;
  ratio: number | null;
  target: number | null;
  /** How `target` applies; absent for context rows. */
  targetKind?: TargetKind;
  met: boolean | null;
  /** What the baseline is, or why a target was missed (points to the profile in docs/performance.md). */
  note?: string;
}

export function result(
  fields: Omit<BenchResult, "ratio" | "met" | "target" | "targetKind" | "baseline"> & {
    baseline?: number | null;
    /** Default measured ÷ baseline; interleaved benches pass the median of per-round ratios instead. */
    ratio?: number;
    target?: { kind: TargetKind; value: number };
  },
): BenchResult {
  const baseline = fields.baseline ?? null;
  const ratio = fields.ratio ?? (baseline === null || baseline === 0 ? null : fields.measured / baseline);
  const target = fields.target;
  let met: boolean | null = null;
  if (target) {
    const subject = target.kind.startsWith("ratio") ? ratio : fields.measured;
    met = subject !== null && (target.kind.endsWith("≥") ? subject >= target.value : subject <= target.value);
  }
  const { target: _target, ratio: _ratio, ...rest } = fields;
  return { ...rest, baseline, ratio, target: target?.value ?? null, ...(target ? { targetKind: target.kind } : {}), met };
}

const formatNumber = (value: number | null): string => {
  if (value === null) return "—";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toPrecision(3);
};

export function formatTable(results: readonly BenchResult[]): string {
  const header = ["target", "unit", "measured", "baseline", "ratio", "target value", "met"];
  const rows = results.map((r) => [
    r.name,
    r.unit,
    formatNumber(r.measured),
    formatNumber(r.baseline),
    r.ratio === null ? "—" : `${formatNumber(r.ratio)}×`,
    r.target === null ? "—" : `${r.targetKind} ${formatNumber(r.target)}`,
    r.met === null ? "" : r.met ? "yes" : "NO",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i >= 2 && i <= 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function writeResults(path: string, results: readonly BenchResult[], meta: Record<string, unknown>): void {
  writeFileSync(path, `${JSON.stringify({ ...meta, results }, null, 2)}\n`);
}
