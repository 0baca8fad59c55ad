/**
 * Label enforcement against real data: two households' series in one real Prometheus (behind the SigV4 stand-in),
 * a read token scoped to household "a", and every escape we know of — `or`, `on()`, subqueries, `label_replace`,
 * regex and `__name__` matchers, series/labels with and without `match[]`. Household "b"'s data is made
 * recognisable (ids, names, a metric of its own, values ≥ 1e6), so any leak shows in the answer.
 *
 * Then a property test: random PromQL from a grammar of the constructs above, answered by the router over the
 * mixed store, must equal the same enforced query evaluated by a second Prometheus that holds only household
 * "a"'s data — which can only hold if no selector ever reached "b"'s series.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { injectIntoQuery } from "@ampgate/core/query/promql/enforce-matchers";
import { startPrometheus, type PrometheusProcess } from "../../local/prometheus-process";
import { postRemoteWrite, writeRequest, type SeriesSpec } from "../support/remote-write";
import { waitFor } from "../support/wait-for";
import { PROMETHEUS_WITH_HISTORY, queryClient, readToken, startQueryBackend, type QueryBackend } from "./query-harness";

const HOUSE_A = [{ name: "household", op: "=" as const, value: "a" }];
const reader = readToken("house-a", HOUSE_A);
const admin = readToken("admin");
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const T = NOW - 60_000;

function minutes(count: number, value: (i: number) => number): Array<[number, number]> {
  return Array.from({ length: count }, (_, i) => [T - (count - 1 - i) * 60_000, value(i)]);
}

const HOUSE_A_SERIES: SeriesSpec[] = [
  { labels: { __name__: "switchbot_power_watts", household: "a", device_id: "A1", device_name: "Fan" }, samples: minutes(30, (i) => 10 + (i % 5)) },
  { labels: { __name__: "switchbot_power_watts", household: "a", device_id: "A2", device_name: "Desk" }, samples: minutes(30, (i) => 40 + (i % 3)) },
  { labels: { __name__: "switchbot_energy_watt_hours_total", household: "a", device_id: "A1", device_name: "Fan" }, samples: minutes(30, (i) => 100 + i) },
];
const FOREIGN_SERIES: SeriesSpec[] = [
  { labels: { __name__: "switchbot_power_watts", household: "b", device_id: "B1", device_name: "Heater" }, samples: minutes(30, (i) => 1_000_000 + i) },
  { labels: { __name__: "switchbot_energy_watt_hours_total", household: "b", device_id: "B1", device_name: "Heater" }, samples: minutes(30, (i) => 5_000_000 + i * 1000) },
  { labels: { __name__: "secret_b_only", household: "b", device_id: "B1", device_name: "Heater" }, samples: minutes(30, () => 2_000_000) },
  { labels: { __name__: "unlabeled_metric", device_id: "B9" }, samples: minutes(30, () => 3_000_000) },
];

let backend: QueryBackend;
let onlyA: PrometheusProcess;
let call: ReturnType<typeof queryClient>;

beforeAll(async () => {
  backend = await startQueryBackend();
  onlyA = await startPrometheus({ mode: "server", config: PROMETHEUS_WITH_HISTORY });
  await backend.write([...HOUSE_A_SERIES, ...FOREIGN_SERIES]);
  const response = await postRemoteWrite(`${onlyA.url}/api/v1/write`, writeRequest(HOUSE_A_SERIES));
  expect(response.status).toBe(204);
  call = queryClient(backend, { tokens: [reader.record, admin.record] });
  await waitFor("both stores to answer", async () => {
    const mixed = await call("GET", "/api/v1/query", { token: admin.token, query: { query: "count(secret_b_only)", time: String(T / 1000) } });
    const a = (await backend.promQuery("count(switchbot_power_watts)", T)) as { data: { result: unknown[] } };
    return mixed.json?.data?.result?.length === 1 && a.data.result.length === 1 ? true : undefined;
  });
});

afterAll(async () => {
  await backend?.stop();
  await onlyA?.stop();
});

/** Nothing of household "b" (or unlabelled series) in an answer: no ids, names, metric, label value or value. */
function assertNoForeignData(answer: unknown): void {
  const text = JSON.stringify(answer);
  for (const marker of ["B1", "B9", "Heater", "secret_b_only", "unlabeled_metric", '"household":"b"']) expect(text).not.toContain(marker);
  const numbers = [...text.matchAll(/"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"/g)].map((m) => Number(m[1]));
  for (const n of numbers) expect(n).toBeLessThan(1_000_000);
}

const ESCAPES = [
  "secret_b_only",
  '{household="b"}',
  '{__name__=~".+"}',
  '{__name__=~".+", household=~".*"}',
  '{__name__=~"secret.*|switchbot.*"}',
  '{household!="a"}',
  '{household=~"b|a"}',
  "switchbot_power_watts or secret_b_only",
  "switchbot_power_watts or on() secret_b_only",
  "vector(1) and on() secret_b_only",
  "switchbot_power_watts unless on(household) secret_b_only",
  "switchbot_power_watts * on(device_id) group_left(device_name) secret_b_only",
  'label_replace(secret_b_only, "household", "a", "", "")',
  'label_replace({household="b"}, "household", "a", "household", ".*")',
  'label_join({household="b"}, "x", ",", "device_name")',
  "max_over_time(secret_b_only[10m:1m])",
  "max_over_time((switchbot_power_watts or secret_b_only)[10m:1m])",
  'rate(switchbot_energy_watt_hours_total{household=~"a|b"}[5m])',
  "sum(switchbot_power_watts) + sum(secret_b_only)",
  'count({__name__=~".+"})',
  "secret_b_only offset 5m",
  "secret_b_only @ end()",
  'sum by (household) ({__name__=~".+"})',
  "topk(10, unlabeled_metric)",
  'absent(nothing{household="b"})',
  '{__name__="secret_b_only", household!="a"}',
];

describe("queries that try to escape a household token", () => {
  it.each(ESCAPES)("instant: %s", async (query) => {
    const answer = await call("POST", "/api/v1/query", { token: reader.token, form: { query, time: String(T / 1000) } });
    expect(answer.status).toBe(200);
    expect(answer.json.status).toBe("success");
    assertNoForeignData(answer.json);
  });

  it.each(ESCAPES)("range: %s", async (query) => {
    const answer = await call("GET", "/api/v1/query_range", {
      token: reader.token, query: { query, start: String((T - 20 * 60_000) / 1000), end: String(T / 1000), step: "60" },
    });
    expect(answer.status).toBe(200);
    assertNoForeignData(answer.json);
  });

  it("still sees its own data: the household's sum and nothing more", async () => {
    const answer = await call("GET", "/api/v1/query", { token: reader.token, query: { query: "sum(switchbot_power_watts)", time: String(T / 1000) } });
    const admins = await call("GET", "/api/v1/query", { token: admin.token, query: { query: 'sum(switchbot_power_watts{household="a"})', time: String(T / 1000) } });
    expect(answer.json.data.result[0].value[1]).toBe(admins.json.data.result[0].value[1]);
    const all = await call("GET", "/api/v1/query", { token: admin.token, query: { query: "sum(switchbot_power_watts)", time: String(T / 1000) } });
    expect(Number(all.json.data.result[0].value[1])).toBeGreaterThan(1_000_000); // the foreign data is really there
  });
});

describe("metadata APIs under a household token", () => {
  const range = { start: String((T - 3_600_000) / 1000), end: String(T / 1000) };

  const cases: Array<[string, string, Record<string, string | string[]>]> = [
    ["series with foreign match[]", "/api/v1/series", { ...range, "match[]": ['{household="b"}', '{__name__=~".+"}', "secret_b_only"] }],
    ["series without match[]", "/api/v1/series", range],
    ["labels without match[]", "/api/v1/labels", range],
    ["labels with match[]", "/api/v1/labels", { ...range, "match[]": ['{__name__=~".+"}'] }],
    ["__name__ values", "/api/v1/label/__name__/values", range],
    ["household values", "/api/v1/label/household/values", range],
    ["device_name values with foreign match[]", "/api/v1/label/device_name/values", { ...range, "match[]": '{household="b"}' }],
    ["metadata", "/api/v1/metadata", {}],
  ];
  it.each(cases)("%s", async (_what, path, query) => {
    for (const method of path.includes("/label/") || path.endsWith("metadata") ? ["GET"] : ["GET", "POST"]) {
      const answer = method === "GET"
        ? await call(method, path, { token: reader.token, query })
        : await call(method, path, { token: reader.token, form: query });
      expect(answer.status).toBe(200);
      assertNoForeignData(answer.json);
    }
  });

  it("lists the household's own series and label values", async () => {
    const series = await call("POST", "/api/v1/series", { token: reader.token, form: { "match[]": "switchbot_power_watts", ...range } });
    expect(series.json.data.map((s: Record<string, string>) => s.device_name).sort()).toEqual(["Desk", "Fan"]);
    const names = await call("GET", "/api/v1/label/device_name/values", { token: reader.token, query: range });
    expect(names.json.data).toEqual(["Desk", "Fan"]);
  });
});

describe("property: a household token's answers do not depend on other households' data", () => {
  const metric = fc.constantFrom("switchbot_power_watts", "secret_b_only", "switchbot_energy_watt_hours_total", "unlabeled_metric");
  const matcher = fc.tuple(
    fc.constantFrom("household", "device_id", "__name__", "device_name"),
    fc.constantFrom("=", "!=", "=~", "!~"),
    fc.constantFrom("a", "b", ".*", ".+", "B1", "A1", "secret_b_only", "Heater|Fan", ""),
  ).map(([name, op, value]) => `${name}${op}"${value}"`);
  const selector = fc.tuple(fc.option(metric, { nil: undefined }), fc.array(matcher, { maxLength: 3 }))
    .map(([name, matchers]) => `${name ?? ""}${matchers.length > 0 || !name ? `{${matchers.join(", ")}}` : ""}`);
  const { expr } = fc.letrec<{ expr: string; rangeVector: string }>((tie) => ({
    rangeVector: fc.oneof(
      selector.map((s) => `${s}[5m]`),
      tie("expr").map((e) => `(${e})[10m:1m]`),
    ),
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      selector,
      fc.tuple(fc.constantFrom("rate", "max_over_time", "count_over_time", "last_over_time"), tie("rangeVector")).map(([f, r]) => `${f}(${r})`),
      fc.tuple(fc.constantFrom("sum", "count", "max", "group"), fc.constantFrom("", " by (household)", " by (device_id)", " without (device_name)"), tie("expr"))
        .map(([op, by, e]) => `${op}${by} (${e})`),
      fc.tuple(tie("expr"), fc.constantFrom("or", "and", "unless", "+", "*", ">"), fc.constantFrom("", " on()", " on(device_id)", " ignoring(household)"), tie("expr"))
        .map(([l, op, matching, r]) => `(${l}) ${op}${matching} (${r})`),
      tie("expr").map((e) => `label_replace(${e}, "household", "a", "", "")`),
      tie("expr").map((e) => `(${e}) offset 2m`),
      tie("expr").map((e) => `topk(3, ${e})`),
      fc.constant("vector(1)"),
    ),
  }));

  const sortResult = (answer: any) => {
    if (answer?.status !== "success") return { status: answer?.status, errorType: answer?.errorType };
    const result = answer.data.result;
    return {
      resultType: answer.data.resultType,
      result: Array.isArray(result) && typeof result[0] === "object"
        ? [...result].sort((x: any, y: any) => JSON.stringify(x.metric).localeCompare(JSON.stringify(y.metric)))
        : result,
    };
  };

  it("equals the same enforced query evaluated where only household a's data exists", async () => {
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(expr, async (query) => {
        tried++;
        const enforced = injectIntoQuery(query, HOUSE_A);
        const mixed = await call("POST", "/api/v1/query", { token: reader.token, form: { query, time: String(T / 1000) } });
        const oracle = await (await fetch(`${onlyA.url}/api/v1/query`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ query: enforced, time: String(T / 1000) }),
        })).json();
        expect(sortResult(mixed.json)).toEqual(sortResult(oracle));
        if (mixed.json.status === "success") assertNoForeignData(mixed.json);
      }),
      { numRuns: 150, seed: 4242 },
    );
    expect(tried).toBeGreaterThanOrEqual(150);
  });
});
