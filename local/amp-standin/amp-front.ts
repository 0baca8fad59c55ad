/**
 * The embedded AMP stand-in: an HTTP front on 127.0.0.1 shaped like an AMP workspace, in front of a real
 * Prometheus. ampgate talks to it exactly as to AWS — same paths, SigV4 on every request — and it refuses what
 * AMP would refuse, so the local stack and the tests exercise the real signing code.
 *
 *   const prom = await startPrometheus({ mode: "server" });
 *   const amp = await startAmpStandin({ prometheusUrl: prom.url, workspaceId: "ws-local", region: "eu-west-1",
 *                                       credentials: { accessKeyId, secretAccessKey } });
 *   // AMP_ENDPOINT = amp.workspaceUrl
 *   amp.stats.samplesAccepted; amp.recentRequests(); await amp.close();
 *
 * Routes (AMP API reference, reference §4.1): `POST /workspaces/<id>/api/v1/remote_write` → Prometheus
 * `/api/v1/write`; `GET|POST …/api/v1/{query,query_range,series,labels}`, `GET …/label/<name>/values` and
 * `GET …/metadata` → the same Prometheus API. Checked in this order, each with an AWS-style JSON error:
 * body over 1 MiB → 413; SigV4 (sigv4-verifier.ts) → 403; workspace → 404; path/method → 404/405.
 * Write answers are translated from Prometheus 2.42's to AMP's (prometheus-answers.ts).
 *
 * Fault injection (issue #7): `intercept` runs for every request that passed authentication and routing, before
 * it is forwarded, and may answer instead of Prometheus, reset the connection, or delay forwarding — enough to
 * play AMP's 429/5xx/stalls behind a correctly signed request. Swap it at runtime with `setIntercept`.
 * A separate fault proxy can also sit in front: the front needs nothing but the original request bytes.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { decodeWriteRequest } from "@ampgate/core/remote-write/codec";
import { decompressSnappyBlock } from "@ampgate/core/remote-write/snappy";
import { listenOnLoopback } from "../listen";
import { readBody } from "../read-body";
import { ampAnswerForPrometheusWrite } from "./prometheus-answers";
import { createSigV4Verifier, type KnownCredential } from "./sigv4-verifier";

/** AMP's request size quota: 1 MB, answered with 413 (reference §4.4). The stand-in applies it to the body. */
export const STANDIN_MAX_BODY_BYTES = 1024 * 1024;

/** Query APIs AMP exposes and the methods each accepts (reference §4.1). */
const QUERY_APIS: ReadonlyArray<{ pattern: RegExp; methods: readonly string[] }> = [
  { pattern: /^query$/, methods: ["GET", "POST"] },
  { pattern: /^query_range$/, methods: ["GET", "POST"] },
  { pattern: /^series$/, methods: ["GET", "POST"] },
  { pattern: /^labels$/, methods: ["GET", "POST"] },
  { pattern: /^label\/[^/]+\/values$/, methods: ["GET"] },
  { pattern: /^metadata$/, methods: ["GET"] },
];

const WORKSPACE_API = /^\/workspaces\/([^/]+)\/api\/v1\/(.+)$/;

/** Headers a remote-write receiver looks at; the rest (signature, host) stays at the front. */
const FORWARDED_WRITE_HEADERS = ["content-type", "content-encoding", "x-prometheus-remote-write-version"];

export interface StandinExchange {
  kind: "write" | "query";
  method: string;
  /** The API below `/api/v1/`: `remote_write`, `query`, `label/job/values`… */
  api: string;
  rawQuery: string;
  headers: Record<string, string[] | undefined>;
  body: Uint8Array;
}

export type StandinFault =
  | { action: "respond"; status: number; headers?: Record<string, string>; body?: string }
  | { action: "reset" }
  | { action: "delay"; ms: number };

export type StandinIntercept = (exchange: StandinExchange) => StandinFault | undefined | Promise<StandinFault | undefined>;

export interface AmpStandinOptions {
  prometheusUrl: string;
  workspaceId: string;
  region: string;
  /** The keys the front accepts (the local stack generates a throwaway pair). */
  credentials: KnownCredential | readonly KnownCredential[];
  /** Default 0: a free port. */
  port?: number;
  maxBodyBytes?: number;
  /** Clock for the SigV4 skew check (epoch ms). */
  now?: () => number;
  intercept?: StandinIntercept;
  /** Called once per request (the local runner prints them). */
  onRequest?: (entry: StandinLogEntry) => void;
}

export interface StandinStats {
  writesAccepted: number;
  seriesAccepted: number;
  samplesAccepted: number;
  queries: number;
  /** Requests refused, by reason: SigV4 failure kinds, `too_large`, `unknown_workspace`, `prometheus_rejected`… */
  rejected: Record<string, number>;
}

export interface StandinLogEntry {
  at: string;
  method: string;
  path: string;
  status: number;
  /** `accepted`, `forwarded` (queries) or the rejection reason. */
  outcome: string;
  bytes: number;
  samples?: number;
  /** The message sent back on rejection. */
  message?: string;
  /** The `x-amzn-requestid` sent back, as AMP sends one with every answer (reference §4.1). */
  ampRequestId: string;
}

export interface AmpStandin {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** `<url>/workspaces/<id>` — the value for AMP_ENDPOINT. */
  readonly workspaceUrl: string;
  /** Live counters. */
  readonly stats: StandinStats;
  /** The last 200 requests, oldest first. */
  recentRequests(): readonly StandinLogEntry[];
  setIntercept(intercept: StandinIntercept | undefined): void;
  close(): Promise<void>;
}

const RECENT_LIMIT = 200;

class Rejection extends Error {
  constructor(readonly status: number, readonly reason: string, readonly errorType: string, message: string) {
    super(message);
  }
}

export async function startAmpStandin(options: AmpStandinOptions): Promise<AmpStandin> {
  const maxBodyBytes = options.maxBodyBytes ?? STANDIN_MAX_BODY_BYTES;
  const prometheusUrl = options.prometheusUrl.replace(/\/$/, "");
  const verify = createSigV4Verifier({
    region: options.region,
    credentials: Array.isArray(options.credentials) ? options.credentials : [options.credentials as KnownCredential],
    ...(options.now ? { now: options.now } : {}),
  });
  let intercept = options.intercept;
  const stats: StandinStats = { writesAccepted: 0, seriesAccepted: 0, samplesAccepted: 0, queries: 0, rejected: {} };
  const recent: StandinLogEntry[] = [];
  const record = (entry: StandinLogEntry) => {
    recent.push(entry);
    if (recent.length > RECENT_LIMIT) recent.shift();
    if (entry.status >= 300 && entry.outcome !== "forwarded") stats.rejected[entry.outcome] = (stats.rejected[entry.outcome] ?? 0) + 1;
    options.onRequest?.(entry);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const target = request.url ?? "/";
    const queryAt = target.indexOf("?");
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? "" : target.slice(queryAt + 1);
    const method = request.method ?? "GET";
    const entry: StandinLogEntry = { at: new Date().toISOString(), method, path, status: 0, outcome: "", bytes: 0, ampRequestId: randomUUID() };
    try {
      const body = await readLimitedBody(request, maxBodyBytes);
      entry.bytes = body.byteLength;
      const verdict = verify({ method, path, rawQuery, headers: request.headersDistinct, body });
      if (!verdict.ok) throw new Rejection(403, verdict.reason, verdict.errorType, verdict.message);

      const match = WORKSPACE_API.exec(path);
      if (!match) throw new Rejection(404, "not_found", "ResourceNotFoundException", `No AMP API at ${path}`);
      const [, workspaceId, api] = match as unknown as [string, string, string];
      if (workspaceId !== options.workspaceId) {
        throw new Rejection(404, "unknown_workspace", "ResourceNotFoundException", `Workspace ${workspaceId} does not exist.`);
      }
      const kind = api === "remote_write" ? "write" : "query";
      const methods = kind === "write" ? ["POST"] : QUERY_APIS.find((q) => q.pattern.test(api))?.methods;
      if (!methods) throw new Rejection(404, "not_found", "ResourceNotFoundException", `No AMP API at ${path}`);
      if (!methods.includes(method)) throw new Rejection(405, "method_not_allowed", "MethodNotAllowedException", `${method} is not allowed on ${api}`);

      const fault = await intercept?.({ kind, method, api, rawQuery, headers: request.headersDistinct, body });
      if (fault?.action === "reset") {
        entry.status = 0;
        entry.outcome = "fault_reset";
        request.socket.destroy();
        return;
      }
      if (fault?.action === "respond") {
        entry.status = fault.status;
        entry.outcome = "fault";
        response.writeHead(fault.status, { "content-type": "text/plain; charset=utf-8", "x-amzn-requestid": entry.ampRequestId, ...fault.headers });
        response.end(fault.body ?? "");
        return;
      }
      if (fault?.action === "delay") await new Promise((done) => setTimeout(done, fault.ms));

      if (kind === "write") await forwardWrite(body, request, response, entry);
      else await forwardQuery(api, rawQuery, method, body, request, response, entry);
    } catch (error) {
      const rejection = error instanceof Rejection
        ? error
        : new Rejection(500, "standin_error", "InternalServerException", `stand-in failure: ${(error as Error).message}`);
      entry.status = rejection.status;
      entry.outcome = rejection.reason;
      entry.message = rejection.message;
      if (!response.headersSent) {
        response.writeHead(rejection.status, {
          "content-type": "application/json",
          "x-amzn-errortype": rejection.errorType,
          "x-amzn-requestid": entry.ampRequestId,
          ...(rejection.status === 413 ? { connection: "close" } : {}),
        });
      }
      response.end(JSON.stringify({ message: rejection.message }));
    } finally {
      record(entry);
    }
  };

  const forwardWrite = async (body: Uint8Array, request: IncomingMessage, response: ServerResponse, entry: StandinLogEntry) => {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_WRITE_HEADERS) {
      const value = request.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const upstream = await callPrometheus(`${prometheusUrl}/api/v1/write`, { method: "POST", headers, body });
    const answer = ampAnswerForPrometheusWrite(upstream.status, await upstream.text(), options.workspaceId);
    entry.status = answer.status;
    if (answer.reason) {
      entry.outcome = answer.reason;
      entry.message = answer.body.trim();
    } else {
      const counted = countSamples(body);
      entry.outcome = "accepted";
      entry.samples = counted.samples;
      stats.writesAccepted += 1;
      stats.seriesAccepted += counted.series;
      stats.samplesAccepted += counted.samples;
    }
    // AMP's success answer: 200 with an empty body (reference §4.1); errors are text/plain.
    const requestIdHeader = { "x-amzn-requestid": entry.ampRequestId };
    response.writeHead(answer.status, answer.body ? { "content-type": "text/plain; charset=utf-8", ...requestIdHeader } : { "content-length": "0", ...requestIdHeader });
    response.end(answer.body);
  };

  const forwardQuery = async (api: string, rawQuery: string, method: string, body: Uint8Array, request: IncomingMessage, response: ServerResponse, entry: StandinLogEntry) => {
    const contentType = request.headers["content-type"];
    const upstream = await callPrometheus(`${prometheusUrl}/api/v1/${api}${rawQuery ? `?${rawQuery}` : ""}`, {
      method,
      headers: contentType ? { "content-type": contentType } : {},
      ...(method === "POST" ? { body } : {}),
    });
    const bytes = new Uint8Array(await upstream.arrayBuffer());
    stats.queries += 1;
    entry.status = upstream.status;
    entry.outcome = "forwarded";
    // fetch has already undone any Content-Encoding, so only the type travels on.
    response.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json", "x-amzn-requestid": entry.ampRequestId });
    response.end(bytes);
  };

  const callPrometheus = async (url: string, init: { method: string; headers: Record<string, string>; body?: Uint8Array }) => {
    try {
      return await fetch(url, init);
    } catch (error) {
      throw new Rejection(503, "prometheus_unreachable", "ServiceUnavailableException", `the stand-in's Prometheus is unreachable: ${(error as Error).message}`);
    }
  };

  /** A body over the limit is a 413: at once when Content-Length says so, otherwise once the body has passed it. */
  const readLimitedBody = async (request: IncomingMessage, limit: number): Promise<Uint8Array> => {
    const tooLarge = () => new Rejection(413, "too_large", "ValidationException", `Request size exceeds the limit of ${limit} bytes`);
    if (Number(request.headers["content-length"] ?? "0") > limit) {
      request.resume();
      throw tooLarge();
    }
    const body = await readBody(request, limit);
    if (!body) throw tooLarge();
    return body;
  };

  const server = createServer((request, response) => void handle(request, response));
  const { url, port, close } = await listenOnLoopback(server, options.port);
  return {
    url,
    port,
    workspaceUrl: `${url}/workspaces/${options.workspaceId}`,
    stats,
    recentRequests: () => [...recent],
    setIntercept(next) {
      intercept = next;
    },
    close,
  };
}

/** Series and samples in an accepted body (Prometheus has already decoded it, so it is well-formed). */
function countSamples(body: Uint8Array): { series: number; samples: number } {
  try {
    const request = decodeWriteRequest(decompressSnappyBlock(body, 64 * 1024 * 1024));
    let samples = 0;
    for (const series of request.timeseries) samples += series.samples.length + series.histograms.length;
    return { series: request.timeseries.length, samples };
  } catch {
    return { series: 0, samples: 0 };
  }
}
