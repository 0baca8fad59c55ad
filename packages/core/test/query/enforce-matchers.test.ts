import { describe, expect, it } from "vitest";
import { enforceMatchList, injectIntoQuery, injectIntoSeriesSelector } from "../../src/query/promql/enforce-matchers";
import type { LabelMatcher } from "../../src/query/promql/label-matcher";
import { parsePromql } from "../../src/query/promql/parse-promql";
import { printPromql } from "../../src/query/promql/print-promql";
import { catchRequestError as requestError } from "../remote-write/support";

const HOUSE_A: LabelMatcher[] = [{ name: "household", op: "=", value: "a" }];
const enforce = (query: string) => injectIntoQuery(query, HOUSE_A);

describe("injectIntoQuery (enforce)", () => {
  it.each([
    ["foo", 'foo{household="a"}'],
    ['{__name__=~".+"}', '{__name__=~".+", household="a"}'],
    ["a or on(x) b", 'a{household="a"} or on (x) b{household="a"}'],
    ["a and b unless c", 'a{household="a"} and b{household="a"} unless c{household="a"}'],
    ["a * on(b) group_left(c) d", 'a{household="a"} * on (b) group_left (c) d{household="a"}'],
    ["rate(x[1h:]) unless ignoring(a) y", 'rate(x{household="a"}[1h:]) unless ignoring (a) y{household="a"}'],
    ["max_over_time(rate(x[5m])[1h:1m])", 'max_over_time(rate(x{household="a"}[5m])[1h:1m])'],
    ['label_replace(up, "household", "b", "", "")', 'label_replace(up{household="a"}, "household", "b", "", "")'],
    ['label_join(up, "x", ",", "a", "b")', 'label_join(up{household="a"}, "x", ",", "a", "b")'],
    ["sum(x) by (y)", 'sum by (y) (x{household="a"})'],
    ["topk(3, foo)", 'topk(3, foo{household="a"})'],
    ['count_values("v", foo)', 'count_values("v", foo{household="a"})'],
    ["histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))", 'histogram_quantile(0.9, sum by (le) (rate(x_bucket{household="a"}[5m])))'],
    ["foo offset 1h @ 100", 'foo{household="a"} offset 1h @ 100'],
    ["foo @ start()", 'foo{household="a"} @ start()'],
    ["absent(nope)", 'absent(nope{household="a"})'],
    ["-foo", '-foo{household="a"}'],
    ["(foo)", '(foo{household="a"})'],
    ["foo > bool 1", 'foo{household="a"} > bool 1'],
    ["vector(1) + time()", "vector(1) + time()"],
    ['"just a string"', '"just a string"'],
  ])("%s → %s", (query, expected) => {
    expect(enforce(query)).toBe(expected);
  });

  it("replaces any matcher the user put on the enforced label, whatever its operator or spelling", () => {
    expect(enforce('foo{household="b"}')).toBe('foo{household="a"}');
    expect(enforce('foo{household=~".*"}')).toBe('foo{household="a"}');
    expect(enforce('foo{household!="a"}')).toBe('foo{household="a"}');
    expect(enforce('foo{"household"="b"}')).toBe('foo{household="a"}');
    expect(enforce('foo{"hous\\u0065hold"="b"}')).toBe('foo{household="a"}');
    expect(enforce("foo{household='b', x=`y`}")).toBe('foo{x="y", household="a"}');
  });

  it("keeps user __name__ matchers when the token scopes metric names (ANDed, never widened)", () => {
    const scoped: LabelMatcher[] = [{ name: "__name__", op: "=~", value: "switchbot_.*" }, ...HOUSE_A];
    expect(injectIntoQuery('{__name__="up"}', scoped)).toBe('{__name__="up", __name__=~"switchbot_.*", household="a"}');
    expect(injectIntoQuery("switchbot_power_watts", scoped)).toBe('switchbot_power_watts{__name__=~"switchbot_.*", household="a"}');
  });

  it("re-encodes strings so the text sent to AMP is ours, not the user's", () => {
    expect(enforce('foo{a="it\\"s", b=\'x\\\'y\', c=`raw\\`}')).toBe('foo{a="it\\"s", b="x\'y", c="raw\\\\", household="a"}');
    expect(enforce('foo{a="\\x41\\101\\u00e9\\n"}')).toBe('foo{a="AAé\\n", household="a"}');
  });

  it("drops comments and keeps the structure", () => {
    expect(enforce("foo # a comment with {household=\"b\"}\n + bar")).toBe('foo{household="a"} + bar{household="a"}');
    expect(enforce("foo[5m # inside\n]")).toBe('foo{household="a"}[5m]');
  });

  it("is idempotent", () => {
    for (const query of ["a or on(x) b", 'sum by (le) (rate(x{household="b"}[5m]))', "foo[5m:1m] offset 1h"]) {
      expect(enforce(enforce(query))).toBe(enforce(query));
    }
  });

  it("refuses what does not parse, with the position, as 400 bad_data", () => {
    for (const query of ["foo and", '{a="b} or {c="d"}', "sum(", '"unterminated', "foo{a=}", "on", ""]) {
      const error = requestError(() => enforce(query));
      expect(error.status).toBe(400);
      expect(error.reason).toBe("bad_data");
    }
    expect(requestError(() => enforce("foo and")).message).toMatch(/character 8: unexpected end of input/);
    expect(requestError(() => enforce('foo{a="\\q"}')).message).toMatch(/unknown escape sequence/);
  });

  it("refuses queries too deeply nested for a recursive printer instead of crashing", () => {
    const nested = (depth: number) => `${"(".repeat(depth)}foo${")".repeat(depth)}`;
    expect(requestError(() => enforce(nested(450))).message).toMatch(/nests more than/);
    expect(requestError(() => enforce(nested(50_000))).status).toBe(400); // lezer's own limit is hit first
    expect(enforce(nested(20))).toBe(nested(20).replace("foo", 'foo{household="a"}'));
  });

  it("leaves the query untouched for an unrestricted token", () => {
    expect(injectIntoQuery("anything  at all", [])).toBe("anything  at all");
  });
});

describe("injectIntoQuery (add: ad-hoc filters)", () => {
  it("narrows every selector without replacing the user's matchers", () => {
    const filter: LabelMatcher[] = [{ name: "device_name", op: "=~", value: "Fan|Desk" }];
    expect(injectIntoQuery('foo{device_name="Fan"} or bar', filter, "add"))
      .toBe('foo{device_name="Fan", device_name=~"Fan|Desk"} or bar{device_name=~"Fan|Desk"}');
  });
});

describe("match[] selectors", () => {
  it("enforces each selector and adds one when the caller sent none", () => {
    expect(enforceMatchList(['up{job="x"}', '{__name__=~".+"}'], HOUSE_A)).toEqual(['up{job="x", household="a"}', '{__name__=~".+", household="a"}']);
    expect(enforceMatchList([], HOUSE_A)).toEqual(['{household="a"}']);
    expect(enforceMatchList(["up"], [])).toEqual(["up"]);
  });

  it("refuses anything but a plain selector", () => {
    expect(requestError(() => injectIntoSeriesSelector("up or down", HOUSE_A)).message).toMatch(/series selector/);
    expect(requestError(() => injectIntoSeriesSelector("rate(up[5m])", HOUSE_A)).status).toBe(400);
  });
});

describe("printPromql", () => {
  it("prints queries back without a rewrite, canonically", () => {
    const cases: Array<[string, string]> = [
      ["sum  without(a,b)(x)", "sum without (a, b) (x)"],
      ["x[1h+5m]", "x[1h+5m]"],
      ["foo offset -5m", "foo offset -5m"],
      ["-1 - -1", "-1 - -1"],
      ['{"my.metric", x="y"}', '{__name__="my.metric", x="y"}'],
      ['sum by ("a.b") (x)', 'sum by ("a.b") (x)'],
      ["a atan2 b", "a atan2 b"],
    ];
    for (const [input, output] of cases) expect(printPromql(parsePromql(input))).toBe(output);
  });
});
