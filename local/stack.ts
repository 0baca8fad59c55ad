/**
 * The whole system on one machine: the real handlers behind an API Gateway–shaped HTTP server, the local SSM
 * endpoint holding their secrets, and — unless AMP_ENDPOINT points at a real workspace — a real Prometheus behind
 * the SigV4-verifying AMP stand-in. Used by `npm start` (local/start.ts) and by integration tests.
 *
 *   const stack = await startLocalStack({ port: 0 });
 *   await fetch(`${stack.url}/api/v1/write`, { method: "POST", headers: { authorization: `Bearer ${stack.ingestToken}` }, body });
 *   await stack.stop();
 *
 * The handlers read their configuration from process.env exactly as in Lambda, so one stack per process.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join, resolve } from "node:path";
import { hashToken } from "@ampgate/core/auth/token-hash";
import { selfMetricsIntervalMs } from "@ampgate/core/telemetry/self-metrics-config";
import { matchRoute } from "./http-router";
import { buildHttpEvent, lambdaContext, loadHandler, writeResult } from "./lambda-host";
import { listenOnLoopback } from "./listen";
import { readBody } from "./read-body";
import { startPrometheus, type PrometheusProcess } from "./prometheus-process";
import { startSsmServer, type SsmServer } from "./ssm-server";
import { localTokens } from "./local-tokens";
import { startAmpStandin, type AmpStandin } from "./amp-standin/amp-front";

/** API Gateway HTTP APIs refuse bodies over 10 MB before any Lambda runs. */
const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const LOCAL_WORKSPACE_ID = "ws-local";
export const LOCAL_SECRETS_PREFIX = "/ampgate/local/";

export interface LocalStackOptions {
  /** Default 8787; 0 picks a free port (tests). */
  port?: number;
  /** Where Prometheus data and generated tokens live. Default `.local/`. */
  dataDir?: string;
  /** A real AMP workspace URL; when unset the embedded Prometheus stand-in is used. */
  ampEndpoint?: string;
  /**
   * Something to put between the handlers and the embedded stand-in (the fault proxy, local/fault-proxy/): called
   * with the stand-in's URL, returns the URL the handlers use instead. Ignored when `ampEndpoint` is set.
   */
  ampFront?: (standinUrl: string) => Promise<string>;
  region?: string;
  /** Environment to read INGEST_TOKEN / READ_TOKEN from. */
  env?: NodeJS.ProcessEnv;
  /**
   * The handlers' AMPGATE_SELF_METRICS_INTERVAL_SECONDS (docs/metrics.md). Default `off`, so the AMP writes a test
   * counts are its own; `npm start` turns self-metrics on, and the observability test uses `0`.
   */
  selfMetricsIntervalSeconds?: number | string;
}

export interface LocalStack {
  readonly url: string;
  /** Where Prometheus data and generated tokens live (`.local/` for npm start). */
  readonly dataDir: string;
  readonly ingestToken: string;
  readonly readToken: string;
  readonly webhookPathSecret: string;
  readonly generatedTokens: ReadonlyArray<"ingestToken" | "readToken">;
  readonly ampEndpoint: string;
  /** Present when the embedded stand-in is used. */
  readonly prometheus?: PrometheusProcess;
  readonly standin?: AmpStandin;
  readonly ssm: SsmServer;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? ".local");
  const region = options.region ?? env.AWS_REGION ?? "us-east-1";
  const tokens = localTokens(dataDir, env);
  const selfMetricsInterval = String(options.selfMetricsIntervalSeconds ?? "off");
  selfMetricsIntervalMs({ AMPGATE_SELF_METRICS_INTERVAL_SECONDS: selfMetricsInterval }); // refuse a bad value now, not on the first request
  const cleanup: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    cleanup.length = 0;
  };

  try {
    let ampEndpoint = options.ampEndpoint;
    let prometheus: PrometheusProcess | undefined;
    let standin: AmpStandin | undefined;
    if (!ampEndpoint) {
      prometheus = await startPrometheus({ mode: "server", dataDir: join(dataDir, "prometheus") });
      cleanup.push(() => prometheus!.stop());
      // Throwaway credentials that only the stand-in knows: the handlers sign with the default credential
      // chain exactly as in Lambda, and the stand-in checks every signature as AMP would.
      const credentials = { accessKeyId: `AKIALOCAL${randomBytes(6).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(30).toString("base64") };
      standin = await startAmpStandin({ prometheusUrl: prometheus.url, workspaceId: LOCAL_WORKSPACE_ID, region, credentials });
      cleanup.push(() => standin!.close());
      ampEndpoint = `${options.ampFront ? await options.ampFront(standin.url) : standin.url}/workspaces/${LOCAL_WORKSPACE_ID}`;
      process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
      delete process.env.AWS_SESSION_TOKEN;
    }

    const ssm = await startSsmServer({ region });
    cleanup.push(() => ssm.close());
    ssm.put(`${LOCAL_SECRETS_PREFIX}ingest-tokens`, JSON.stringify([
      { name: "local", sha256: hashToken(tokens.ingestToken), labels: { source: "local" } },
    ]));
    // READ_TOKEN_MATCHERS (e.g. `{household="smith"}`) scopes the local read token as a deployed one can be.
    ssm.put(`${LOCAL_SECRETS_PREFIX}read-tokens`, JSON.stringify([
      { name: "local", sha256: hashToken(tokens.readToken), ...(env.READ_TOKEN_MATCHERS ? { matchers: env.READ_TOKEN_MATCHERS } : {}) },
    ]));
    ssm.put(`${LOCAL_SECRETS_PREFIX}webhook-path-secret`, tokens.webhookPathSecret);

    // The handlers' configuration, as infra/ sets it on each Lambda.
    Object.assign(process.env, {
      AMP_ENDPOINT: ampEndpoint,
      AWS_REGION: region,
      AMPGATE_SECRETS_PREFIX: LOCAL_SECRETS_PREFIX,
      AMPGATE_SSM_ENDPOINT: ssm.url,
      AMPGATE_SELF_METRICS_INTERVAL_SECONDS: selfMetricsInterval,
    });

    const server: Server = createServer((request, response) => {
      void serve(request, response).catch((error: unknown) => {
        process.stderr.write(`[local] ${request.method} ${request.url}: ${(error as Error).stack ?? String(error)}\n`);
        if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ message: "Internal Server Error" }));
      });
    });
    const serve = async (request: IncomingMessage, response: ServerResponse) => {
      const path = new URL(request.url ?? "/", "http://localhost").pathname;
      const match = matchRoute(request.method ?? "GET", path);
      if (!match) {
        response.writeHead(404, { "content-type": "application/json" });
        response.end(JSON.stringify({ message: "Not Found" }));
        return;
      }
      const body = await readBody(request, API_GATEWAY_MAX_BODY_BYTES);
      if (!body) {
        response.writeHead(413, { "content-type": "application/json" });
        response.end(JSON.stringify({ message: "Request Entity Too Large" }));
        return;
      }
      const handler = await loadHandler(match.route.fn);
      const result = await handler(buildHttpEvent(request, body, match), lambdaContext(match.route.fn));
      writeResult(response, result);
    };
    const { url, close } = await listenOnLoopback(server, options.port ?? 8787);
    cleanup.push(close);

    return {
      url,
      dataDir,
      ingestToken: tokens.ingestToken,
      readToken: tokens.readToken,
      webhookPathSecret: tokens.webhookPathSecret,
      generatedTokens: tokens.generated,
      ampEndpoint,
      ...(prometheus ? { prometheus } : {}),
      ...(standin ? { standin } : {}),
      ssm,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
