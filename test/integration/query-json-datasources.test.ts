/**
 * JSON API / Infinity rows and the simPod protocol against real data in Prometheus (through the SigV4 stand-in):
 * the field paths docs/grafana/README.md documents are evaluated with jsonpath-plus (the library JSON API itself
 * uses, with eval off) and must give equal-length columns of the right types; simPod answers are validated
 * against the shapes of reference §2.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { JSONPath } from "jsonpath-plus";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SeriesSpec } from "../support/remote-write";
import { waitFor } from "../support/wait-for";
import { queryClient, readToken, startQueryBackend, type QueryBackend } from "./query-harness";

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const reader = readToken("home", [{ name: "household", op: "=", value: "home" }]);
let backend: QueryBackend;
let call: ReturnType<typeof queryClient>;

const DEVICES = [
  { device_id: "6055F92D0A11", device_name: "Washing machine", device_type: "Plug Mini (EU)", hub_id: "" },
  { device_id: "6055F92D0B22", device_name: "Desk", device_type: "Plug Mini (US)", hub_id: "" },
  { device_id: "C4A1B2C3D4E5", device_name: "Living room", device_type: "Meter", hub_id: "E1F2A3B4C5D6" },
];
const [washer, desk, meter] = DEVICES as [typeof DEVICES[0], typeof DEVICES[0], typeof DEVICES[0]];
const labelsOf = (d: typeof washer) => Object.fromEntries(Object.entries(d).filter(([, value]) => value !== ""));
const minutes = (count: number, value: (i: number) => number): Array<[number, number]> =>
  Array.from({ length: count }, (_, i) => [NOW - (count - 1 - i) * 60_000, value(i)]);

const SERIES: SeriesSpec[] = [
  ...DEVICES.map((d) => ({ labels: { __name__: "switchbot_device_info", household: "home", cloud_enabled: "true", ...labelsOf(d) }, samples: minutes(60, () => 1) })),
  { labels: { __name__: "switchbot_power_watts", household: "home", ...labelsOf(washer) }, samples: minutes(60, (i) => (i % 10 < 5 ? 2000 : 5)) },
  { labels: { __name__: "switchbot_power_watts", household: "home", ...labelsOf(desk) }, samples: minutes(60, (i) => (i === 30 ? Number.NaN : 60 + i)) },
  { labels: { __name__: "switchbot_temperature_celsius", household: "home", ...labelsOf(meter) }, samples: minutes(60, (i) => 21 + i / 100) },
  { labels: { __name__: "switchbot_humidity_percent", household: "home", ...labelsOf(meter) }, samples: minutes(60, () => 48) },
  { labels: { __name__: "switchbot_power_watts", household: "neighbour", device_id: "FFFFFFFFFFFF", device_name: "Sauna" }, samples: minutes(60, () => 9000) },
];

beforeAll(async () => {
  backend = await startQueryBackend();
  await backend.write(SERIES);
  call = queryClient(backend, { tokens: [reader.record] });
  await waitFor("the written series", async () => {
    const answer = await call("GET", "/json/devices", { token: reader.token });
    return answer.json?.rows?.length === 3 ? true : undefined;
  });
});

afterAll(async () => {
  await backend?.stop();
});

/** The JSONPath column of a documented table: rows after the `<!-- marker -->` comment, until a blank line. */
function documentedFields(marker: string): Array<{ field: string; path: string; type: string }> {
  const readme = readFileSync(join(import.meta.dirname, "../../docs/grafana/README.md"), "utf8");
  const after = readme.slice(readme.indexOf(`<!-- ${marker}`));
  const table = after.slice(0, after.indexOf("\n\n")).split("\n").filter((line) => line.includes("`$"));
  return table.map((line) => {
    const cells = line.split("|").map((c) => c.trim()).filter(Boolean);
    return { field: cells[0]!, path: cells[1]!.replace(/`/g, ""), type: cells[2]! };
  });
}

/** JSON API evaluates fields with jsonpath-plus, `eval: false` (reference §1.4). */
const column = (json: unknown, path: string): unknown[] => JSONPath({ path, json: json as object, wrap: true, eval: false }) as unknown[];

function checkType(values: unknown[], type: string): void {
  for (const value of values) {
    if (type === "Time") expect(typeof value === "number" && value > 1e12).toBe(true); // epoch milliseconds
    else if (type === "Number") expect(value === null || typeof value === "number").toBe(true);
    else expect(typeof value).toBe("string");
  }
}

describe("JSON API / Infinity rows", () => {
  it("documented /range fields give equal-length, typed columns, and Group by series splits them per device", async () => {
    const fields = documentedFields("json-api-range-fields");
    expect(fields.map((f) => f.field)).toEqual(["Time", "Value", "Series"]);
    const answer = await call("GET", "/json/range", {
      token: reader.token,
      query: { query: "switchbot_power_watts", from: String(NOW - 30 * 60_000), to: String(NOW), step: "1m", legend: "{{device_name}}" },
    });
    expect(answer.status).toBe(200);
    const columns = fields.map((f) => column(answer.json, f.path));
    expect(columns[0]!.length).toBe(62); // 31 points × 2 plugs
    for (const [i, f] of fields.entries()) {
      expect(columns[i]!.length).toBe(columns[0]!.length);
      checkType(columns[i]!, f.type);
    }
    expect(new Set(columns[2])).toEqual(new Set(["Washing machine", "Desk"]));
    // Every label is a field of every row, so label columns are equal-length too.
    for (const label of ["device_id", "device_name", "device_type", "household", "__name__"]) {
      expect(column(answer.json, `$.rows[*].${label}`).length).toBe(columns[0]!.length);
    }
    expect(column(answer.json, "$.rows[*].value")).toContain(null); // the NaN sample
    expect(JSON.stringify(answer.json)).not.toContain("Sauna");
  });

  it("accepts Grafana's ${__from} in ms, seconds and ISO dates alike, and picks a step when none is given", async () => {
    const fromMs = NOW - 10 * 60_000;
    const variants = [String(fromMs), String(fromMs / 1000), new Date(fromMs).toISOString()];
    const answers = await Promise.all(variants.map((from) => call("GET", "/json/range", {
      token: reader.token, query: { query: "switchbot_temperature_celsius", from, to: String(NOW), step: "60" },
    })));
    for (const answer of answers) expect(answer.json).toEqual(answers[0]!.json);
    const auto = await call("GET", "/json/range", { token: reader.token, query: { query: "switchbot_temperature_celsius", from: "now-1h", to: "now" } });
    expect(auto.status).toBe(200);
    expect(auto.json.rows.length).toBeGreaterThan(30);
  });

  it("answers instant rows at one time from /query", async () => {
    const answer = await call("GET", "/json/query", { token: reader.token, query: { query: "switchbot_humidity_percent", time: String(NOW) } });
    expect(answer.json.rows).toEqual([expect.objectContaining({ time: NOW, value: 48, device_name: "Living room", series: expect.stringContaining("switchbot_humidity_percent{") })]);
  });

  it("lists devices with one row each (variables and tables)", async () => {
    const answer = await call("GET", "/json/devices", { token: reader.token });
    expect(answer.json.rows.map((r: any) => r.device_name)).toEqual(["Desk", "Living room", "Washing machine"]);
    expect(column(answer.json, "$.rows[*].device_id")).toHaveLength(3);
    expect(answer.json.rows[1]).toMatchObject({ device_id: meter.device_id, device_type: "Meter", hub_id: meter.hub_id, __text: "Living room", __value: meter.device_id });
  });

  it("explains a bad request in the Prometheus envelope", async () => {
    const answer = await call("GET", "/json/range", { token: reader.token, query: { query: "rate(", from: "now-1h" } });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status: "error", errorType: "bad_data" });
    expect((await call("GET", "/json/range", { token: reader.token, query: { query: "up", from: "yesterday" } })).json.error).toMatch(/"from"/);
  });

  it("answers Save & test at /json only for a valid token", async () => {
    expect((await call("GET", "/json", { token: reader.token })).json).toEqual({ status: "success", data: { token: "home", restricted: true } });
    expect((await call("GET", "/json", { token: "nope" })).status).toBe(401);
  });
});

describe("simPod JSON protocol", () => {
  const range = { from: new Date(NOW - 30 * 60_000).toISOString(), to: new Date(NOW).toISOString(), raw: { from: "now-30m", to: "now" } };
  const Timeseries = v.object({ target: v.string(), refId: v.string(), tags: v.record(v.string(), v.string()),
    datapoints: v.array(v.tuple([v.nullable(v.number()), v.pipe(v.number(), v.minValue(1e12))])) });
  const Table = v.object({ type: v.literal("table"), refId: v.string(), columns: v.array(v.object({ text: v.string(), type: v.optional(v.string()) })),
    rows: v.array(v.array(v.union([v.string(), v.number(), v.null()]))) });

  it("answers Save & test with 200", async () => {
    expect((await call("GET", "/grafana-json", { token: reader.token })).status).toBe(200);
    expect((await call("GET", "/grafana-json", { token: "nope" })).status).toBe(401);
  });

  it("/metrics lists the token's metric names with payload descriptors", async () => {
    const answer = await call("POST", "/grafana-json/metrics", { token: reader.token, json: {} });
    const parsed = v.parse(v.array(v.object({ label: v.string(), value: v.string(), payloads: v.array(v.object({
      name: v.string(), label: v.optional(v.string()), type: v.picklist(["select", "multi-select", "input", "textarea"]),
      options: v.optional(v.array(v.object({ label: v.optional(v.string()), value: v.string() }))) })) })), answer.json);
    expect(parsed.map((m) => m.value)).toEqual(expect.arrayContaining(["switchbot_power_watts", "switchbot_temperature_celsius"]));
    const one = await call("POST", "/grafana-json/metrics", { token: reader.token, json: { metric: "switchbot_power_watts" } });
    expect(one.json).toHaveLength(1);
  });

  it("/metric-payload-options offers the metric's devices and static formats", async () => {
    const devices = await call("POST", "/grafana-json/metric-payload-options", { token: reader.token, json: { metric: "switchbot_power_watts", payload: {}, name: "device_id" } });
    expect(devices.json).toEqual([{ label: "Washing machine", value: washer.device_id }, { label: "Desk", value: desk.device_id }]);
    const formats = await call("POST", "/grafana-json/metric-payload-options", { token: reader.token, json: { metric: "x", payload: {}, name: "format" } });
    expect(formats.json.map((o: any) => o.value)).toEqual(["timeseries", "table"]);
  });

  it("/query answers [value, ms] datapoints per series and tables, skipping hidden targets", async () => {
    const answer = await call("POST", "/grafana-json/query", {
      token: reader.token,
      json: {
        app: "dashboard", requestId: "Q1", timezone: "browser", panelId: 2, range, rangeRaw: range.raw, interval: "1m", intervalMs: 60_000, maxDataPoints: 500,
        targets: [
          { refId: "A", target: "switchbot_power_watts", payload: { legend: "{{device_name}}" }, datasource: { type: "simpod-json-datasource" } },
          { refId: "B", target: "switchbot_humidity_percent", payload: { format: "table" } },
          { refId: "C", target: "switchbot_temperature_celsius", hide: true },
        ],
        scopedVars: { __interval: { text: "1m", value: "1m" } },
      },
    });
    expect(answer.status).toBe(200);
    const series = answer.json.filter((item: any) => item.type !== "table").map((item: unknown) => v.parse(Timeseries, item));
    expect(series.map((s: any) => s.target).sort()).toEqual(["Desk", "Washing machine"]);
    expect(series[0].datapoints).toHaveLength(31);
    const tables = answer.json.filter((item: any) => item.type === "table").map((item: unknown) => v.parse(Table, item));
    expect(tables).toHaveLength(1);
    expect(tables[0].columns.at(-1)).toEqual({ text: "Value", type: "number" });
    expect(tables[0].rows[0].at(-1)).toBe(48);
    expect(JSON.stringify(answer.json)).not.toContain("Sauna");
  });

  it("/query narrows with ad-hoc filters, under both names, and with the device payload", async () => {
    const base = { range, intervalMs: 60_000, targets: [{ refId: "A", target: "switchbot_power_watts" }] };
    const filter = [{ key: "device_name", operator: "=", value: "Desk" }];
    for (const body of [{ ...base, filters: filter }, { ...base, adhocFilters: filter }]) {
      const answer = await call("POST", "/grafana-json/query", { token: reader.token, json: body });
      expect(answer.json.map((s: any) => s.tags.device_name)).toEqual(["Desk"]);
    }
    const multi = await call("POST", "/grafana-json/query", { token: reader.token, json: { ...base, filters: [{ key: "device_name", operator: "=|", value: "Desk", values: ["Desk", "Washing machine"] }] } });
    expect(multi.json).toHaveLength(2);
    const payload = await call("POST", "/grafana-json/query", { token: reader.token, json: { ...base, targets: [{ refId: "A", target: "switchbot_power_watts", payload: { device_id: [washer.device_id] } }] } });
    expect(payload.json.map((s: any) => s.tags.device_name)).toEqual(["Washing machine"]);
    const unsupported = await call("POST", "/grafana-json/query", { token: reader.token, json: { ...base, filters: [{ key: "x", operator: "<", value: "1" }] } });
    expect(unsupported.status).toBe(400);
  });

  it("/variable answers __text/__value options for the variable mini-language", async () => {
    const options = v.array(v.object({ __text: v.string(), __value: v.string() }));
    const ask = async (target: string) => v.parse(options, (await call("POST", "/grafana-json/variable", { token: reader.token, json: { payload: { target }, range } })).json);
    expect((await ask("label_values(device_name)")).map((o) => o.__text)).toEqual(["Desk", "Living room", "Washing machine"]);
    expect((await ask('label_values(switchbot_power_watts{device_type=~"Plug.*"}, device_name)')).map((o) => o.__value)).toEqual(["Desk", "Washing machine"]);
    expect((await ask("metrics(switchbot_(temperature|humidity).*)")).map((o) => o.__value)).toEqual(["switchbot_humidity_percent", "switchbot_temperature_celsius"]);
    expect((await ask("devices()")).map((o) => [o.__text, o.__value])).toContainEqual(["Living room", meter.device_id]);
    expect(await ask("label_names()")).toContainEqual({ __text: "device_name", __value: "device_name" });
    expect((await ask("count(switchbot_power_watts)"))[0]!.__text).toMatch(/^\{\} 2$/);
  });

  it("/tag-keys and /tag-values answer the ad-hoc filter pickers, honouring existing filters", async () => {
    const keys = await call("POST", "/grafana-json/tag-keys", { token: reader.token, json: {} });
    expect(v.parse(v.array(v.object({ type: v.literal("string"), text: v.string() })), keys.json).map((k) => k.text)).toContain("device_name");
    const values = await call("POST", "/grafana-json/tag-values", { token: reader.token, json: { key: "device_name", filters: [{ key: "device_type", operator: "=", value: "Meter" }] } });
    expect(values.json).toEqual([{ text: "Living room" }]);
    expect(JSON.stringify((await call("POST", "/grafana-json/tag-values", { token: reader.token, json: { key: "device_name" } })).json)).not.toContain("Sauna");
  });
});
