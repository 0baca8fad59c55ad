/**
 * The reliability suites' figures (faults survived, samples accounted for, fuzz inputs tried, secrets found), kept
 * where a person and docs/reliability.md can find them: printed as a table (visible with `--silent=false`, which
 * the `test:faults`/`test:load`/`test:fuzz` scripts pass) and written to `.local/reliability/<suite>.json`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export type FigureRow = Record<string, string | number | boolean>;

export function reportFigures(suite: string, rows: readonly FigureRow[], summary: Record<string, unknown> = {}): void {
  const dir = resolve(process.cwd(), ".local", "reliability");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.json`), JSON.stringify({ suite, at: new Date().toISOString(), summary, rows }, null, 2));
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
  const table = [line(columns), line(widths.map((w) => "-".repeat(w))), ...rows.map((row) => line(columns.map((c) => String(row[c] ?? ""))))];
  console.log(`\n── ${suite} ──\n${table.join("\n")}${Object.keys(summary).length ? `\n${JSON.stringify(summary)}` : ""}\n`);
}
