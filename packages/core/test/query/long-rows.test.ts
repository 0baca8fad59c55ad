import { JSONPath } from "jsonpath-plus";
import { describe, expect, it } from "vitest";
import { jsonNumberText, matrixRows, seriesName, vectorRows } from "../../src/query/json/long-rows";
import type { MatrixSeries } from "../../src/query/prometheus-reader";

describe("long rows", () => {
  const matrix: MatrixSeries[] = [
    { metric: { __name__: "power", device_name: "Fan", time: "odd" }, values: [[1700000000, "1.5"], [1700000060.5, "NaN"]] },
    { metric: { __name__: "power", room: "attic" }, values: [[1700000000, "+Inf"]] },
  ];

  it("write one row per point with ms time, numeric value, display name and every label in every row", () => {
    const json = JSON.parse(matrixRows(matrix, ["a warning"]));
    expect(json).toEqual({
      status: "success",
      warnings: ["a warning"],
      rows: [
        { time: 1700000000000, value: 1.5, series: 'power{device_name="Fan", time="odd"}', __name__: "power", device_name: "Fan", room: "", label_time: "odd" },
        { time: 1700000060500, value: null, series: 'power{device_name="Fan", time="odd"}', __name__: "power", device_name: "Fan", room: "", label_time: "odd" },
        { time: 1700000000000, value: null, series: 'power{room="attic"}', __name__: "power", device_name: "", room: "attic", label_time: "" },
      ],
    });
    const lengths = ["time", "value", "series", "room", "label_time"].map((f) => (JSONPath({ path: `$.rows[*].${f}`, json, eval: false }) as unknown[]).length);
    expect(new Set(lengths)).toEqual(new Set([3]));
  });

  it("use a Grafana-style legend when given", () => {
    expect(seriesName({ __name__: "x", device_name: "Fan" }, "{{device_name}} ({{ missing }})")).toBe("Fan ()");
    expect(seriesName({})).toBe("{}");
    expect(JSON.parse(vectorRows([{ metric: { a: "b" }, value: [1, "2"] }], [])).rows).toEqual([{ time: 1000, value: 2, series: '{a="b"}', a: "b" }]);
  });
});

describe("jsonNumberText", () => {
  it("copies Prometheus's finite numbers and maps the rest to valid JSON", () => {
    const cases: Array<[string, string]> = [["1.5", "1.5"], ["-0.25", "-0.25"], ["1e+06", "1e+06"], ["NaN", "null"], ["+Inf", "null"], ["-Inf", "null"], ["+3", "3"], [".5", "0.5"], ["7.", "7"], ["x", "null"]];
    for (const [input, output] of cases) {
      expect(jsonNumberText(input)).toBe(output);
      expect(() => JSON.parse(jsonNumberText(input))).not.toThrow();
    }
  });
});
