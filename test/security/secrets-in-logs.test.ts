/**
 * No secret in any log line. Representative traffic through the whole local stack — ingest accepted, refused,
 * malformed and failing at AMP (in every credential form senders use); queries with good, wrong and misplaced
 * tokens; poll runs against the SwitchBot simulator, healthy and refused; webhook deliveries with the right and a
 * wrong path secret — with everything the process writes captured (the logger's sink, stdout, stderr, console).
 * Every line is then searched for every configured secret: the ingest and read tokens (and near-miss guesses of
 * them), their SHA-256 hashes as stored in SSM, the webhook path secret, the SwitchBot token and secret, the AWS
 * secret key, and every credential that went over the wire as seen by the fault proxies: AMP's SigV4
 * `Authorization` signatures and SwitchBot's `Authorization`/`sign` headers.
 *
 * The logger also redacts registered secrets as a second line of defence; a redaction here means some code path
 * tried to log a secret, so it is counted and must be 0 as well.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@ampgate/core/auth/token-hash";
import { createLogger } from "@ampgate/core/log/logger";
import { startFaultProxy, type FaultProxy } from "../../local/fault-proxy/fault-proxy";
import { AMP_FAULTS } from "../../local/fault-proxy/faults";
import type { LocalStack } from "../../local/stack";
import { LIVING_METER } from "../../local/switchbot-simulator/home";
import { startSwitchbotSimulator, type SwitchbotSimulator } from "../../local/switchbot-simulator/simulator";
import { WRITE_PATH } from "../faults/support/fault-case";
import { lineProtocolBatch, remoteWriteBatch } from "../faults/support/push-batches";
import { reportFigures } from "../faults/support/report-figures";
import { wirePollHandler } from "../support/poll-handler";
import { captureOutput, scanForSecrets, type OutputCapture } from "./support/secret-scan";
import { startStackBehindProxy } from "../faults/support/stack-behind-proxy";

const INGEST_TOKEN = "ag_secret-scan-ingest-Zq8wLm3Rt6Yv9Bn2Kd5Hf7Jc0Xa";
const READ_TOKEN = "ag_secret-scan-read-Pn4Qs7Uw1Ey3Gi6Lo9Ra2Tc5Vb8";
const SWITCHBOT_TOKEN = "9f8e7d6c5b4a".repeat(8);
const SWITCHBOT_SECRET = "s3cr3t-Sw1tchB0t-key";
/** A sender's typo of the real token: a guess close to a secret is as sensitive as the secret. */
const NEAR_MISS = `${INGEST_TOKEN.slice(0, -1)}X`;

let sim: SwitchbotSimulator;
let switchbotProxy: FaultProxy;
let ampProxy: FaultProxy;
let stopStack: (() => Promise<void>) | undefined;
let stack: LocalStack;
let capture: OutputCapture;
let poll: Awaited<ReturnType<typeof wirePollHandler>>;

beforeAll(async () => {
  sim = await startSwitchbotSimulator({ token: SWITCHBOT_TOKEN, secret: SWITCHBOT_SECRET });
  switchbotProxy = await startFaultProxy({ target: sim.url });
  process.env.LOG_LEVEL = "debug";
  ({ stack, ampProxy, stop: stopStack } = await startStackBehindProxy("secrets-in-logs", { env: { INGEST_TOKEN, READ_TOKEN } }));
  poll = await wirePollHandler(stack, { apiUrl: switchbotProxy.url, token: SWITCHBOT_TOKEN, secret: SWITCHBOT_SECRET, env: { POLL_INTERVAL_SECONDS: "300" } });
  capture = captureOutput();
});
afterAll(async () => {
  capture?.stop();
  delete process.env.LOG_LEVEL;
  await stopStack?.();
  await switchbotProxy?.close();
  await sim?.stop();
});

const statuses: Record<string, number> = {};
async function call(what: string, url: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, init);
  await response.arrayBuffer();
  statuses[what] = response.status;
  return response.status;
}

let clock = Date.now() - 5 * 60_000;
function rwBatch(token: string) {
  clock += 1_000;
  return remoteWriteBatch(`b${clock}`, stack.url, token, [{ spec: { name: "secret_scan_probe", labels: { room: "hall" } }, samples: [{ timestamp: clock, value: 1 }] }]).request;
}

async function representativeTraffic(): Promise<void> {
  const u = stack.url;
  // ── ingest, every credential form ──
  const rw = rwBatch(INGEST_TOKEN);
  expect(await call("remote write, Bearer", rw.url, rw.init)).toBe(204);
  const basic = rwBatch(INGEST_TOKEN);
  expect(await call("remote write, Basic", basic.url, { ...basic.init, headers: { ...(basic.init.headers as Record<string, string>), authorization: `Basic ${Buffer.from(`pi:${INGEST_TOKEN}`).toString("base64")}` } })).toBe(204);
  clock += 1_000;
  const influx = lineProtocolBatch("lp", u, INGEST_TOKEN, "secret_scan_lp", "value", [{ tags: { room: "hall" }, timestamp: clock, value: 2 }]).request;
  expect(await call("influx v2, Token", influx.url, influx.init)).toBe(204);
  expect(await call("influx v1, ?p=", `${u}/write?db=t&precision=ms&u=telegraf&p=${encodeURIComponent(INGEST_TOKEN)}`, { method: "POST", body: `secret_scan_v1 value=3 ${clock}\n` })).toBe(204);
  expect(await call("json push", `${u}/api/v1/push/json`, { method: "POST", headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify([{ metric: "secret_scan_json", value: 4 }]) })).toBe(204);
  expect(await call("pushgateway text", `${u}/metrics/job/scan`, { method: "PUT", headers: { authorization: `Bearer ${INGEST_TOKEN}` }, body: "secret_scan_text 5\n" })).toBe(200);
  // refused: near-miss token, read token on ingest, ?p= near miss, malformed body
  const near = rwBatch(NEAR_MISS);
  expect(await call("ingest, near-miss token", near.url, near.init)).toBe(401);
  const misplaced = rwBatch(READ_TOKEN);
  expect(await call("ingest, read token", misplaced.url, misplaced.init)).toBe(401);
  expect(await call("influx v1, near-miss ?p=", `${u}/write?db=t&p=${encodeURIComponent(NEAR_MISS)}`, { method: "POST", body: "x value=1\n" })).toBe(401);
  expect(await call("ingest, malformed", `${u}/api/v1/write`, { method: "POST", headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-encoding": "snappy" }, body: "not snappy" })).toBe(400);
  // AMP refuses ampgate's signature, then fails: the writer logs AMP's answers
  ampProxy.inject({ name: "403", fault: AMP_FAULTS["403 signature"].fault, times: 1, pathPrefix: WRITE_PATH });
  const refusedByAmp = rwBatch(INGEST_TOKEN);
  expect(await call("ingest, AMP 403", refusedByAmp.url, refusedByAmp.init)).toBe(503);
  ampProxy.inject({ name: "500", fault: AMP_FAULTS["500"].fault, times: 1, pathPrefix: WRITE_PATH });
  const retried = rwBatch(INGEST_TOKEN);
  expect(await call("ingest, AMP 500 once", retried.url, retried.init)).toBe(204);

  // ── query ──
  const q = `${u}/api/v1/query?query=${encodeURIComponent("secret_scan_probe")}`;
  expect(await call("query, read token", q, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).toBe(200);
  expect(await call("query, ingest token", q, { headers: { authorization: `Bearer ${INGEST_TOKEN}` } })).toBe(401);
  expect(await call("query, near-miss", q, { headers: { authorization: `Bearer ${READ_TOKEN.slice(0, -2)}` } })).toBe(401);
  expect(await call("query, bad PromQL", `${u}/api/v1/query?query=${encodeURIComponent("sum(")}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).toBe(400);
  ampProxy.inject({ name: "403q", fault: AMP_FAULTS["403 signature"].fault, times: 1, pathPrefix: "/workspaces/ws-local/api/v1/query" });
  expect(await call("query, AMP 403", q, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).toBe(503);
  expect(await call("json datasource", `${u}/json/devices`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).toBe(200);

  // ── poll: healthy, then SwitchBot refusing the credentials ──
  const at = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000;
  const healthy = await poll({ scheduledTime: new Date(at).toISOString() });
  expect(healthy.summary?.read).toBe(8);
  sim.inject({ fault: { type: "http", status: 401 }, deviceId: LIVING_METER });
  const refused = await poll({ scheduledTime: new Date(at + 60_000).toISOString() });
  expect(refused.summary?.failed).toBeGreaterThan(0);
  sim.clearFaults();

  // ── webhook ──
  const delivery = { eventType: "changeReport", eventVersion: "1", context: { deviceType: "WoMeter", deviceMac: LIVING_METER, temperature: 21.5, scale: "CELSIUS", humidity: 40, battery: 90, timeOfSample: Date.now() - 5_000 } };
  expect(await call("webhook, right secret", `${u}/switchbot/webhook/${stack.webhookPathSecret}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(delivery) })).toBe(204);
  expect(await call("webhook, wrong secret", `${u}/switchbot/webhook/${stack.webhookPathSecret.slice(0, -1)}x`, { method: "POST", body: JSON.stringify(delivery) })).toBe(404);
  expect(await call("webhook, malformed", `${u}/switchbot/webhook/${stack.webhookPathSecret}`, { method: "POST", body: "{" })).toBe(400);
}

/** Values of one header across a proxy's exchanges. */
const headerValues = (proxy: FaultProxy, name: string) =>
  proxy.exchanges().flatMap((e) => [e.headers[name]].flat()).filter((v): v is string => typeof v === "string");

describe("secrets in logs", () => {
  it("the scanner finds a planted secret in every form it looks for (so a clean result means something)", () => {
    const traffic = capture.lines.length;
    const planted = captureOutput();
    try {
      createLogger({ level: "info" }).info("oops", { token: READ_TOKEN });
      console.log(`GET /write?p=${encodeURIComponent(NEAR_MISS)}`);
      process.stderr.write(`sign=${SWITCHBOT_SECRET.toUpperCase()}\n`);
    } finally {
      planted.stop();
      capture.lines.splice(traffic); // the planted lines passed through to the suite's capture; they are not traffic
    }
    const found = scanForSecrets(planted.lines, { read: READ_TOKEN, near: NEAR_MISS, switchbot: SWITCHBOT_SECRET }).map((f) => f.secret).sort();
    expect(found).toEqual(["near", "read", "switchbot"]);
  });

  it("none of the configured secrets, hashes or on-the-wire credentials appear in anything the stack wrote", async () => {
    await representativeTraffic();
    capture.stop();

    const sigv4 = headerValues(ampProxy, "authorization");
    const signatures = sigv4.map((value) => /Signature=([0-9a-f]{64})/.exec(value)?.[1]).filter((s): s is string => !!s);
    const switchbotSigns = headerValues(switchbotProxy, "sign");
    const secrets: Record<string, string> = {
      "ingest token": INGEST_TOKEN,
      "read token": READ_TOKEN,
      "near-miss ingest token": NEAR_MISS,
      "ingest token sha256 (SSM)": hashToken(INGEST_TOKEN),
      "read token sha256 (SSM)": hashToken(READ_TOKEN),
      "webhook path secret": stack.webhookPathSecret,
      "SwitchBot token": SWITCHBOT_TOKEN,
      "SwitchBot secret": SWITCHBOT_SECRET,
      "AWS secret access key": process.env.AWS_SECRET_ACCESS_KEY!,
      ...Object.fromEntries(signatures.map((s, i) => [`SigV4 signature #${i + 1}`, s])),
      ...Object.fromEntries(switchbotSigns.map((s, i) => [`SwitchBot sign #${i + 1}`, s])),
    };
    const findings = scanForSecrets(capture.lines, secrets);
    const redactions = capture.lines.filter((line) => line.includes("[redacted]"));
    reportFigures("secrets-in-logs", [{
      requests: Object.keys(statuses).length + 2,
      linesScanned: capture.lines.length,
      secretValuesChecked: Object.keys(secrets).length,
      sigv4SignaturesSeen: signatures.length,
      switchbotSignaturesSeen: switchbotSigns.length,
      secretsFound: findings.length,
      redactionsTriggered: redactions.length,
    }]);

    // The traffic really happened and was logged: a scan of nothing would prove nothing.
    expect(signatures.length).toBeGreaterThan(10);
    expect(switchbotSigns.length).toBeGreaterThan(8);
    for (const msg of ['"msg":"push"', '"msg":"query"', '"msg":"poll run"', '"msg":"webhook delivery"', "amp write retry", "device status failed"]) {
      expect(capture.lines.some((line) => line.includes(msg)), msg).toBe(true);
    }
    expect(findings, findings.map((f) => `${f.secret}: ${f.line}`).join("\n")).toEqual([]);
    expect(redactions, redactions.join("\n")).toEqual([]);
  }, 120_000);
});
