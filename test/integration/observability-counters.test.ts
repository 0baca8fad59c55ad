/**
 * ampgate's self-metrics and request logs through the local stack: a known mix of accepted, rejected, AMP-refused
 * and AMP-failed pushes from two sources and a stranger, then every `ampgate_ingest_*` and `ampgate_amp_write_*`
 * counter read back from the SigV4 stand-in's Prometheus must be exact. Self-metrics are flushed after every
 * invocation (interval 0) so the totals are complete when the last push is answered.
 *
 * Also: a self-metrics write AMP refuses leaves the user's push acknowledged and stored; counters counted while AMP
 * was down arrive once it is back, 0 first; every log line parses against docs/logs.md's schema, carries no token
 * or secret, and each push line names AMP's request ids, which the stand-in really answered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY } from "@ampgate/core/amp/retry-policy";
import { hashToken } from "@ampgate/core/auth/token-hash";
import type { WriteRequest } from "@ampgate/core/remote-write/index";
import { checkLogLine } from "@ampgate/core/telemetry/log-schema";
import { UNAUTHENTICATED_SOURCE } from "@ampgate/core/telemetry/request-metrics";
import { LOCAL_SECRETS_PREFIX, type LocalStack } from "../../local/stack";
import { ampQuerier, ampQueryApi } from "../support/amp-query";
import { startTestStack } from "../support/local-stack";
import { REMOTE_WRITE_HEADERS, remoteWriteBody, writeRequest } from "../support/remote-write";
import { scanForSecrets } from "../security/support/secret-scan";
import { captureLogLines, isSelfMetricsWrite, isUserWrite } from "./observability-harness";

const PI_TOKEN = "ag_observability-pi-0123456789abcdefghijklmnop";
const ESP_TOKEN = "ag_observability-esp-0123456789abcdefghijklmno";
const STRANGER_TOKEN = "ag_observability-nobody-0123456789abcdefghijk";

let stack: LocalStack;
let query: ReturnType<typeof ampQuerier>;
/** Every stored sample of `selector` in the last 15 minutes, per series. */
let rawSamples: (selector: string) => Promise<Array<{ values: Array<[number, string]> }>>;
const logs = captureLogLines();
const lines = logs.lines;

beforeAll(async () => {
  stack = await startTestStack("observability", { selfMetricsIntervalSeconds: 0 });
  // Before the first push, so the ingest function's secret cache starts with these two sources.
  stack.ssm.put(`${LOCAL_SECRETS_PREFIX}ingest-tokens`, JSON.stringify([
    { name: "pi", sha256: hashToken(PI_TOKEN) },
    { name: "esp", sha256: hashToken(ESP_TOKEN) },
  ]));
  query = ampQuerier(stack.ampEndpoint);
  const get = ampQueryApi(stack.ampEndpoint);
  rawSamples = (selector) => get("/api/v1/query", { query: `${selector}[15m]` });
});
afterAll(async () => {
  await stack?.stop();
  logs.stop();
});

// ── pushes ────────────────────────────────────────────────────────────────────────────────────────────────────

let clock = Date.now() - 120_000;
function remoteWrite(name: string, series: number, samplesPerSeries: number): WriteRequest {
  const request = writeRequest(Array.from({ length: series }, (_, s) => ({
    labels: { __name__: name, series: `s${s}` },
    samples: Array.from({ length: samplesPerSeries }, (_, i): [number, number] => [clock + i, i + s]),
  })));
  clock += 1_000;
  return request;
}

const sent: Array<{ source: string; bytes: number }> = [];

async function push(path: string, token: string, body: Uint8Array | string, headers: Record<string, string>) {
  const bytes = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  const response = await fetch(`${stack.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, ...headers }, body });
  const source = token === PI_TOKEN ? "pi" : token === ESP_TOKEN ? "esp" : UNAUTHENTICATED_SOURCE;
  sent.push({ source, bytes });
  return { status: response.status, text: await response.text() };
}
const pushRemoteWrite = (token: string, request: WriteRequest) =>
  push("/api/v1/write", token, remoteWriteBody(request), REMOTE_WRITE_HEADERS);

// ── reading counters back from the stand-in ──────────────────────────────────────────────────────────────────

async function counters(selector: string, by: string[]): Promise<Record<string, number>> {
  const result = await query(`sum by (${by.join(", ")}) (${selector})`);
  return Object.fromEntries(result.map((r) => [by.map((label) => r.metric[label] ?? "").join("|"), Number(r.value[1])]));
}

const RW = "POST /api/v1/write";

describe("a known mix of pushes", () => {
  it("answers each push as the ingest contract says", async () => {
    // pi: accepted remote write, 3 series × 2 samples
    expect((await pushRemoteWrite(PI_TOKEN, remoteWrite("obs_accepted", 3, 2))).status).toBe(204);
    // pi: Influx v2 with two good lines and a bad one → partial write, 2 samples written, 1 item rejected
    const now = Date.now();
    const influx = await push("/api/v2/write?precision=ms", PI_TOKEN, `obs,room=a temp=21.5 ${now - 3000}\nobs,room=b temp=19 ${now - 3000}\nobs,room=c temp=nope ${now - 3000}\n`, { "content-type": "text/plain" });
    expect(influx.status).toBe(400);
    expect(influx.text).toMatch(/partial write: 1 line\(s\) rejected, 2 sample\(s\) written/);
    // pi: JSON in which one series breaks validation (more labels than AMP allows) → all 3 samples rejected
    const tooManyLabels = Object.fromEntries(Array.from({ length: 71 }, (_, i) => [`l${i}`, "x"]));
    const json = await push("/api/v1/push/json", PI_TOKEN, JSON.stringify([
      { metric: "obs_json", labels: { room: "a" }, value: 1, timestamp: now - 2000 },
      { metric: "obs_json", labels: tooManyLabels, value: 2, timestamp: now - 2000 },
      { metric: "obs_json", labels: { room: "a" }, value: 3, timestamp: now - 1000 },
    ]), { "content-type": "application/json" });
    expect(json.status).toBe(400);
    expect(json.text).toMatch(/labels/);
    // a stranger: 401
    expect((await pushRemoteWrite(STRANGER_TOKEN, remoteWrite("obs_stranger", 1, 1))).status).toBe(401);
    // esp: one accepted sample
    expect((await pushRemoteWrite(ESP_TOKEN, remoteWrite("obs_esp", 1, 1))).status).toBe(204);
  });

  it("AMP refusing a batch (400) is a rejection of all its samples", async () => {
    stack.standin!.setIntercept((exchange) => (isUserWrite(exchange) ? { action: "respond", status: 400, body: "err: out of order sample" } : undefined));
    const refused = await pushRemoteWrite(PI_TOKEN, remoteWrite("obs_refused", 2, 2));
    stack.standin!.setIntercept(undefined);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/AMP rejected the batch/);
  });

  it("AMP down: the push is answered 503, and its counters reach AMP once AMP is back — the new series with a 0 first", async () => {
    stack.standin!.setIntercept((exchange) => (exchange.kind === "write" ? { action: "respond", status: 503, body: "maintenance" } : undefined));
    const batch = remoteWrite("obs_outage", 5, 1);
    const down = await pushRemoteWrite(PI_TOKEN, batch);
    expect(down.status).toBe(503);
    const whileDown = await query(`ampgate_ingest_requests_total{code="503"}`);
    expect(whileDown).toEqual([]);
    stack.standin!.setIntercept(undefined);
    expect((await pushRemoteWrite(PI_TOKEN, batch)).status).toBe(204); // the sender's retry; its flush carries everything

    const raw = await rawSamples(`ampgate_ingest_requests_total{code="503"}`);
    expect(raw).toHaveLength(1);
    expect(raw[0]!.values.map(([, v]) => Number(v))).toEqual([0, 1]);
  });

  it("a self-metrics write AMP refuses leaves the user's push acknowledged and its data stored", async () => {
    let refusedSelfMetrics = 0;
    stack.standin!.setIntercept((exchange) => {
      if (!isSelfMetricsWrite(exchange)) return undefined;
      refusedSelfMetrics += 1;
      return { action: "respond", status: 400, body: "err: out of order sample" };
    });
    const response = await pushRemoteWrite(PI_TOKEN, remoteWrite("obs_while_self_refused", 1, 1));
    stack.standin!.setIntercept(undefined);
    expect(response.status).toBe(204);
    expect(refusedSelfMetrics).toBe(1);
    expect(await query("obs_while_self_refused")).toHaveLength(1);
    // The next flush catches up (it carries this push too): one more accepted push from esp.
    expect((await pushRemoteWrite(ESP_TOKEN, remoteWrite("obs_esp", 1, 1))).status).toBe(204);
  });

  it("leaves every counter exact in AMP", async () => {
    const write = (source: string, code: string) => `${RW}|remote-write|${source}|${code}`;
    expect(await counters(`ampgate_ingest_requests_total{fn="ingest"}`, ["route", "format", "source", "code"])).toEqual({
      [write("pi", "204")]: 3, // accepted, the retried outage batch, the one while self-metrics were refused
      [write("pi", "400")]: 1, // AMP refused
      [write("pi", "503")]: 1, // AMP down
      "POST /api/v2/write|influx-v2|pi|400": 1,
      "POST /api/v1/push/json|json|pi|400": 1,
      [write(UNAUTHENTICATED_SOURCE, "401")]: 1,
      [write("esp", "204")]: 2,
    });
    expect(await counters("ampgate_ingest_samples_total", ["source"])).toEqual({ pi: 6 + 2 + 5 + 1, esp: 2 });
    expect(await counters("ampgate_ingest_rejected_samples_total", ["source", "reason"])).toEqual({
      "pi|invalid_line": 1,
      "pi|too_many_labels": 3,
      "pi|amp_rejected": 4,
    });
    const bytes: Record<string, number> = {};
    for (const push of sent) bytes[push.source] = (bytes[push.source] ?? 0) + push.bytes;
    expect(await counters("ampgate_ingest_bytes_total", ["source"])).toEqual(bytes);

    // One per user batch the ingest function sent: every push but the 401 and the JSON that failed validation.
    expect(await counters(`ampgate_amp_write_duration_seconds_count{fn="ingest"}`, [])).toEqual({ "": sent.length - 2 });
    expect(await counters(`ampgate_amp_write_failures_total{fn="ingest"}`, ["reason"])).toEqual({ rejected: 1, server: 1 });
    expect(await counters(`ampgate_amp_write_retries_total{fn="ingest"}`, ["reason"])).toEqual({ server: DEFAULT_RETRY_POLICY.maxAttempts - 1 });
  });

  it("writes self-metrics under their own series, one instance per execution environment, never as a source's samples", async () => {
    const series = await query(`{__name__=~"ampgate_.+"}`);
    expect(new Set(series.map((s) => s.metric.fn))).toEqual(new Set(["ingest"]));
    expect(new Set(series.map((s) => s.metric.instance)).size).toBe(1);
    for (const s of series) expect(Object.keys(s.metric)).not.toContain("household");
    // The sources' own series are exactly the samples acknowledged to them: 3 + 2 (Influx) + 5 (outage) + 1.
    const stored = await rawSamples(`{source="pi", __name__!~"ampgate_.+"}`);
    expect(stored.reduce((sum, series) => sum + series.values.length, 0)).toBe(6 + 2 + 5 + 1);
  });
});

describe("request logs", () => {
  it("every line parses against the documented schema, one push line per push", () => {
    const problems = lines.map((line) => ({ line, check: checkLogLine(line) })).filter((entry) => !entry.check.ok);
    expect(problems).toEqual([]);
    const pushes = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === "push");
    expect(pushes).toHaveLength(sent.length);
    expect(new Set(pushes.map((line) => line.requestId)).size).toBe(sent.length);
  });

  it("no line contains a token or a secret", () => {
    const findings = scanForSecrets(lines, {
      "pi token": PI_TOKEN, "esp token": ESP_TOKEN, "stranger's token": STRANGER_TOKEN, "read token": stack.readToken,
      "ingest token": stack.ingestToken, "webhook path secret": stack.webhookPathSecret, "AWS secret key": process.env.AWS_SECRET_ACCESS_KEY!,
    });
    expect(findings, findings.map((f) => `${f.secret}: ${f.line}`).join("\n")).toEqual([]);
  });

  it("a push line names AMP's request ids, and the writer's retry lines carry the push's request id", () => {
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const answered = new Set(stack.standin!.recentRequests().map((entry) => entry.ampRequestId));
    const accepted = parsed.filter((line) => line.msg === "push" && line.status === 204);
    expect(accepted.length).toBeGreaterThan(0);
    for (const line of accepted) {
      expect(line.ampRequestIds).toHaveLength(1);
      expect(answered.has((line.ampRequestIds as string[])[0]!)).toBe(true);
    }
    const outage = parsed.find((line) => line.msg === "push" && line.status === 503)!;
    const retries = parsed.filter((line) => line.msg === "amp write retry" && line.requestId === outage.requestId);
    expect(retries).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts - 1);
    for (const retry of retries) expect(answered.has(retry.ampRequestId as string)).toBe(true);
  });
});
