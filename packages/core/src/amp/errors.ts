/**
 * What went wrong talking to AMP, as one typed error, and the single mapping from it to the status our ingest
 * API answers. Retry decisions (retry-policy.ts) and client statuses are both read off `kind`, never off strings.
 */
import { isRetryableStatus, RequestError } from "../errors";
import { oneLine } from "../one-line";
import type { TransportError } from "./http-transport";

export type AmpWriteErrorKind =
  /** 429: AMP's ingestion-rate or TPS throttle (reference §4.6). Retried. */
  | "throttled"
  /** 5xx. Retried. */
  | "server"
  /** Connection refused/reset, DNS, TLS. Retried. */
  | "network"
  /** No complete answer within the per-attempt timeout. Retried. */
  | "timeout"
  /** 400 (and any other 4xx about the data): AMP will never take this batch. Not retried. */
  | "rejected"
  /** 413 for a part that cannot be split further. */
  | "too_large"
  /** 401/403: signature, credentials or IAM — our misconfiguration, not the sender's data. Not retried. */
  | "auth"
  /** 404 or a redirect: the workspace or URL is wrong — our misconfiguration. Not retried. */
  | "configuration"
  /** The caller's deadline left no time for an attempt. */
  | "deadline";

export interface AmpWriteErrorDetails {
  /** AMP's HTTP status, when AMP answered. */
  status?: number;
  /** AMP's response body: one line, truncated (`oneLine`). AMP bodies never contain our credentials. */
  ampMessage?: string;
  /** From AMP's `Retry-After`, when present. */
  retryAfterMs?: number;
  /** Attempts made for the failing part, the last one included. */
  attempts?: number;
  /** Why retrying stopped, when the error itself was retryable. */
  stoppedBy?: "attempts" | "deadline";
  /** The system error code of a network failure (`ECONNRESET`…). */
  code?: string;
  /** AMP's `x-amzn-requestid` for the failing answer, when AMP answered. */
  ampRequestId?: string;
}

export class AmpWriteError extends Error {
  override readonly name = "AmpWriteError";
  constructor(
    readonly kind: AmpWriteErrorKind,
    message: string,
    readonly details: AmpWriteErrorDetails = {},
  ) {
    super(message);
  }

  /** A copy with more details (the writer adds attempt counts when it gives up). */
  with(details: AmpWriteErrorDetails): AmpWriteError {
    return new AmpWriteError(this.kind, this.message, { ...this.details, ...details });
  }
}

/**
 * AMP answered, and will never take this batch (a 4xx about the data, a 413 after splitting): sending it again is
 * pointless, and the refusal says nothing about AMP's health.
 */
export const BATCH_REFUSALS: ReadonlySet<AmpWriteErrorKind> = new Set(["rejected", "too_large"]);

export const isBatchRefusal = (error: unknown): boolean => error instanceof AmpWriteError && BATCH_REFUSALS.has(error.kind);

/** Status → kind for the statuses that do not follow the 4xx/5xx rule. */
const KIND_BY_STATUS: Readonly<Record<number, AmpWriteErrorKind>> = {
  401: "auth",
  403: "auth",
  404: "configuration",
  413: "too_large",
  429: "throttled",
};

export function kindOfStatus(status: number): AmpWriteErrorKind {
  return KIND_BY_STATUS[status] ?? (status >= 500 ? "server" : status >= 400 ? "rejected" : "configuration");
}

export function ampErrorFromResponse(status: number, body: Uint8Array, retryAfterMs: number | undefined): AmpWriteError {
  // Only the head of the body matters for a one-line message (Prometheus reads 1 KiB the same way, §1.8).
  const ampMessage = oneLine(new TextDecoder().decode(body.subarray(0, 4096)));
  return new AmpWriteError(kindOfStatus(status), `AMP answered HTTP ${status}${ampMessage ? `: ${ampMessage}` : ""}`, {
    status,
    ampMessage,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

export function ampErrorFromTransport(error: TransportError): AmpWriteError {
  const kind: AmpWriteErrorKind = error.kind === "timeout" ? "timeout" : "network";
  return new AmpWriteError(kind, error.message, error.code ? { code: error.code } : {});
}

// ── The one mapping from an AMP failure to what an ingest client sees ──────────────────────────────────────

interface ClientAnswer {
  status: number;
  reason: string;
  /** Retry-After for retryable answers when AMP gave none. */
  retryAfterSeconds?: number;
  message(error: AmpWriteError): string;
}

/** AMP's own prefix `user=<account>_<workspace>: ` is noise to a client and names our AWS account. */
export const withoutAmpTenant = (message: string | undefined) => (message ?? "").replace(/^user=[^:\s]+:\s*/, "");

const STORED_NOTHING = "nothing from this request was acknowledged; keep the data and retry";

/**
 * Why auth/configuration failures answer 503: the sender's data is fine and our setup is wrong (IAM role,
 * AMP_ENDPOINT region or workspace). A 4xx would make Prometheus drop the batch and Telegraf drop it when
 * configured with `non_retryable_statuscodes`; a 503 keeps it queued until the operator fixes the
 * configuration, and the writer logs the cause at error level. AMP's auth message (role ARN, account id) is
 * kept out of the client's answer.
 */
const CLIENT_ANSWERS: Readonly<Record<AmpWriteErrorKind, ClientAnswer>> = {
  rejected: { status: 400, reason: "amp_rejected", message: (e) => `AMP rejected the batch (HTTP ${e.details.status ?? 400}): ${withoutAmpTenant(e.details.ampMessage) || "no reason given"}` },
  too_large: { status: 413, reason: "amp_request_too_large", message: () => "AMP refused the batch as too large (HTTP 413) even after splitting it to single series; send fewer samples per series per request" },
  throttled: { status: 429, reason: "amp_throttled", retryAfterSeconds: 5, message: (e) => `AMP is throttling writes (HTTP 429: ${withoutAmpTenant(e.details.ampMessage) || "rate exceeded"}); ${STORED_NOTHING}` },
  server: { status: 503, reason: "amp_unavailable", retryAfterSeconds: 5, message: (e) => `AMP failed (HTTP ${e.details.status ?? 500}); ${STORED_NOTHING}` },
  network: { status: 503, reason: "amp_unreachable", retryAfterSeconds: 5, message: () => `AMP could not be reached; ${STORED_NOTHING}` },
  timeout: { status: 503, reason: "amp_timeout", retryAfterSeconds: 5, message: () => `AMP did not answer in time; ${STORED_NOTHING}` },
  deadline: { status: 503, reason: "amp_deadline", retryAfterSeconds: 5, message: () => `no time left to retry AMP within this request; ${STORED_NOTHING}` },
  auth: { status: 503, reason: "amp_forbidden", retryAfterSeconds: 60, message: () => `ampgate is not authorised to write to AMP (server-side configuration); ${STORED_NOTHING}` },
  configuration: { status: 503, reason: "amp_misconfigured", retryAfterSeconds: 60, message: () => `ampgate's AMP workspace setting is wrong (server-side configuration); ${STORED_NOTHING}` },
};

/** Longest Retry-After we pass on: a sender should not park its queue for longer on AMP's word. */
const MAX_CLIENT_RETRY_AFTER_SECONDS = 300;

/**
 * The status, reason and one-line message an ingest client receives when AMP did not take its batch.
 * Retryable answers (429/503) always carry `Retry-After` — AMP's own when it sent one.
 */
export function ampErrorToRequestError(error: AmpWriteError): RequestError {
  const answer = CLIENT_ANSWERS[error.kind];
  if (!isRetryableStatus(answer.status)) return new RequestError(answer.status, answer.reason, answer.message(error));
  const fromAmp = error.details.retryAfterMs === undefined ? undefined : Math.ceil(error.details.retryAfterMs / 1000);
  const retryAfterSeconds = Math.min(Math.max(fromAmp ?? answer.retryAfterSeconds ?? 5, 1), MAX_CLIENT_RETRY_AFTER_SECONDS);
  return new RequestError(answer.status, answer.reason, answer.message(error), { retryAfterSeconds });
}

/** `ampErrorToRequestError` for whatever a writer threw; anything that is not an AMP error is our bug (500). */
export function writeErrorToRequestError(error: unknown): RequestError {
  if (error instanceof AmpWriteError) return ampErrorToRequestError(error);
  if (error instanceof RequestError) return error;
  return new RequestError(500, "internal_error", "internal error; the batch was not written");
}
