/**
 * InfluxDB line protocol as a push format, in the two dialects of InfluxDB's write API:
 *
 * - v1 `POST /write?db=&precision=&u=&p=` — Telegraf `outputs.influxdb`, Home Assistant, Node-RED, Python
 *   `influxdb` clients. Credentials: HTTP Basic (handled by auth/credentials.ts) or the `p` query parameter.
 * - v2 `POST /api/v2/write?org=&bucket=&precision=` — Telegraf `outputs.influxdb_v2` (`Authorization: Token …`),
 *   and the natural target for `outputs.http` with `data_format = "influx"` (Bearer token).
 *
 * `db`, `rp`, `org` and `bucket` are accepted and ignored: every push lands in the one AMP workspace, labelled
 * by its ingest token. Bodies may be gzip-compressed (Telegraf `content_encoding = "gzip"`).
 *
 * Partial writes behave like InfluxDB: good lines are written, and the answer is a 400 whose JSON names the
 * failed lines in the shape each dialect's clients parse — v1 `{"error": "partial write: …"}` (Telegraf's v1
 * output logs it and drops the batch instead of retrying), v2 `{"code": "invalid", "message": …, "line": N}`
 * (the v2 API's LineProtocolError; Telegraf's v2 output drops the batch on 400). Only the message's first line
 * reaches Telegraf's log from `outputs.http`, so it is one line.
 */
import { badRequest, type RequestError } from "../../errors";
import { jsonResponse, emptyResponse, type CoreRequest, type CoreResponse } from "../../http";
import type { PushFormat, PushOutcome, RejectedItem } from "../../ingest/push-format";
import { decodeContentEncoding } from "../content-encoding";
import { decodeUtf8Lines } from "../utf8-lines";
import { parseLineProtocol, type LineError } from "./line-protocol";
import { linePointsToWriteRequest, type StringFieldMode } from "./line-protocol-to-write-request";
import { parsePrecision } from "./precision";

export type InfluxDialect = "v1" | "v2";

export interface InfluxFormatOptions {
  /** What string fields become when the request does not say (`?string_fields=label|drop`). Default `drop`. */
  stringFields?: StringFieldMode;
}

/** How many failed lines a response names; the count says how many there were in all. */
const LINES_NAMED_IN_RESPONSE = 5;

/** The v2 API's error `code` for each status (InfluxDB OpenAPI `Error.code` enum). */
const V2_ERROR_CODES: Record<number, string> = {
  400: "invalid",
  401: "unauthorized",
  403: "forbidden",
  404: "not found",
  413: "request too large",
  415: "unsupported media type",
  429: "too many requests",
  500: "internal error",
  503: "unavailable",
};

function stringFieldMode(request: CoreRequest, fallback: StringFieldMode): StringFieldMode {
  const value = request.query.get("string_fields");
  if (value === null || value === "") return fallback;
  if (value === "drop" || value === "label") return value;
  throw badRequest("invalid_parameter", `string_fields must be "drop" or "label", not ${JSON.stringify(value)}`);
}

const toRejectedItem = (error: LineError): RejectedItem => ({
  position: error.line,
  reason: "invalid_line",
  message: error.message,
});

/** `line 3: …; line 7: …` for the first few failures, and how many more there were. */
function summariseRejectedLines(rejected: readonly RejectedItem[]): string {
  const named = rejected
    .slice(0, LINES_NAMED_IN_RESPONSE)
    .map((item) => `line ${item.position}: ${item.message}`)
    .join("; ");
  const more = rejected.length - LINES_NAMED_IN_RESPONSE;
  return more > 0 ? `${named}; and ${more} more` : named;
}

function partialWriteResponse(dialect: InfluxDialect, outcome: PushOutcome): CoreResponse {
  const { rejected } = outcome.decoded;
  const summary = summariseRejectedLines(rejected);
  if (dialect === "v1") {
    // InfluxDB 1.x: `partial write: <reason> dropped=<n>`; "unable to parse" marks a client-side bug to Telegraf.
    return jsonResponse(400, { error: `partial write: unable to parse ${summary} dropped=${rejected.length}` });
  }
  return jsonResponse(400, {
    code: "invalid",
    message: `partial write: ${rejected.length} line(s) rejected, ${outcome.samplesWritten} sample(s) written; ${summary}`,
    line: rejected[0]!.position,
  });
}

export function influxPushFormat(dialect: InfluxDialect, options: InfluxFormatOptions = {}): PushFormat {
  const defaultStringFields = options.stringFields ?? "drop";
  return {
    name: `influx-${dialect}`,

    decode(request, context) {
      const precision = parsePrecision(request.query.get("precision"));
      const stringFields = stringFieldMode(request, defaultStringFields);
      const { text, invalidLines } = decodeUtf8Lines(decodeContentEncoding(request, context.maxDecodedBytes));
      const parsed = parseLineProtocol(text);
      const converted = linePointsToWriteRequest(parsed.points, { precision, nowMs: context.now, stringFields });
      const errors = [
        ...invalidLines.map((line) => ({ line, message: "line is not valid UTF-8" })),
        ...parsed.errors,
        ...converted.rejected,
      ].sort((a, b) => a.line - b.line);
      return { writeRequest: converted.writeRequest, rejected: errors.map(toRejectedItem) };
    },

    respond(outcome) {
      return outcome.decoded.rejected.length === 0 ? emptyResponse(204) : partialWriteResponse(dialect, outcome);
    },

    respondError(error: RequestError) {
      if (dialect === "v1") return jsonResponse(error.status, { error: error.message });
      return jsonResponse(error.status, { code: V2_ERROR_CODES[error.status] ?? "internal error", message: error.message });
    },

    // InfluxDB 1.x query-string credentials (`?u=<user>&p=<password>`): the password is the ingest token, as
    // with HTTP Basic. v2 has no such form (its `Authorization: Token` is read with the other headers).
    ...(dialect === "v1" ? { credential: (request: CoreRequest) => request.query.get("p") || undefined } : {}),
  };
}

export const influxV1Format = influxPushFormat("v1");
export const influxV2Format = influxPushFormat("v2");
