/**
 * The pipeline-health dashboard shows real data: traffic through the local stack exercises every function — pushes
 * (accepted, partial, AMP throttling once, AMP refusing one), SwitchBot polls against the simulator (one device
 * offline), a webhook delivery and a wrong-path probe, Grafana-style queries — with self-metrics flushed after
 * every invocation. Then every panel query of docs/grafana/pipeline-health.json, with Grafana's variables
 * substituted, is evaluated against the stand-in's query API (SigV4-signed, as AMP), and each must return data
 * with at least one real number: no panel silently empty, misspelled or NaN.
 *
 * The same run's log lines — one request line per invocation of every function — must parse against the
 * documented schema and carry no token or secret.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WriteRequest } from "@ampgate/core/remote-write/index";
import type { PollOutcome } from "@ampgate/core/switchbot/poller";
import { checkLogLine } from "@ampgate/core/telemetry/log-schema";
import type { LocalStack } from "../../local/stack";
import { LIVING_METER, OFFICE_CO2 } from "../../local/switchbot-simulator/home";
import { startSwitchbotSimulator, type SwitchbotSimulator } from "../../local/switchbot-simulator/simulator";
import { startTestStack } from "../support/local-stack";
import { wirePollHandler } from "../support/poll-handler";
import { postRemoteWrite, writeRequest } from "../support/remote-write";
import { scanForSecrets } from "../security/support/secret-scan";
import { captureLogLines, isUserWrite, standinPromql } from "./observability-harness";

const SWITCHBOT_TOKEN = "e5".repeat(48);
const SWITCHBOT_SECRET = "f6".repeat(16);
const MINUTE = 60_000;

interface Target { expr: string; refId: string; instant?: boolean }
interface Panel { id: number; title: string; type: string; targets?: Target[] }
const dashboard = JSON.parse(readFileSync(join(import.meta.dirname, "../../docs/grafana/pipeline-health.json"), "utf8")) as { panels: Panel[] };

/** What Grafana substitutes before a query leaves the browser (reference grafana-json.md §4.1), for a 15-minute view. */
const GRAFANA_VARIABLES: Record<string, string> = { __rate_interval: "2m", __interval: "15s", __range: "15m", source: ".*" };
const expand = (expr: string) => expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => GRAFANA_VARIABLES[name] ?? whole);

let sim: SwitchbotSimulator;
let stack: LocalStack;
let poll: (event: { scheduledTime: string }) => Promise<PollOutcome>;
let evaluate: ReturnType<typeof standinPromql>;
const logs = captureLogLines();
const lines = logs.lines;

beforeAll(async () => {
  sim = await startSwitchbotSimulator({ token: SWITCHBOT_TOKEN, secret: SWITCHBOT_SECRET });
  stack = await startTestStack("dashboard", { selfMetricsIntervalSeconds: 0 });
  poll = await wirePollHandler(stack, { apiUrl: sim.url, token: SWITCHBOT_TOKEN, secret: SWITCHBOT_SECRET, env: { POLL_INTERVAL_SECONDS: "60" } });
  await sim.webhook.handle("/v1.1/webhook/setupWebhook", { action: "setupWebhook", url: `${stack.url}/switchbot/webhook/${stack.webhookPathSecret}`, deviceList: "ALL" }, Date.now());
  evaluate = standinPromql(stack.ampEndpoint);
});

afterAll(async () => {
  await stack?.stop();
  await sim?.stop();
  logs.stop();
});

// ── traffic ───────────────────────────────────────────────────────────────────────────────────────────────────

let clock = Date.now() - 5 * MINUTE;
function remoteWrite(name: string): WriteRequest {
  clock += 1_000;
  return writeRequest([0, 1].map((s) => ({ labels: { __name__: name, series: `s${s}` }, samples: [[clock, s]] })));
}

const pushRemoteWrite = async (name: string) =>
  (await postRemoteWrite(`${stack.url}/api/v1/write`, remoteWrite(name), { authorization: `Bearer ${stack.ingestToken}` })).status;

const getQuery = async (path: string) => (await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${stack.readToken}` } })).status;

describe("a traffic run through every function", () => {
  it("polls the simulated home four times, one device offline", async () => {
    sim.inject({ fault: { type: "status", statusCode: 161, message: "device offline" }, deviceId: OFFICE_CO2 });
    const base = Math.floor(Date.now() / 1000) * 1000 - 4 * MINUTE;
    for (const i of [0, 1, 2, 3]) {
      const outcome = await poll({ scheduledTime: new Date(base + i * MINUTE).toISOString() });
      expect(outcome).toMatchObject({ action: "polled", pending: 0 });
    }
  });

  it("pushes: accepted, partial, once throttled then accepted, once refused", async () => {
    expect(await pushRemoteWrite("dash_ok")).toBe(204);
    const influx = await fetch(`${stack.url}/api/v2/write?precision=ms`, {
      method: "POST",
      headers: { authorization: `Bearer ${stack.ingestToken}`, "content-type": "text/plain" },
      body: `dash,room=a temp=20 ${Date.now() - 1000}\ndash,room=b temp=oops ${Date.now() - 1000}\n`,
    });
    expect(influx.status).toBe(400);

    let throttled = 0;
    stack.standin!.setIntercept((exchange) =>
      isUserWrite(exchange) && throttled++ === 0 ? { action: "respond", status: 429, headers: { "retry-after": "0" }, body: "Rate exceeded" } : undefined);
    expect(await pushRemoteWrite("dash_after_throttle")).toBe(204);
    stack.standin!.setIntercept((exchange) => (isUserWrite(exchange) ? { action: "respond", status: 400, body: "err: out of bounds" } : undefined));
    expect(await pushRemoteWrite("dash_refused")).toBe(400);
    stack.standin!.setIntercept(undefined);
    expect(await pushRemoteWrite("dash_ok")).toBe(204);
  });

  it("takes a webhook delivery, and answers a wrong path with 404", async () => {
    const delivery = await sim.emitEvent(LIVING_METER, { timeOfSample: Date.now() - 5_000 });
    expect(delivery.statuses).toEqual([204]);
    const probe = await fetch(`${stack.url}/switchbot/webhook/not-the-secret`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(probe.status).toBe(404);
  });

  it("answers Grafana's queries", async () => {
    const end = Math.floor(Date.now() / 1000);
    expect(await getQuery(`/api/v1/query?query=${encodeURIComponent("switchbot_power_watts")}`)).toBe(200);
    expect(await getQuery(`/api/v1/query_range?query=${encodeURIComponent("sum(switchbot_power_watts)")}&start=${end - 600}&end=${end}&step=15`)).toBe(200);
    expect(await getQuery("/api/v1/labels")).toBe(200);
    expect(await getQuery("/api/v1/query?query=up(")).toBe(400);
  });
});

// ── the dashboard ─────────────────────────────────────────────────────────────────────────────────────────────

const panelTargets = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => [`${panel.title} [${target.refId}]`, target] as const));

describe("the pipeline-health dashboard after the traffic run", () => {
  it("has a query in every panel but the dead-letter note", () => {
    expect(dashboard.panels.filter((panel) => !panel.targets?.length).map((panel) => panel.type)).toEqual(["text"]);
    expect(panelTargets.length).toBeGreaterThanOrEqual(20);
  });

  it.each(panelTargets)("%s returns real numbers", async (_title, target) => {
    const expr = expand(target.expr);
    expect(expr).not.toContain("$");
    // The dashboard's 15-minute view, at Grafana's 15 s interval.
    const result = await evaluate(expr, target.instant ? undefined : { rangeSeconds: 15 * 60, stepSeconds: 15 });
    expect(result.length, `${expr} returned no series`).toBeGreaterThan(0);
    const numbers = result.flatMap((series) => (series.values ?? (series.value ? [series.value] : [])).map(([, value]) => Number(value)));
    expect(numbers.some(Number.isFinite), `${expr} returned only NaN/Inf`).toBe(true);
  });

  it("shows the traffic it was given, not just any number", async () => {
    const value = async (expr: string) => Number((await evaluate(expr))[0]?.value?.[1]);
    expect(await value(`sum(increase(ampgate_ingest_samples_total{source="local"}[15m]))`)).toBeGreaterThanOrEqual(2 * 3 + 1);
    expect(await value(`sum(ampgate_amp_write_retries_total{fn="ingest", reason="throttled"})`)).toBe(1);
    expect(await value(`sum(ampgate_amp_write_failures_total{fn="ingest", reason="rejected"})`)).toBe(1);
    expect(await value(`sum(ampgate_webhook_requests_total{code="404"})`)).toBe(1);
    expect(await value(`sum(ampgate_query_requests_total{endpoint="query", code="400"})`)).toBe(1);
    expect(await value(`sum(switchbot_api_errors_total{code="161"})`)).toBeGreaterThan(0);
    expect(new Set((await evaluate(`count by (fn) ({__name__=~"ampgate_.+"})`)).map((r) => r.metric.fn))).toEqual(new Set(["ingest", "poll", "query", "webhook"]));
  });
});

describe("the traffic run's logs", () => {
  it("has one schema-valid request line per invocation of every function, and every other line valid too", () => {
    const problems = lines.map((line) => ({ line, check: checkLogLine(line) })).filter((entry) => !entry.check.ok);
    expect(problems).toEqual([]);
    const requestLines = lines.map((line) => JSON.parse(line) as { fn?: string; msg: string }).filter((line) => ["push", "query", "webhook delivery", "webhook delivery refused", "poll"].includes(line.msg));
    const byFunction = (fn: string) => requestLines.filter((line) => line.fn === fn).length;
    expect([byFunction("ingest"), byFunction("poll"), byFunction("webhook"), byFunction("query")]).toEqual([5, 4, 2, 4]);
  });

  it("never contains a token or a secret", () => {
    const findings = scanForSecrets(lines, {
      "ingest token": stack.ingestToken, "read token": stack.readToken, "webhook path secret": stack.webhookPathSecret,
      "SwitchBot token": SWITCHBOT_TOKEN, "SwitchBot secret": SWITCHBOT_SECRET, "AWS secret key": process.env.AWS_SECRET_ACCESS_KEY!,
    });
    expect(findings, findings.map((f) => `${f.secret}: ${f.line}`).join("\n")).toEqual([]);
  });
});
