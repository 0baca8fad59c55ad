import { describe, expect, it } from "vitest";
import { deviceIdMatchers } from "../../src/query/device-filter";
import { literalAlternation } from "../../src/query/promql/label-matcher";

describe("deviceIdMatchers", () => {
  it("matches exactly the ids picked", () => {
    expect(deviceIdMatchers(["6055F9A1B2C3", "C271111EC0AB"])).toEqual([{ name: "device_id", op: "=~", value: "6055F9A1B2C3|C271111EC0AB" }]);
  });
  it("is no matcher at all (every device) for no pick, empty picks or Grafana's All", () => {
    expect(deviceIdMatchers([])).toEqual([]);
    expect(deviceIdMatchers(["", "$__all"])).toEqual([]);
    expect(deviceIdMatchers(["$__all", "C271111EC0AB"])).toEqual([{ name: "device_id", op: "=~", value: "C271111EC0AB" }]);
  });
});

describe("literalAlternation", () => {
  it("escapes regex metacharacters so each value matches only itself", () => {
    const values = ["a.b", "02-2020(x)|y", "c*+?^$\\{}[]"];
    const pattern = new RegExp(`^(?:${literalAlternation(values)})$`);
    for (const value of values) expect(pattern.test(value)).toBe(true);
    expect(pattern.test("aXb")).toBe(false);
    expect(pattern.test("y")).toBe(false);
  });
});
