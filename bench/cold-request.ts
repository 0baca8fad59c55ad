/**
 * The second half of a cold start (issue #8): a function's *first request* in a fresh process, after module init —
 * what core loads on first use (the SSM client, the S3 client, the OTLP schema, the SDK's credential chain outside
 * Lambda) is paid here, so making it lazy can move cost out of module init but never hide it. Each function runs
 * against local endpoints that speak the real protocols: the local SSM endpoint (local/ssm-server.ts), the
 * SigV4-verifying AMP stand-in in front of a real Prometheus (local/stack.ts), the local S3 endpoint
 * (local/s3-server.ts) and the SwitchBot simulator. The round trips to them are part of every request, first or
 * not: the second request in the same process is the warm baseline, so `first − warm` is what the cold start adds.
 *
 * The child runs in Lambda mode (AWS_LAMBDA_FUNCTION_NAME set, the role's credentials in the environment), so core
 * takes the code paths it takes in Lambda (amp/sigv4-signer.ts defaultCredentialProvider).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { setLogSink } from "@ampgate/core/log/logger";
import { FUNCTION_SETTINGS, type FunctionName } from "../functions/settings";
import { matchRoute } from "../local/http-router";
import { startS3Server } from "../local/s3-server";
import { LOCAL_SECRETS_PREFIX, startLocalStack } from "../local/stack";
import { createHome, LIVING_METER } from "../local/switchbot-simulator/home";
import { startSwitchbotSimulator } from "../local/switchbot-simulator/simulator";
import { telegrafBatch } from "./fixtures/telegraf-batch";

const run = promisify(execFile);
/** Short, so that a run's worth of scheduled times stays in the past; every device is due at every run. */
const POLL_INTERVAL_MS = 10_000;
const INVOKER = new URL("./lib/cold-invoke.mjs", import.meta.url).pathname;

export interface ColdInvocation {
  initMs: number;
  /** The first request, then the second (warm) one. */
  requestMs: [number, number];
  /** CPU time of the process during each request (all threads: main, GC, libuv). */
  requestCpuMs: [number, number];
}

export interface ColdRequestEnvironment {
  /** Imports `bundle` in a fresh process and sends the function two representative requests; throws unless both succeed. */
  invoke(fn: FunctionName, bundle: string): Promise<ColdInvocation>;
  stop(): Promise<void>;
}

/** An API Gateway HTTP API (payload 2.0) event for a route of functions/routes.ts. */
function httpEvent(method: string, path: string, headers: Record<string, string>, body?: { text: string } | { bytes: Uint8Array }): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ""] = path.split("?") as [string, string?];
  const match = matchRoute(method, rawPath);
  if (!match) throw new Error(`no route for ${method} ${rawPath}`);
  const now = new Date();
  return {
    version: "2.0",
    routeKey: match.routeKey,
    rawPath,
    rawQueryString,
    headers: { host: "api.example.com", "user-agent": "cold-start-bench", ...headers },
    ...(rawQueryString ? { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) } : {}),
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: "000000000000", apiId: "bench", domainName: "api.example.com", domainPrefix: "api",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "192.0.2.10", userAgent: "cold-start-bench" },
      requestId: randomUUID(), routeKey: match.routeKey, stage: "$default", time: now.toUTCString(), timeEpoch: now.getTime(),
    },
    ...(body ? { body: "text" in body ? body.text : Buffer.from(body.bytes).toString("base64") } : {}),
    isBase64Encoded: body !== undefined && "bytes" in body,
  };
}

export async function startColdRequestEnvironment(): Promise<ColdRequestEnvironment> {
  const dataDir = mkdtempSync(join(tmpdir(), "ampgate-bench-cold-request-"));
  const restoreLogs = setLogSink(() => undefined); // the local stack's own logs; the children log to their stdout
  const stack = await startLocalStack({ port: 0, dataDir, selfMetricsIntervalSeconds: "off" });
  const s3 = await startS3Server();
  const token = randomUUID().replaceAll("-", "");
  const secret = randomUUID().replaceAll("-", "");
  const switchbot = await startSwitchbotSimulator({ token, secret, dailyLimit: 1_000_000, home: createHome() });
  stack.ssm.put(`${LOCAL_SECRETS_PREFIX}switchbot-token`, token);
  stack.ssm.put(`${LOCAL_SECRETS_PREFIX}switchbot-secret`, secret);

  // What infra/lambda.ts sets in AWS, pointed at the local endpoints; startLocalStack has put AMP_ENDPOINT, the
  // secrets prefix, the SSM endpoint and the stand-in's credentials into process.env.
  const environment = (fn: FunctionName): NodeJS.ProcessEnv => ({
    ...process.env,
    AWS_LAMBDA_FUNCTION_NAME: `ampgate-bench-${fn}`,
    LOG_LEVEL: "info",
    SWITCHBOT_STATE_BUCKET: "ampgate-state",
    SWITCHBOT_STATE_PREFIX: "switchbot/",
    AMPGATE_S3_ENDPOINT: s3.url,
    SWITCHBOT_API_URL: switchbot.url,
    SWITCHBOT_QUOTA_DAILY_LIMIT: "1000000",
    POLL_INTERVAL_SECONDS: String(POLL_INTERVAL_MS / 1000),
  });

  // Every request of the run gets a later time than the one before: Prometheus refuses out-of-order samples, the
  // webhook drops a repeated reading, and the poller treats a scheduled time it has seen as a retry (less work).
  let clock = Date.now() - 10 * 60_000;
  const nextTime = (stepMs: number) => (clock = Math.max(clock + stepMs, Date.now() - 10 * 60_000));

  /** Two requests of the kind the function serves all day. */
  async function events(fn: FunctionName): Promise<unknown[]> {
    switch (fn) {
      case "ingest":
        return [0, 1].map(() => httpEvent("POST", "/api/v1/write", {
          authorization: `Bearer ${stack.ingestToken}`,
          "content-type": "application/x-protobuf",
          "content-encoding": "snappy",
          "x-prometheus-remote-write-version": "0.1.0",
        }, { bytes: telegrafBatch({ series: 1_000, hostPrefix: "cold", timestampMs: nextTime(1_000) }).body }));
      case "query":
        return [0, 1].map(() => httpEvent("GET", `/api/v1/query?query=${encodeURIComponent("count(up)")}`, { authorization: `Bearer ${stack.readToken}` }));
      case "webhook": {
        const deliveries = [
          await switchbot.emitEvent(LIVING_METER, { drop: true, timeOfSample: nextTime(1_000) }),
          await switchbot.emitEvent(LIVING_METER, { drop: true, timeOfSample: nextTime(1_000) }),
        ];
        return deliveries.map(({ payload }) => httpEvent("POST", `/switchbot/webhook/${stack.webhookPathSecret}`, { "content-type": "application/json" }, { text: JSON.stringify(payload) }));
      }
      case "poll":
        return [0, 1].map(() => ({ scheduledTime: new Date(nextTime(POLL_INTERVAL_MS)).toISOString() }));
    }
  }

  async function invoke(fn: FunctionName, bundle: string): Promise<ColdInvocation> {
    const file = join(dataDir, `${fn}-invocation.json`);
    writeFileSync(file, JSON.stringify({ functionName: `ampgate-bench-${fn}`, timeoutMs: FUNCTION_SETTINGS[fn].timeoutSeconds * 1000, events: await events(fn) }));
    const { stdout } = await run(process.execPath, [INVOKER, bundle, file], { cwd: tmpdir(), env: environment(fn), maxBuffer: 16 * 1024 * 1024, timeout: 60_000 });
    const line = stdout.split("\n").find((l) => l.startsWith("COLD-INVOKE "));
    if (!line) throw new Error(`${fn}: the invocation printed no result:\n${stdout.slice(-2000)}`);
    const outcome = JSON.parse(line.slice("COLD-INVOKE ".length)) as ColdInvocation & { results: Array<{ statusCode?: number; body?: string }> };
    const failed = outcome.results.find((r) => r.statusCode !== undefined && (r.statusCode < 200 || r.statusCode >= 300));
    if (failed) throw new Error(`${fn}: a benched request failed with ${failed.statusCode}: ${failed.body}`);
    return { initMs: outcome.initMs, requestMs: outcome.requestMs, requestCpuMs: outcome.requestCpuMs };
  }

  return {
    invoke,
    async stop() {
      await switchbot.stop();
      await s3.close();
      await stack.stop();
      setLogSink(restoreLogs);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
