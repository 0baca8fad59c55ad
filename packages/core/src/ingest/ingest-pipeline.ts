/**
 * One push, from request to response — the same steps for every format:
 *
 *   authenticate → rate limit → size check → decode (format) → stamp the token's labels → validate → write to AMP → respond
 *
 * Remote write 1.0 usually takes a shortcut through the middle three steps: its bytes are checked and stamped in
 * place (`PushFormat.encodeStamped`, remote-write/fast-ingest.ts, issue #8). Whenever that declines, the general
 * steps run and decide, errors included.
 *
 * A push is acknowledged (2xx) only after AMP accepted every part of it. Input that can never be accepted gets a
 * 4xx naming the problem, and nothing is forwarded; AMP trouble gets 429/503 with Retry-After so the sender
 * keeps its data and retries. Exactly one structured log line is written per request, never with the token.
 */
import { RequestError, payloadTooLarge, serviceUnavailable, tooManyRequests, unauthorized } from "../errors";
import { type CoreRequest, type CoreResponse, emptyResponse, textResponse } from "../http";
import type { Logger } from "../log/logger";
import { findByToken } from "../auth/token-hash";
import { presentedToken } from "../auth/credentials";
import type { IngestToken } from "../auth/ingest-tokens";
import type { RateLimiter } from "../auth/rate-limit";
import type { EncodedWriteRequest } from "../remote-write/fast-ingest";
import type { RemoteWriteLimits } from "../remote-write/limits";
import { validateWriteRequest } from "../remote-write/validate";
import { stampLabels } from "../remote-write/stamp";
import type { WriteRequest } from "../remote-write/types";
import type { PushReport } from "../telemetry/request-metrics";
import type { PushContext, PushFormat, PushOutcome, RejectedItem, StampedEncodeContext } from "./push-format";

type WriteCallOptions = { deadline: number; requestId?: string };
type WriteAnswer = { status: number; attempts: number; ampRequestIds?: string[] };

/** What the pipeline needs from the AMP client (amp/remote-write-client.ts). */
export interface RemoteWriter {
  write(request: WriteRequest, options: WriteCallOptions): Promise<WriteAnswer>;
  /** Batches the fast path validated and encoded; a writer without it sends every push the general way. */
  writeEncoded?(batch: EncodedWriteRequest, options: WriteCallOptions): Promise<WriteAnswer>;
}

export interface IngestDependencies {
  /** Current ingest tokens (cached by the secret source). */
  tokens(): Promise<IngestToken[]>;
  writer: RemoteWriter;
  /** Turns whatever the writer threw into the status the sender should see (amp/ decides retryability). */
  writeErrorToRequestError(error: unknown): RequestError;
  limits: RemoteWriteLimits;
  /** Largest request body accepted, before decompression. */
  maxBodyBytes: number;
  /** Enforces tokens' `maxRequestsPerMinute` (auth/rate-limit.ts: per container, one per Lambda instance). */
  rateLimiter: RateLimiter;
  now(): number;
  log: Logger;
  /** Told what each push did, once it is answered (self-metrics: telemetry/request-metrics.ts). */
  observe?(push: PushReport): void;
}

export interface IngestCall {
  request: CoreRequest;
  format: PushFormat;
  /** Epoch ms by which a response must be returned. */
  deadline: number;
}

interface Counts { series: number; samples: number; histograms: number; exemplars: number }

function countBatch(request: WriteRequest): Counts {
  let samples = 0;
  let histograms = 0;
  let exemplars = 0;
  for (const series of request.timeseries) {
    samples += series.samples.length;
    histograms += series.histograms.length;
    exemplars += series.exemplars.length;
  }
  return { series: request.timeseries.length, samples, histograms, exemplars };
}

/** How far a push got, for its report: the samples of the batch once decoded, and whether AMP took them. */
interface Progress {
  samples?: number;
  written: boolean;
  rejected: readonly RejectedItem[];
}

function pushReport(call: IngestCall, source: string | undefined, status: number, progress: Progress, reason: string | undefined): PushReport {
  const { samples, written } = progress;
  return {
    route: call.request.routeKey,
    format: call.format.name,
    ...(source === undefined ? {} : { source }),
    status,
    bytes: call.request.body.byteLength,
    samplesWritten: written ? samples ?? 0 : 0,
    rejectedItems: progress.rejected,
    ...(!written && samples !== undefined && reason !== undefined ? { notWritten: { samples, reason } } : {}),
  };
}

function errorResponse(error: RequestError, call: IngestCall): CoreResponse {
  const headers = error.responseHeaders();
  const shaped = call.format.respondError?.(error, call.request);
  if (shaped) return { ...shaped, headers: { ...shaped.headers, ...headers } };
  return textResponse(error.status, error.message, headers);
}

async function authenticate(call: IngestCall, deps: IngestDependencies): Promise<IngestToken> {
  const presented = presentedToken(call.request.headers) ?? call.format.credential?.(call.request);
  if (!presented) throw unauthorized("missing credentials: send Authorization: Bearer <ingest token>");
  let tokens: IngestToken[];
  try {
    tokens = await deps.tokens();
  } catch (error) {
    deps.log.error("ingest tokens unavailable", { error });
    throw serviceUnavailable("secrets_unavailable", "ingest tokens are temporarily unavailable; retry", 5);
  }
  const token = findByToken(tokens, presented);
  if (!token) throw unauthorized("invalid ingest token");
  return token;
}

export async function handlePush(call: IngestCall, deps: IngestDependencies): Promise<CoreResponse> {
  const started = deps.now();
  const { request, format } = call;
  const entry: Record<string, unknown> = {
    requestId: request.requestId,
    route: request.routeKey,
    format: format.name,
    bytes: request.body.byteLength,
  };
  let response: CoreResponse;
  const progress: Progress = { written: false, rejected: [] };
  try {
    const token = await authenticate(call, deps);
    entry.token = token.name;
    if (token.maxRequestsPerMinute !== undefined) {
      const decision = deps.rateLimiter.take(token.name, token.maxRequestsPerMinute);
      if (!decision.allowed) {
        throw tooManyRequests(`ingest token "${token.name}" is limited to ${token.maxRequestsPerMinute} requests per minute; retry in ${decision.retryAfterSeconds} s`, decision.retryAfterSeconds);
      }
    }
    const maxBodyBytes = Math.min(deps.maxBodyBytes, token.maxBodyBytes ?? Infinity);
    if (request.body.byteLength > maxBodyBytes) {
      throw payloadTooLarge("body_too_large", `request body is ${request.body.byteLength} bytes; the limit is ${maxBodyBytes}`);
    }
    const context: PushContext = { now: started, maxDecodedBytes: deps.limits.maxDecodedBodyBytes };
    const limits = format.limits ? { ...deps.limits, ...format.limits } : deps.limits;
    const batch = encodedBatch(call, deps.writer, { ...context, labels: token.labels, limits })
      ?? await validatedBatch(call, deps.writer, context, token, limits, progress);
    const { counts, decoded } = batch;
    Object.assign(entry, { path: batch.path }, counts, decoded.rejected.length ? { rejectedItems: decoded.rejected.length } : {});
    Object.assign(progress, { samples: counts.samples + counts.histograms, rejected: decoded.rejected });
    if (!batch.empty) {
      const written = await batch
        .write({ deadline: call.deadline, requestId: request.requestId })
        .catch((error: unknown) => { throw deps.writeErrorToRequestError(error); });
      entry.ampStatus = written.status;
      entry.ampAttempts = written.attempts;
      if (written.ampRequestIds?.length) entry.ampRequestIds = written.ampRequestIds;
    }
    progress.written = true;
    const outcome: PushOutcome = {
      request,
      decoded,
      samplesWritten: counts.samples,
      histogramsWritten: counts.histograms,
      exemplarsWritten: counts.exemplars,
    };
    response = format.respond?.(outcome) ?? defaultResponse(outcome);
  } catch (caught) {
    // Anything that is not a RequestError is a bug: the sender gets a retryable 500 and keeps its data.
    const error = caught instanceof RequestError
      ? caught
      : new RequestError(500, "internal_error", "internal error; the batch was not written");
    if (!(caught instanceof RequestError)) entry.cause = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
    entry.reason = error.reason;
    entry.error = error.message;
    response = errorResponse(error, call);
  }
  entry.status = response.status;
  entry.durationMs = deps.now() - started;
  const level = response.status >= 500 ? "error" : response.status >= 400 ? "warn" : "info";
  deps.log[level]("push", entry);
  deps.observe?.(pushReport(call, entry.token as string | undefined, response.status, progress, entry.reason as string | undefined));
  return response;
}

/** A batch ready for AMP, whichever way it was prepared. */
interface ReadyBatch {
  /** Which way it was prepared, for the log line. */
  path: "in-place" | "decoded";
  decoded: PushOutcome["decoded"];
  counts: Counts;
  /** Nothing to send (e.g. every line of an Influx body was rejected). */
  empty: boolean;
  write(options: WriteCallOptions): Promise<WriteAnswer>;
}

/** The shortcut: the format checks and stamps its own encoding, or declines (`undefined`). */
function encodedBatch(call: IngestCall, writer: RemoteWriter, context: StampedEncodeContext): ReadyBatch | undefined {
  const { writeEncoded } = writer;
  if (!writeEncoded || !call.format.encodeStamped) return undefined;
  const encoded = call.format.encodeStamped(call.request, context);
  if (!encoded) return undefined;
  return {
    path: "in-place",
    decoded: { rejected: [] },
    counts: { series: encoded.series, samples: encoded.samples, histograms: 0, exemplars: 0 },
    empty: encoded.series === 0,
    write: (options) => writeEncoded.call(writer, encoded, options),
  };
}

/** The general path: decode to the model, stamp the token's labels, validate. */
async function validatedBatch(
  call: IngestCall, writer: RemoteWriter, context: PushContext, token: IngestToken, limits: RemoteWriteLimits, progress: Progress,
): Promise<ReadyBatch> {
  const decoded = await call.format.decode(call.request, context);
  // Counted before validation, which may refuse the whole batch: then these are the samples rejected.
  const { samples, histograms } = countBatch(decoded.writeRequest);
  progress.samples = samples + histograms;
  const batch = validateWriteRequest(stampLabels(decoded.writeRequest, token.labels), limits);
  return {
    path: "decoded",
    decoded,
    counts: countBatch(batch),
    empty: batch.timeseries.length === 0 && batch.metadata.length === 0,
    write: (options) => writer.write(batch, options),
  };
}

/** 204 when everything was written; 400 listing what was dropped when only part of the body was usable. */
function defaultResponse(outcome: PushOutcome): CoreResponse {
  const { rejected } = outcome.decoded;
  if (rejected.length === 0) return emptyResponse(204);
  const first = rejected[0]!;
  const where = first.position === undefined ? "" : ` at ${first.position}`;
  return textResponse(400, `partial write: ${rejected.length} item(s) rejected, the rest written; first${where}: ${first.message}`);
}
