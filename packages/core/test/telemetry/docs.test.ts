/**
 * docs/metrics.md and docs/logs.md say what the code does: the one metrics table lists every self-metric with its
 * type and labels, and its SwitchBot rows name real catalog metrics of the right type (every one the pipeline
 * dashboard uses among them); every request-line field of the log schema is documented, "always" exactly when the
 * schema requires it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MetricType } from "../../src/remote-write/types";
import { METRICS } from "../../src/switchbot/metric-catalog";
import { POLL_LINE, PUSH_LINE, QUERY_LINE, WEBHOOK_LINE } from "../../src/telemetry/log-schema";
import { SELF_METRICS, type SelfMetricName } from "../../src/telemetry/self-metric-catalog";

const DOCS = join(import.meta.dirname, "../../../../docs");
const read = (name: string) => readFileSync(join(DOCS, name), "utf8");

/** Rows of the markdown tables in `text` whose first cell is a backticked name, as arrays of trimmed cells. */
function tableRows(text: string): string[][] {
  return text.split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
}
const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);

describe("docs/metrics.md", () => {
  const rows = tableRows(read("metrics.md")).filter(([metric]) => /^`(ampgate|switchbot)_/.test(metric!));
  const byName = new Map(rows.map((row) => [names(row[0]!)[0]!, row]));

  it("lists every self-metric once, with its type and exactly its labels", () => {
    const documented = rows.map((row) => names(row[0]!)[0]!).filter((name) => name.startsWith("ampgate_"));
    expect(documented.sort()).toEqual(Object.keys(SELF_METRICS).sort());
    for (const [name, spec] of Object.entries(SELF_METRICS)) {
      const [, type, labels] = byName.get(name)!;
      expect(type, name).toBe(spec.kind);
      expect(names(labels!), name).toEqual([...SELF_METRICS[name as SelfMetricName].labels]);
    }
  });

  it("lists only real SwitchBot metrics, with their catalog type, including every one the pipeline dashboard shows", () => {
    const typeName: Partial<Record<MetricType, string>> = { [MetricType.GAUGE]: "gauge", [MetricType.COUNTER]: "counter" };
    for (const [name, row] of byName) {
      if (!name.startsWith("switchbot_")) continue;
      expect(name in METRICS, `${name} is not in the SwitchBot catalog`).toBe(true);
      expect(row[1], name).toBe(typeName[METRICS[name as keyof typeof METRICS].type]);
    }
    const dashboard = read("grafana/pipeline-health.json");
    for (const used of new Set(dashboard.match(/switchbot_[a-z_]+/g))) expect(byName.has(used), `${used} is on the dashboard but not in the table`).toBe(true);
  });
});

describe("docs/logs.md", () => {
  const text = read("logs.md");
  /** The rows of the section whose heading starts with `### \`<msg>\``. */
  const section = (msg: string) => {
    const start = text.indexOf(`### \`${msg}\``);
    expect(start, `no section for ${msg}`).toBeGreaterThan(0);
    const end = text.indexOf("\n#", start + 4);
    return tableRows(text.slice(start, end < 0 ? undefined : end));
  };
  const ENVELOPE = new Set(["time", "level", "msg", "fn", "component"]);
  type ObjectSchema = { entries: Record<string, { type: string }> };
  const objectOf = (schema: unknown): ObjectSchema => ("entries" in (schema as object) ? schema : (schema as { pipe: [ObjectSchema] }).pipe[0]) as ObjectSchema;

  it.each([["push", PUSH_LINE], ["query", QUERY_LINE], ["webhook delivery", WEBHOOK_LINE], ["poll", POLL_LINE]] as const)(
    "documents every field of the %s line, `always` exactly when it is required",
    (msg, schema) => {
      const rows = section(msg);
      for (const [field, entry] of Object.entries(objectOf(schema).entries)) {
        if (ENVELOPE.has(field)) continue;
        const row = rows.find((cells) => names(cells[0]!).includes(field));
        expect(row, `${msg}: ${field} is not documented`).toBeDefined();
        expect(row![2] === "always", `${msg}: ${field} is ${entry.type === "optional" ? "optional" : "required"} in the schema`).toBe(entry.type !== "optional");
      }
    },
  );

  it("documents every envelope field", () => {
    const rows = tableRows(text.slice(text.indexOf("## Every line"), text.indexOf("## Request lines")));
    expect(rows.map((row) => names(row[0]!)[0]).sort()).toEqual(["component", "fn", "level", "msg", "requestId", "time"]);
  });
});
