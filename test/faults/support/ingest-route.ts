/**
 * The ingest Lambda's core route with the handler's exact settings (functions/ingest.ts: body limit, decoded-size
 * cap, validation limits, format per route), minus API Gateway and SSM — for tests that send thousands of requests
 * (fuzzing) or need a writer the stack cannot give (an AMP host that does not resolve).
 *
 *   const route = ingestRoute({ writer });
 *   const response = await route(pushRequest("POST /api/v1/write", { body, headers: { "content-encoding": "snappy" } }));
 */
import { randomUUID } from "node:crypto";
import { writeErrorToRequestError } from "@ampgate/core/amp/errors";
import { createTokenBucketLimiter } from "@ampgate/core/auth/rate-limit";
import { hashToken } from "@ampgate/core/auth/token-hash";
import type { CoreRequest, CoreResponse } from "@ampgate/core/http";
import { handlePush, type RemoteWriter } from "@ampgate/core/ingest/ingest-pipeline";
import { PUSH_FORMATS } from "@ampgate/core/ingest/push-formats";
import { createLogger, type Logger } from "@ampgate/core/log/logger";
import { decodeWriteRequest } from "@ampgate/core/remote-write/codec";
import type { WriteRequest } from "@ampgate/core/remote-write/types";
import { LIMITS, MAX_BODY_BYTES } from "../../../functions/ingest";
import { ROUTES, routeKey } from "../../../functions/routes";

export const ROUTE_TOKEN = "ag_route-harness-token-0123456789abcdefghijklm";

export interface RequestParts {
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Raw query string without `?`. */
  query?: string;
  /** The concrete path (for `{proxy+}` routes); defaults to the route's path. */
  path?: string;
  pathParameters?: Record<string, string>;
}

/** A CoreRequest as functions/lib/apigw.ts produces it, authenticated with ROUTE_TOKEN unless headers say otherwise. */
export function pushRequest(key: string, parts: RequestParts = {}): CoreRequest {
  const [method, routePath] = key.split(" ") as [string, string];
  const body = typeof parts.body === "string" ? new TextEncoder().encode(parts.body) : (parts.body ?? new Uint8Array());
  return {
    method,
    routeKey: key,
    path: parts.path ?? routePath,
    headers: { authorization: `Bearer ${ROUTE_TOKEN}`, ...Object.fromEntries(Object.entries(parts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) },
    query: new URLSearchParams(parts.query ?? ""),
    pathParameters: parts.pathParameters ?? {},
    body,
    requestId: randomUUID(),
    sourceIp: "127.0.0.1",
  };
}

/**
 * A writer that keeps what it was given (the decoded, validated, stamped batch). It also takes the remote-write
 * fast path's encoded batches, as the real writer does — so that path is exercised too — decoding them to record.
 */
export function recordingWriter(): RemoteWriter & { written: WriteRequest[] } {
  const written: WriteRequest[] = [];
  return {
    written,
    async write(request) {
      written.push(request);
      return { status: 200, attempts: 1 };
    },
    async writeEncoded(batch) {
      written.push(decodeWriteRequest(batch.protobuf));
      return { status: 200, attempts: 1 };
    },
  };
}

export interface IngestRouteOptions {
  writer: RemoteWriter;
  log?: Logger;
  /** Epoch ms the handler must answer by; default 28.5 s from the call, as the Lambda's. */
  deadlineMs?: number;
}

export function ingestRoute(options: IngestRouteOptions): (request: CoreRequest) => Promise<CoreResponse> {
  const tokens = [{ name: "harness", sha256: hashToken(ROUTE_TOKEN), labels: { source: "harness" } }];
  const rateLimiter = createTokenBucketLimiter();
  const log = options.log ?? createLogger({ level: "error" });
  return (request) => {
    const format = PUSH_FORMATS[ROUTES.find((r) => routeKey(r) === request.routeKey)!.format!];
    return handlePush(
      { request, format, deadline: Date.now() + (options.deadlineMs ?? 28_500) },
      { tokens: async () => tokens, writer: options.writer, writeErrorToRequestError, limits: LIMITS, maxBodyBytes: MAX_BODY_BYTES, rateLimiter, now: Date.now, log },
    );
  };
}
