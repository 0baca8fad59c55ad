/**
 * The Grafana assets in docs/grafana: provisioning YAML names the Prometheus type and the custom header; every
 * panel query of both dashboards parses with the real PromQL grammar and uses only metric names that exist
 * (the SwitchBot catalog in core, issue #9's pipeline metrics); and every SwitchBot-home panel returns data when
 * evaluated through the query API over two days of SwitchBot-shaped series in a real Prometheus.
 * (Issue #9's own test does the same for the pipeline-health panels after a traffic run.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePromql } from "@ampgate/core/query/promql/parse-promql";
import { printPromql } from "@ampgate/core/query/promql/print-promql";
import { METRICS } from "@ampgate/core/switchbot/metric-catalog";
import { SELF_METRICS, seriesNames, type SelfMetricName } from "@ampgate/core/telemetry/self-metric-catalog";
import type { SeriesSpec } from "../support/remote-write";
import { queryClient, readToken, startQueryBackend, type QueryBackend } from "./query-harness";

const DOCS = join(import.meta.dirname, "../../docs/grafana");

interface Target { expr: string; refId: string; instant?: boolean; interval?: string }
interface Panel { title: string; type: string; datasource: { uid: string }; targets: Target[] }
/** Text panels (the pipeline dashboard's note on the dead-letter queue, which lives in CloudWatch) query nothing. */
const queried = (panels: Panel[]) => panels.filter((panel) => panel.type !== "text");
interface Dashboard { uid: string; title: string; panels: Panel[]; templating: { list: Array<{ name: string; type: string }> } }

const load = (name: string) => JSON.parse(readFileSync(join(DOCS, name), "utf8")) as Dashboard;
const home = load("switchbot-home.json");
const health = load("pipeline-health.json");

/** Grafana expands these before a query reaches the data source (reference §4.1). */
function expand(expr: string): string {
  const values: Record<string, string> = { __rate_interval: "5m", __range: "1d", __interval: "1m", device: ".*", price: "0.3", source: ".*" };
  return expr.replace(/\$(\w+)/g, (whole, name: string) => values[name] ?? whole);
}

function metricNames(expr: string): string[] {
  const names: string[] = [];
  printPromql(parsePromql(expr), (selector) => {
    if (selector.metricName) names.push(selector.metricName);
    return selector;
  });
  return names;
}

/** Pipeline metrics: every series name of ampgate's self-metrics catalog (issue #9). */
const PIPELINE_METRICS = new Set(Object.keys(SELF_METRICS).flatMap((name) => seriesNames(name as SelfMetricName)));

describe("provisioning", () => {
  it("configures Grafana's Prometheus data source with the custom Authorization header", () => {
    const yaml = readFileSync(join(DOCS, "datasource-prometheus.yaml"), "utf8");
    for (const line of ["type: prometheus", "uid: ampgate-amp", "httpHeaderName1: Authorization", "httpHeaderValue1: Bearer ${AMPGATE_READ_TOKEN}", "url: ${AMPGATE_URL}", "disableRecordingRules: true"]) {
      expect(yaml).toContain(line);
    }
  });
});

describe.each([["SwitchBot home", home], ["pipeline health", health]])("%s dashboard", (_name, dashboard) => {
  it("lets the user pick the data source and uses it in every panel", () => {
    expect(dashboard.templating.list[0]).toMatchObject({ name: "ds", type: "datasource" });
    for (const panel of queried(dashboard.panels)) expect(panel.datasource.uid).toBe("${ds}");
  });

  it("has panel queries that parse as PromQL and name only metrics that exist", () => {
    const known = new Set([...Object.keys(METRICS), ...PIPELINE_METRICS]);
    for (const panel of queried(dashboard.panels)) {
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) {
        const names = metricNames(expand(target.expr));
        expect(names.length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
        for (const name of names) expect(known.has(name), `${panel.title}: unknown metric ${name}`).toBe(true);
      }
    }
  });
});

describe("SwitchBot home panels on real data", () => {
  const HOUR = 3_600_000;
  const NOW = Math.floor(Date.now() / 60_000) * 60_000;
  const every10min = (hours: number, value: (t: number) => number): Array<[number, number]> =>
    Array.from({ length: hours * 6 + 1 }, (_, i) => NOW - hours * HOUR + i * 600_000).map((t) => [t, value(t)] as [number, number]);
  const plug = { device_id: "6055F92D0A11", device_name: "Washing machine", device_type: "Plug Mini (EU)" };
  const meter = { device_id: "D1E2F3A4B5C6", device_name: "Bedroom", device_type: "MeterPro(CO2)" };
  const SERIES: SeriesSpec[] = [
    ...[plug, meter].map((d) => ({ labels: { __name__: "switchbot_device_info", ...d }, samples: every10min(50, () => 1) })),
    { labels: { __name__: "switchbot_power_watts", ...plug }, samples: every10min(50, (t) => 100 + (t / HOUR) % 7) },
    { labels: { __name__: "switchbot_energy_watt_hours_total", ...plug }, samples: every10min(50, (t) => (t - (NOW - 50 * HOUR)) / HOUR * 100) },
    { labels: { __name__: "switchbot_temperature_celsius", ...meter }, samples: every10min(50, () => 19.5) },
    { labels: { __name__: "switchbot_humidity_percent", ...meter }, samples: every10min(50, () => 55) },
    { labels: { __name__: "switchbot_co2_ppm", ...meter }, samples: every10min(50, () => 640) },
    { labels: { __name__: "switchbot_battery_percent", ...meter }, samples: every10min(50, () => 60) },
  ];
  const reader = readToken("grafana");
  let backend: QueryBackend;
  let call: ReturnType<typeof queryClient>;

  beforeAll(async () => {
    backend = await startQueryBackend();
    await backend.write(SERIES);
    call = queryClient(backend, { tokens: [reader.record] });
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it.each(home.panels.flatMap((panel) => panel.targets.map((target) => [panel.title, target] as const)))("%s returns data", async (_title, target) => {
    const query = expand(target.expr);
    const answer = target.instant
      ? await call("POST", "/api/v1/query", { token: reader.token, form: { query, time: String(NOW / 1000) } })
      : await call("POST", "/api/v1/query_range", {
        token: reader.token,
        form: { query, start: String((NOW - 24 * HOUR) / 1000), end: String(NOW / 1000), step: target.interval === "1d" ? "86400" : "600" },
      });
    expect(answer.status).toBe(200);
    expect(answer.json.data.result.length, query).toBeGreaterThan(0);
  });
});
