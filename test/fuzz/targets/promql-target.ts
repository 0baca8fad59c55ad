/**
 * Fuzz target for PromQL label enforcement (query/promql/enforce-matchers.ts), what stands between a scoped read
 * token and other households' series: any query either is refused as 400 bad_data, or comes out as a query that
 * parses again, carries the token's matchers in every selector (the module's own check fails the request with a
 * 500 otherwise — which here is a violation), and is a fixed point: enforcing twice selects the same series
 * (the same matchers in every selector; their order inside a selector may change, as it means nothing).
 * Same for `match[]` selectors.
 */
import fc from "fast-check";
import { parseTokenMatchers } from "@ampgate/core/auth/read-tokens";
import { RequestError } from "@ampgate/core/errors";
import { injectIntoQuery, injectIntoSeriesSelector } from "@ampgate/core/query/promql/enforce-matchers";
import { parsePromql } from "@ampgate/core/query/promql/parse-promql";
import { printPromql } from "@ampgate/core/query/promql/print-promql";
import { grammarText, mutated, utf8 } from "../support/mutate";
import { FuzzViolation, type FuzzOutcome } from "../support/outcome";
import type { FuzzTarget } from "./fuzz-target";

const TOKEN_MATCHERS = parseTokenMatchers('{household="a", __name__=~"switchbot_.+|room_.+"}', "fuzz token");

/** A small PromQL grammar: selectors, functions, aggregations, binary operators, subqueries, offset and @. */
const selector = fc.tuple(
  fc.constantFrom("", "switchbot_power_watts", "room_temperature", "up", "x"),
  fc.array(fc.tuple(fc.constantFrom("household", "room", "__name__", "job", "a"), fc.constantFrom("=", "!=", "=~", "!~"), fc.constantFrom("a", "b", ".*", "", "a|b", 'x\\"y')), { maxLength: 3 }),
).map(([name, matchers]) => {
  const body = matchers.map(([n, op, v]) => `${n}${op}"${v}"`).join(",");
  return name && !body ? name : `${name}{${body || 'household="b"'}}`;
});
const promql: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    selector,
    selector.map((s) => `rate(${s}[5m])`),
    selector.map((s) => `${s} offset 1h`),
    selector.map((s) => `${s} @ start()`),
    fc.tuple(fc.constantFrom("sum", "max", "count", "topk(3,"), tie("expr"), fc.constantFrom("", " by (room)", " without (household)")).map(([agg, e, by]) =>
      agg.endsWith(",") ? `${agg} ${e})${by}` : `${agg}${by}(${e})`),
    fc.tuple(tie("expr"), fc.constantFrom(" + ", " or ", " and ", " unless ", " / on(room) group_left ", " > bool "), tie("expr")).map(([a, op, b]) => `${a}${op}${b}`),
    tie("expr").map((e) => `(${e})[10m:1m]`),
    tie("expr").map((e) => `label_replace(${e}, "household", "b", "", "")`),
    fc.constantFrom("1", "time()", "vector(1)", '"s"'),
  ),
})).expr;

/** The query with each selector's matchers in a fixed order: equal strings mean equal selections. */
function canonical(query: string): string {
  const key = (m: { name: string; op: string; value: string }) => `${m.name}\u0000${m.op}\u0000${m.value}`;
  return printPromql(parsePromql(query), (s) => ({ ...s, matchers: [...s.matchers].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) }));
}

function selectorCount(query: string): number {
  let count = 0;
  printPromql(parsePromql(query), (s) => (count++, s));
  return count;
}

function enforce(text: string): FuzzOutcome {
  let output: string;
  try {
    output = injectIntoQuery(text, TOKEN_MATCHERS);
  } catch (error) {
    if (error instanceof RequestError && error.status === 400) return { status: 400, message: error.message, written: [] };
    throw new FuzzViolation(`enforcement of ${JSON.stringify(text.slice(0, 200))} threw ${(error as Error).name} ${(error as RequestError).status ?? ""}: ${(error as Error).message}`);
  }
  let again: string;
  try {
    again = injectIntoQuery(output, TOKEN_MATCHERS);
  } catch (error) {
    throw new FuzzViolation(`enforced output ${JSON.stringify(output.slice(0, 200))} does not enforce again: ${(error as Error).message}`);
  }
  if (canonical(again) !== canonical(output)) throw new FuzzViolation(`enforcement is not a fixed point: ${JSON.stringify(output)} → ${JSON.stringify(again)}`);
  // match[] (series/labels APIs): a plain selector or a 400, never anything else.
  try {
    injectIntoSeriesSelector(text, TOKEN_MATCHERS);
  } catch (error) {
    if (!(error instanceof RequestError && error.status === 400)) throw new FuzzViolation(`match[] ${JSON.stringify(text.slice(0, 200))} threw ${(error as Error).message}`);
  }
  return { status: 200, written: [output as never] };
}

export const promqlEnforcement: FuzzTarget = {
  name: "promql-enforcement",
  drives: "PromQL label enforcement of a scoped read token (query and match[])",
  cases: fc.oneof(
    { weight: 3, arbitrary: promql.map((text) => ({
      input: utf8(text),
      check: (outcome: FuzzOutcome) => {
        if (outcome.status === 200 && selectorCount(String(outcome.written[0])) > 0 && !String(outcome.written[0]).includes('household="a"')) {
          throw new FuzzViolation(`no household matcher in ${outcome.written[0]}`);
        }
      },
    })) },
    { weight: 3, arbitrary: mutated(promql.map(utf8)).map((input) => ({ input })) },
    { weight: 2, arbitrary: grammarText('abxhousehold_:{}[]()=~!",.0123456789+-*/^%@ \\\'`#smhdwybyonoffsetandorunlessgroup_leftsumrate', 200).map((input) => ({ input })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 120 }).map((input) => ({ input })) },
  ),
  async run(input) {
    return enforce(new TextDecoder().decode(input));
  },
  large: [
    { what: "a query of 10,000 selectors joined by or", input: () => utf8(Array.from({ length: 10_000 }, (_, i) => `m${i}{room="r"}`).join(" or ")) },
    { what: "10,000 nested parentheses", input: () => utf8(`${"(".repeat(10_000)}up${")".repeat(10_000)}`) },
    { what: "a 1 MiB label value", input: () => utf8(`up{room="${"r".repeat(1024 * 1024)}"}`) },
  ],
};
