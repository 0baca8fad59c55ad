/**
 * OTLP/HTTP metrics (`POST /v1/metrics`) as a push format — what the OpenTelemetry Collector's `otlphttp`
 * exporter and the OTel SDKs' OTLP exporters send (protobuf or JSON, gzip by default in the Collector).
 *
 * Responses follow the OTLP/HTTP spec, in the encoding of the request:
 * - success: 200 with an `ExportMetricsServiceResponse`; when some data points were rejected (delta
 *   temporality, unrepresentable histograms) its `partial_success` says how many and why — the Collector logs
 *   that and does not retry;
 * - failure: a `google.rpc.Status` body; 400/413/415 are permanent for the exporter, 429/502/503/504 are
 *   retried (honouring `Retry-After`, which the pipeline sets).
 * A request whose every data point is rejected is a 400, so the misconfiguration is not mistaken for success.
 */
import { badRequest, type RequestError } from "../../errors";
import { header, type CoreRequest, type CoreResponse } from "../../http";
import type { DecodedPush, PushFormat, PushOutcome } from "../../ingest/push-format";
import { decodeContentEncoding } from "../content-encoding";
import { decodeOtlpRequest, otlpEncoding, type OtlpEncoding } from "./otlp-request-decoder";
import { otlpSchema } from "./otlp-schema";
import { otlpToWriteRequest } from "./otlp-to-write-request";

const REJECTIONS_NAMED = 3;

/** google.rpc.Code for the HTTP status of an error (OTLP spec: the Status code should match the HTTP status). */
const RPC_CODES: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  502: 14, // UNAVAILABLE
  503: 14, // UNAVAILABLE
  504: 4, // DEADLINE_EXCEEDED
};

const CONTENT_TYPES: Record<OtlpEncoding, string> = { protobuf: "application/x-protobuf", json: "application/json" };

/** What `respond` needs besides the batch: the request's encoding and how many points were refused. */
interface OtlpDecodedPush extends DecodedPush {
  otlp: { encoding: OtlpEncoding; rejectedDataPoints: number };
}

function summarise(rejections: readonly string[]): string {
  const named = rejections.slice(0, REJECTIONS_NAMED).join("; ");
  const more = rejections.length - REJECTIONS_NAMED;
  return more > 0 ? `${named}; and ${more} more metric(s)` : named;
}

function encodeMessage(encoding: OtlpEncoding, json: Record<string, unknown>, encodeProtobuf: () => Uint8Array): CoreResponse["body"] {
  return encoding === "json" ? JSON.stringify(json) : encodeProtobuf();
}

function exportResponse(outcome: PushOutcome<OtlpDecodedPush>): CoreResponse {
  const { otlp: { encoding, rejectedDataPoints }, rejected } = outcome.decoded;
  const partialSuccess =
    rejected.length > 0 ? { rejectedDataPoints, errorMessage: summarise(rejected.map((item) => item.message)) } : undefined;
  const body = encodeMessage(
    encoding,
    // OTLP/JSON writes int64 as a decimal string.
    partialSuccess ? { partialSuccess: { ...partialSuccess, rejectedDataPoints: String(rejectedDataPoints) } } : {},
    () => {
      const { ExportMetricsServiceResponse } = otlpSchema();
      return ExportMetricsServiceResponse.encode(ExportMetricsServiceResponse.fromObject(partialSuccess ? { partialSuccess } : {})).finish();
    },
  );
  return { status: 200, headers: { "content-type": CONTENT_TYPES[encoding] }, body };
}

function statusResponse(error: RequestError, request: CoreRequest): CoreResponse {
  const encoding: OtlpEncoding = /json/i.test(header(request, "content-type") ?? "") ? "json" : "protobuf";
  const status = { code: RPC_CODES[error.status] ?? 2 /* UNKNOWN */, message: error.message };
  const body = encodeMessage(encoding, status, () => {
    const { RpcStatus } = otlpSchema();
    return RpcStatus.encode(RpcStatus.fromObject(status)).finish();
  });
  return { status: error.status, headers: { "content-type": CONTENT_TYPES[encoding] }, body };
}

export const otlpFormat: PushFormat<OtlpDecodedPush> = {
  name: "otlp",
  decode(request, context): OtlpDecodedPush {
    const encoding = otlpEncoding(request);
    const body = decodeContentEncoding(request, context.maxDecodedBytes);
    const conversion = otlpToWriteRequest(decodeOtlpRequest(body, encoding));
    if (conversion.acceptedDataPoints === 0 && conversion.rejectedDataPoints > 0) {
      throw badRequest("otlp_rejected", `no data point could be converted: ${summarise(conversion.rejections)}`);
    }
    return {
      writeRequest: conversion.writeRequest,
      rejected: conversion.rejections.map((message) => ({ reason: "otlp_unsupported", message })),
      otlp: { encoding, rejectedDataPoints: conversion.rejectedDataPoints },
    };
  },
  respond: exportResponse,
  respondError: statusResponse,
};
