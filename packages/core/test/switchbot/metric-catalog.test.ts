import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isValidMetricName } from "../../src/remote-write/names";
import { MetricType } from "../../src/remote-write/types";
import { METRICS } from "../../src/switchbot/metric-catalog";

const docs = readFileSync(new URL("../../../../docs/switchbot.md", import.meta.url), "utf8");

describe("SwitchBot metric catalog", () => {
  for (const [name, spec] of Object.entries(METRICS)) {
    it(`${name}: a valid name, _total exactly on counters, documented`, () => {
      expect(isValidMetricName(name)).toBe(true);
      expect(name.startsWith("switchbot_")).toBe(true);
      expect(name.endsWith("_total")).toBe(spec.type === MetricType.COUNTER);
      if (spec.unit) expect(name).toMatch(new RegExp(`_${spec.unit}(_total)?$`));
      expect(docs).toContain(`| \`${name}\` | ${spec.type === MetricType.COUNTER ? "counter" : "gauge"} |`);
    });
  }
});
