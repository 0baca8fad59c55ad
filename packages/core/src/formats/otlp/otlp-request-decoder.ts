/**
 * OTLP/HTTP request bodies (`POST /v1/metrics`) → the plain-object model of otlp-model.ts.
 *
 * Two encodings (OTLP spec, "OTLP/HTTP"): binary protobuf (`Content-Type: application/x-protobuf`) and
 * OTLP/JSON (`application/json`), the protobuf JSON mapping with OTLP's own rules:
 * - keys are lowerCamelCase field names; unknown keys are ignored;
 * - `traceId`/`spanId` are hex strings, not base64 (so they are converted before protobufjs sees them);
 * - enums are integers; 64-bit integers may be JSON numbers or decimal strings.
 * Anything else is 415, naming the two accepted types; a body that does not decode is 400.
 */
import { badRequest, RequestError, unsupportedMediaType } from "../../errors";
import { mediaType, type CoreRequest } from "../../http";
import type { ExportMetricsRequest } from "./otlp-model";
import { otlpSchema, TO_PLAIN_OBJECT } from "./otlp-schema";

export type OtlpEncoding = "protobuf" | "json";

const MEDIA_TYPES: Record<string, OtlpEncoding> = {
  "application/x-protobuf": "protobuf",
  "application/protobuf": "protobuf",
  "application/json": "json",
};

export function otlpEncoding(request: Pick<CoreRequest, "headers">): OtlpEncoding {
  const type = mediaType(request);
  const encoding = MEDIA_TYPES[type];
  if (!encoding) {
    throw unsupportedMediaType(
      `OTLP/HTTP needs Content-Type application/x-protobuf or application/json, not ${JSON.stringify(type || "(none)")}`,
    );
  }
  return encoding;
}

/** Where exemplars live in OTLP/JSON, to rewrite their hex ids. */
const POINT_CONTAINERS = ["gauge", "sum", "histogram", "exponentialHistogram"] as const;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function hexIdToBase64(value: unknown, where: string): unknown {
  if (typeof value !== "string") return value;
  if (!HEX.test(value)) throw badRequest("invalid_otlp", `${where} must be a hex string, got ${JSON.stringify(value.slice(0, 40))}`);
  return Buffer.from(value, "hex").toString("base64");
}

/** OTLP/JSON ids are hex; protobufjs' JSON mapping expects base64 for bytes. Rewrites in place. */
function rewriteExemplarIds(json: unknown): void {
  const resourceMetrics = (json as { resourceMetrics?: unknown })?.resourceMetrics;
  if (!Array.isArray(resourceMetrics)) return;
  for (const rm of resourceMetrics) {
    for (const sm of Array.isArray(rm?.scopeMetrics) ? rm.scopeMetrics : []) {
      for (const metric of Array.isArray(sm?.metrics) ? sm.metrics : []) {
        for (const container of POINT_CONTAINERS) {
          for (const point of Array.isArray(metric?.[container]?.dataPoints) ? metric[container].dataPoints : []) {
            for (const exemplar of Array.isArray(point?.exemplars) ? point.exemplars : []) {
              if (exemplar === null || typeof exemplar !== "object") continue;
              exemplar.traceId = hexIdToBase64(exemplar.traceId, `exemplar traceId of metric ${JSON.stringify(metric.name)}`);
              exemplar.spanId = hexIdToBase64(exemplar.spanId, `exemplar spanId of metric ${JSON.stringify(metric.name)}`);
            }
          }
        }
      }
    }
  }
}

function decodeJson(body: Uint8Array): ExportMetricsRequest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch (error) {
    throw badRequest("invalid_otlp", `body is not valid OTLP/JSON: ${(error as Error).message}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw badRequest("invalid_otlp", "OTLP/JSON body must be an ExportMetricsServiceRequest object");
  }
  rewriteExemplarIds(json);
  const { ExportMetricsServiceRequest } = otlpSchema();
  const message = ExportMetricsServiceRequest.fromObject(json as Record<string, unknown>);
  return ExportMetricsServiceRequest.toObject(message, TO_PLAIN_OBJECT) as ExportMetricsRequest;
}

function decodeProtobuf(body: Uint8Array): ExportMetricsRequest {
  const { ExportMetricsServiceRequest } = otlpSchema();
  const message = ExportMetricsServiceRequest.decode(body);
  return ExportMetricsServiceRequest.toObject(message, TO_PLAIN_OBJECT) as ExportMetricsRequest;
}

export function decodeOtlpRequest(body: Uint8Array, encoding: OtlpEncoding): ExportMetricsRequest {
  try {
    return encoding === "json" ? decodeJson(body) : decodeProtobuf(body);
  } catch (error) {
    if (error instanceof RequestError) throw error;
    const what = encoding === "json" ? "OTLP/JSON" : "a protobuf ExportMetricsServiceRequest";
    throw badRequest("invalid_otlp", `body is not ${what}: ${(error as Error).message}`);
  }
}
