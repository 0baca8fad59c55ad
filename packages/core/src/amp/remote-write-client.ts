/**
 * Writes a validated `WriteRequest` to AMP and resolves only once AMP accepted all of it.
 *
 *   const writer = createAmpWriter({ client: createAmpHttpClient({ endpoint, signer }), log });
 *   const result = await writer.write(batch, { deadline: Date.now() + context.getRemainingTimeInMillis() });
 *   // on failure: throws AmpWriteError → writeErrorToRequestError(error) is what the sender sees (errors.ts)
 *
 * Steps: split by AMP's request size limit → for each part, in order: encode → snappy → signed POST to
 * `/api/v1/remote_write` with the remote-write 1.0 headers (reference §1.3) → retry as retry-policy.ts decides.
 * Parts go one after another, never concurrently, so the samples of a series that spans parts reach AMP in
 * timestamp order (AMP ingests each series in order, §4.5). A 413 splits that part in half and sends the halves.
 *
 * Partial success: when part 1 is accepted and part 2 fails, the sender gets a retryable status and resends the
 * whole batch. See accepted-parts.ts for why resending part 1 is harmless in the usual case and how the writer
 * avoids resending it at all when the retry reaches the same instance.
 */
import { RequestError } from "../errors";
import type { Logger } from "../log/logger";
import { decodeWriteRequest, encodeWriteRequest } from "../remote-write/codec";
import type { EncodedWriteRequest } from "../remote-write/fast-ingest";
import { DEFAULT_LIMITS } from "../remote-write/limits";
import { compressSnappyBlock } from "../remote-write/snappy";
import { splitWriteRequest } from "../remote-write/split";
import { SnappySplicer } from "../remote-write/snappy-splice";
import { splitEncodedEntries } from "../remote-write/split-encoded";
import type { WriteRequest } from "../remote-write/types";
import { createAcceptedPartsMemory, partDigest, type AcceptedPartsMemory } from "./accepted-parts";
import { AmpWriteError, ampErrorFromResponse, ampErrorFromTransport, type AmpWriteErrorKind } from "./errors";
import { TransportError } from "./http-transport";
import { DEFAULT_RETRY_POLICY, attemptTimeout, decideRetry, parseRetryAfter, type RetryPolicy } from "./retry-policy";
import type { AmpHttpClient } from "./signed-client";

export const REMOTE_WRITE_HEADERS: Readonly<Record<string, string>> = {
  "content-encoding": "snappy",
  "content-type": "application/x-protobuf",
  "x-prometheus-remote-write-version": "0.1.0",
};

export interface AmpWriteLimits {
  /** Largest encoded (uncompressed) protobuf per request. */
  maxRequestBytes: number;
  /** Budget of one attempt; shortened near the deadline. AMP answers writes in well under a second. */
  attemptTimeoutMs: number;
  /** AMP's answer to a write is empty or a short error; more than this is not read. */
  maxResponseBytes: number;
}

export const DEFAULT_AMP_WRITE_LIMITS: AmpWriteLimits = {
  // AMP's 1 MB request quota, applied to the decoded protobuf (remote-write/limits.ts says why).
  maxRequestBytes: DEFAULT_LIMITS.maxRequestBytes,
  attemptTimeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
};

export interface WriterClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const systemClock: WriterClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

export interface AmpWriterOptions {
  client: AmpHttpClient;
  limits?: Partial<AmpWriteLimits>;
  retry?: Partial<RetryPolicy>;
  clock?: WriterClock;
  /** Uniform in [0, 1); backoff jitter. */
  random?: () => number;
  log?: Logger;
  /** Parts AMP already accepted (see accepted-parts.ts); `false` to resend everything. */
  acceptedParts?: AcceptedPartsMemory | false;
  /** Told about every write when it settles, with the error if it failed (self-metrics: telemetry/self-metrics.ts). */
  onSettled?(result: WriteResult, error?: AmpWriteError): void;
}

export interface WriteOptions {
  /** Epoch ms by which `write` must have settled (the Lambda's remaining time minus our own margin). */
  deadline: number;
  requestId?: string;
  /** Aborts the attempt in flight and any wait (e.g. the runtime is shutting down). */
  signal?: AbortSignal;
}

export interface WriteResult {
  /** AMP's status for the last accepted part (200 from AMP; 204 from a Prometheus receiver). 0 if nothing was sent. */
  status: number;
  /** Requests AMP accepted (after any 413 splits). */
  parts: number;
  /** Parts not sent because this instance had already had identical bytes accepted. */
  partsSkipped: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  retries: Partial<Record<AmpWriteErrorKind, number>>;
  /** Parts split in half after a 413. */
  splits: number;
  /** Compressed bytes put on the wire, retries included. */
  bytesSent: number;
  durationMs: number;
  /** AMP's `x-amzn-requestid` for each accepted request, in order: what AWS support asks for. */
  ampRequestIds: string[];
}

export interface AmpWriter {
  write(request: WriteRequest, options: WriteOptions): Promise<WriteResult>;
  /**
   * The same for a batch the fast ingest path already validated and encoded (remote-write/fast-ingest.ts): cut
   * at series boundaries into the parts `write` would make, without decoding it.
   */
  writeEncoded(batch: EncodedWriteRequest, options: WriteOptions): Promise<WriteResult>;
}

/**
 * A part waiting to be sent: its encoded and compressed bytes, each made when first needed. Its model is only
 * needed to cut it after a 413, so an encoded part is decoded only then.
 */
interface PendingPart {
  encoded(): Uint8Array;
  compressed(): Uint8Array;
  request(): WriteRequest;
}

function partOfRequest(request: WriteRequest): PendingPart {
  let encoded: Uint8Array | undefined;
  const part: PendingPart = {
    encoded: () => (encoded ??= encodeWriteRequest(request)),
    compressed: () => compressSnappyBlock(part.encoded()),
    request: () => request,
  };
  return part;
}

function partOfBytes(encoded: Uint8Array, compress: () => Uint8Array): PendingPart {
  return { encoded: () => encoded, compressed: compress, request: () => decodeWriteRequest(encoded) };
}

/**
 * The parts `splitWriteRequest` would make, straight from the encoded entries when none is over the limit.
 * With the sender's body at hand they are compressed by splicing its compression (snappy-splice.ts); an
 * unchanged one-part batch is the sender's body itself.
 */
function encodedParts(batch: EncodedWriteRequest, maxRequestBytes: number): PendingPart[] {
  const parts = splitEncodedEntries(batch.protobuf, batch.entryEnds, maxRequestBytes);
  if (!parts) return splitWriteRequest(decodeWriteRequest(batch.protobuf), maxRequestBytes).map(partOfRequest);
  const { snappy } = batch;
  if (snappy && batch.unchanged && parts.length === 1) return [partOfBytes(parts[0]!, () => snappy)];
  const splicer = snappy ? SnappySplicer.create(snappy, batch) : undefined;
  return parts.map((part) => {
    const start = part.byteOffset - batch.protobuf.byteOffset;
    return partOfBytes(part, () => splicer?.compress(start, start + part.length) ?? compressSnappyBlock(part));
  });
}

/** A part AMP refused as too large, cut in two; `[part]` when a single entry is already too big to cut. */
function splitInHalf(part: WriteRequest, encodedBytes: number): WriteRequest[] {
  try {
    return splitWriteRequest(part, Math.floor(encodedBytes / 2));
  } catch (error) {
    if (error instanceof RequestError && error.status === 413) return [part];
    throw error;
  }
}

type PartOutcome = { ok: true; status: number } | { ok: false; error: AmpWriteError };

export function createAmpWriter(options: AmpWriterOptions): AmpWriter {
  const limits = { ...DEFAULT_AMP_WRITE_LIMITS, ...options.limits };
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const accepted = options.acceptedParts === false ? undefined : (options.acceptedParts ?? createAcceptedPartsMemory({ now: clock.now }));
  const { client, log } = options;
  const workspace = client.endpoint.workspaceId;

  return {
    write: (request, writeOptions) => sendParts(splitWriteRequest(request, limits.maxRequestBytes).map(partOfRequest), writeOptions),
    writeEncoded: (batch, writeOptions) => sendParts(encodedParts(batch, limits.maxRequestBytes), writeOptions),
  };

  async function sendParts(queue: PendingPart[], { deadline, requestId, signal }: WriteOptions): Promise<WriteResult> {
    const started = clock.now();
    const result: WriteResult = { status: 0, parts: 0, partsSkipped: 0, attempts: 0, retries: {}, splits: 0, bytesSent: 0, durationMs: 0, ampRequestIds: [] };

    /** One part, retried per policy. Encoded once; signed afresh for every attempt by the client. */
    const sendPart = async (body: Uint8Array): Promise<PartOutcome> => {
      let lastError: AmpWriteError | undefined;
      for (let attempts = 0; ; ) {
        const timeoutMs = attemptTimeout(clock.now(), deadline, limits.attemptTimeoutMs, policy);
        if (timeoutMs === undefined || signal?.aborted) {
          const error = lastError?.with({ attempts, stoppedBy: "deadline" })
            ?? new AmpWriteError("deadline", `no time left before the deadline to send to AMP workspace ${workspace}`, { attempts });
          return { ok: false, error };
        }
        attempts += 1;
        result.attempts += 1;
        result.bytesSent += body.byteLength;
        const answer = await attemptOnce(body, timeoutMs);
        if (typeof answer === "number") return { ok: true, status: answer };
        const error = answer;
        const decision = decideRetry(error, { attempts, nowMs: clock.now(), deadlineMs: deadline, random }, policy);
        if (!decision.retry) {
          return { ok: false, error: error.with(decision.stoppedBy === "not_retryable" ? { attempts } : { attempts, stoppedBy: decision.stoppedBy }) };
        }
        result.retries[error.kind] = (result.retries[error.kind] ?? 0) + 1;
        log?.warn("amp write retry", { requestId, ampRequestId: error.details.ampRequestId, workspace, kind: error.kind, ampStatus: error.details.status, attempt: attempts, delayMs: decision.delayMs, retryAfter: decision.honouredRetryAfter, error: error.message });
        lastError = error;
        await clock.sleep(decision.delayMs, signal);
      }
    };

    /** AMP's 2xx status, or the typed failure of this attempt. */
    const attemptOnce = async (body: Uint8Array, timeoutMs: number): Promise<number | AmpWriteError> => {
      try {
        const response = await client.request({
          method: "POST",
          path: "/api/v1/remote_write",
          headers: { ...REMOTE_WRITE_HEADERS },
          body,
          timeoutMs,
          signal,
          maxResponseBytes: limits.maxResponseBytes,
        });
        const ampRequestId = response.headers["x-amzn-requestid"];
        if (response.status >= 200 && response.status < 300) {
          if (ampRequestId) result.ampRequestIds.push(ampRequestId);
          return response.status;
        }
        const error = ampErrorFromResponse(response.status, response.body, parseRetryAfter(response.headers["retry-after"], clock.now()));
        return ampRequestId ? error.with({ ampRequestId }) : error;
      } catch (caught) {
        if (caught instanceof TransportError) return ampErrorFromTransport(caught);
        // Anything else comes from resolving credentials or signing: our setup, not AMP's answer.
        const why = caught instanceof Error ? caught.message : String(caught);
        return new AmpWriteError("auth", `could not sign the request to AMP: ${why}`);
      }
    };

    while (queue.length > 0) {
      const part = queue.shift()!;
      const encoded = part.encoded();
      const digest = accepted ? partDigest(encoded) : "";
      if (accepted?.has(digest)) {
        result.partsSkipped += 1;
        continue;
      }
      const outcome = await sendPart(part.compressed());
      if (outcome.ok) {
        accepted?.remember(digest);
        result.parts += 1;
        result.status = outcome.status;
        continue;
      }
      if (outcome.error.kind === "too_large") {
        const halves = splitInHalf(part.request(), encoded.byteLength);
        if (halves.length > 1) {
          result.splits += 1;
          log?.warn("amp write split after 413", { requestId, workspace, bytes: encoded.byteLength, parts: halves.length });
          queue.unshift(...halves.map(partOfRequest));
          continue;
        }
      }
      throw finalFailure(outcome.error, result);
    }
    result.durationMs = clock.now() - started;
    options.onSettled?.(result);
    return result;

    function finalFailure(error: AmpWriteError, counts: WriteResult): AmpWriteError {
      counts.durationMs = clock.now() - started;
      options.onSettled?.(counts, error);
      const fields = { requestId, ampRequestId: error.details.ampRequestId, workspace, kind: error.kind, ampStatus: error.details.status, attempts: error.details.attempts, stoppedBy: error.details.stoppedBy, partsAccepted: counts.parts, error: error.message };
      if (error.kind === "auth" || error.kind === "configuration") {
        // The sender keeps its data (503) but nothing will get through until the operator acts: say so loudly.
        log?.error(`AMP refused ampgate's requests: check the function's IAM role allows aps:RemoteWrite on workspace ${workspace}, and AMP_ENDPOINT's region and workspace id`, fields);
      } else {
        log?.warn("amp write failed", fields);
      }
      return error;
    }
  }
}
