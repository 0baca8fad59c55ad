/**
 * Ingest Lambda: every push route (remote write, Influx, Prometheus text, JSON, OTLP) → one validated,
 * token-labelled remote-write batch → AMP. The route table says which format a route speaks.
 */
import { writeErrorToRequestError } from "@ampgate/core/amp/errors";
import { createAmpWriter } from "@ampgate/core/amp/remote-write-client";
import { parseIngestTokens, type IngestToken } from "@ampgate/core/auth/ingest-tokens";
import { createTokenBucketLimiter } from "@ampgate/core/auth/rate-limit";
import { notFound } from "@ampgate/core/errors";
import { textResponse } from "@ampgate/core/http";
import { createLogger } from "@ampgate/core/log/logger";
import { handlePush, type IngestDependencies } from "@ampgate/core/ingest/ingest-pipeline";
import { PUSH_FORMATS } from "@ampgate/core/ingest/push-formats";
import { remoteWriteLimits } from "@ampgate/core/remote-write/limits";
import { recordPush } from "@ampgate/core/telemetry/request-metrics";
import { ampHttpClient, secrets } from "./lib/deps";
import { httpHandler } from "./lib/http-handler";
import { selfMetrics } from "./lib/self-metrics";
import { ROUTES, routeKey } from "./routes";

const FORMAT_BY_ROUTE = new Map(
  ROUTES.filter((route) => route.fn === "ingest" && route.format).map((route) => [routeKey(route), PUSH_FORMATS[route.format!]]),
);

/** Lambda's synchronous payload limit is 6 MB, and API Gateway base64-encodes binary bodies (4/3). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * AMP's limits, with the decoded-body cap lowered from Prometheus' 32 MiB: a body of tiny series expands ~10×
 * into JS objects, and 8 MiB (≈ 45,000 Telegraf-shaped series, 45× Telegraf's default batch) stays well inside
 * the function's memory.
 */
export const LIMITS = remoteWriteLimits({ maxDecodedBodyBytes: 8 * 1024 * 1024 });

let parsedTokens: { raw: string | undefined; tokens: IngestToken[] } | undefined;

async function ingestTokens(): Promise<IngestToken[]> {
  const raw = await secrets(["ingest-tokens"]).get("ingest-tokens");
  if (!parsedTokens || parsedTokens.raw !== raw) parsedTokens = { raw, tokens: parseIngestTokens(raw) };
  return parsedTokens.tokens;
}

let writer: IngestDependencies["writer"] | undefined;
/** Per-container token buckets for tokens with `maxRequestsPerMinute` (docs/threat-model.md says why per container). */
const rateLimiter = createTokenBucketLimiter();

export const handler = httpHandler("ingest", async (request, invocation) => {
  const format = FORMAT_BY_ROUTE.get(request.routeKey);
  if (!format) return textResponse(404, notFound(`no push format for ${request.routeKey}`).message);
  // One writer per container: it remembers parts AMP already accepted, so a sender's retry after a partial
  // failure does not resend them (amp/accepted-parts.ts).
  const metrics = selfMetrics("ingest");
  writer ??= createAmpWriter({ client: ampHttpClient(), log: createLogger({ fields: { fn: "ingest" } }), onSettled: metrics.observeAmpWrite });
  return handlePush(
    { request, format, deadline: invocation.deadline },
    {
      tokens: ingestTokens,
      writer,
      writeErrorToRequestError,
      limits: LIMITS,
      maxBodyBytes: MAX_BODY_BYTES,
      rateLimiter,
      now: Date.now,
      log: invocation.log,
      observe: (push) => recordPush(metrics.registry, push),
    },
  );
});
