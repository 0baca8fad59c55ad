/**
 * Properties of enforcement over generated PromQL (a grammar covering selectors, quoting and escapes, functions,
 * aggregations, binary operators with every modifier, subqueries, offset/@, comments) and over arbitrary text:
 * the output always parses, carries the token's matcher in every selector exactly once, is a fixed point, and
 * anything that is not PromQL is a 400 — never a crash.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/errors";
import { injectIntoQuery } from "../../src/query/promql/enforce-matchers";
import type { LabelMatcher } from "../../src/query/promql/label-matcher";
import { parsePromql } from "../../src/query/promql/parse-promql";
import { printPromql, type SeriesSelector } from "../../src/query/promql/print-promql";
import { encodeStringLiteral } from "../../src/query/promql/string-literal";

const HOUSE: LabelMatcher[] = [{ name: "household", op: "=", value: "a" }];

const value = fc.oneof(fc.constantFrom("a", "b", ".*", "x|y", "", 'q"uote', "back\\slash", "new\nline", "é☃"), fc.string({ maxLength: 6 }));
/** The same value written as a "…", '…' or `…` literal (raw strings cannot hold a backtick). */
const quoted = fc.tuple(value, fc.constantFrom("double", "single", "raw")).map(([v, style]) => {
  if (style === "single") return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
  if (style === "raw" && !v.includes("`")) return `\`${v}\``;
  return encodeStringLiteral(v);
});
const labelName = fc.constantFrom("household", "job", "device_id", "__name__", '"household"', '"odd.name"');
const matcher = fc.tuple(labelName, fc.constantFrom("=", "!=", "=~", "!~"), quoted).map(([n, op, v]) => `${n}${op}${v}`);
const metric = fc.constantFrom("up", "switchbot_power_watts", "node:cpu:rate5m", "sum_total");
const selector = fc.tuple(fc.option(metric, { nil: undefined }), fc.array(matcher, { maxLength: 3 }))
  .map(([name, ms]) => `${name ?? ""}${ms.length > 0 || !name ? `{${ms.join(",")}}` : ""}`);
const duration = fc.constantFrom("5m", "1h", "30s", "1h30m", "90");

const { expr } = fc.letrec<{ expr: string; matrix: string }>((tie) => ({
  matrix: fc.oneof(
    fc.tuple(selector, duration).map(([s, d]) => `${s}[${d}]`),
    fc.tuple(tie("expr"), duration, fc.option(duration, { nil: undefined })).map(([e, r, step]) => `(${e})[${r}:${step ?? ""}]`),
  ),
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    selector,
    fc.constantFrom("1", "-2.5", "0x1f", "Inf", "NaN", '"text"', "vector(1)", "time()"),
    fc.tuple(fc.constantFrom("rate", "increase", "max_over_time", "absent_over_time", "quantile_over_time(0.5,"), tie("matrix"))
      .map(([f, m]) => (f.endsWith(",") ? `${f} ${m})` : `${f}(${m})`)),
    fc.tuple(fc.constantFrom("sum", "avg", "count", "topk(2,", "count_values(\"v\","), fc.constantFrom("", " by (job)", " without (device_id)"), tie("expr"))
      .map(([op, mod, e]) => (op.endsWith(",") ? `${op} ${e})${mod}` : `${op}${mod} (${e})`)),
    fc.tuple(tie("expr"), fc.constantFrom("+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=", "and", "or", "unless", "atan2"),
      fc.constantFrom("", " bool", " on(job)", " ignoring(household)", " on(job) group_left(device_id)", " on() group_right"), tie("expr"))
      .map(([l, op, mod, r]) => `${l} ${op}${["==", "!=", ">", "<", ">=", "<="].includes(op) ? mod : mod.replace(" bool", "")} ${r}`),
    tie("expr").map((e) => `label_replace(${e}, "household", "b", "", "")`),
    tie("expr").map((e) => `(${e})`),
    tie("expr").map((e) => `-${e}`),
    fc.tuple(selector, fc.constantFrom(" offset 5m", " @ 1700000000", " @ end()", " offset -1h @ start()")).map(([s, m]) => `${s}${m}`),
    tie("expr").map((e) => `${e} # comment {household="b"}\n`),
  ),
}));

function selectors(query: string): SeriesSelector[] {
  const found: SeriesSelector[] = [];
  printPromql(parsePromql(query), (s) => {
    found.push(s);
    return s;
  });
  return found;
}

describe("enforcement over generated PromQL", () => {
  it("puts the token's matcher in every selector exactly once, prints parseable PromQL, and is a fixed point", () => {
    let enforced = 0;
    fc.assert(
      fc.property(expr, (query) => {
        let output: string;
        try {
          output = injectIntoQuery(query, HOUSE);
        } catch (error) {
          // The generator can build things PromQL refuses (e.g. a duration where a number must be): a clean 400.
          expect(error).toBeInstanceOf(RequestError);
          expect((error as RequestError).status).toBe(400);
          return;
        }
        enforced++;
        for (const s of selectors(output)) {
          expect(s.matchers.filter((m) => m.name === "household")).toEqual(HOUSE);
        }
        expect(injectIntoQuery(output, HOUSE)).toBe(output);
      }),
      { numRuns: 2000, seed: 20261122 },
    );
    expect(enforced).toBeGreaterThan(1500);
  });

  it("prints canonically: printing what it printed changes nothing", () => {
    fc.assert(
      fc.property(expr, (query) => {
        let once: string;
        try {
          once = printPromql(parsePromql(query));
        } catch {
          return;
        }
        expect(printPromql(parsePromql(once))).toBe(once);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});

describe("enforcement over arbitrary text", () => {
  it("answers anything that is not PromQL with a 400, never a crash", () => {
    const text = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: fc.constantFrom(..."{}()[]\"'`=~!,:@#\\ \nabcsumbyon0-+*/^") , maxLength: 60 }));
    fc.assert(
      fc.property(text, (query) => {
        try {
          const output = injectIntoQuery(query, HOUSE);
          for (const s of selectors(output)) expect(s.matchers).toContainEqual(HOUSE[0]);
        } catch (error) {
          expect(error).toBeInstanceOf(RequestError);
          expect((error as RequestError).status).toBe(400);
          expect((error as RequestError).message.length).toBeLessThan(300);
        }
      }),
      { numRuns: 5000, seed: 99 },
    );
  });
});
