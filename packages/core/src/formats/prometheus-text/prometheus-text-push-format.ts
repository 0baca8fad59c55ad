/**
 * Prometheus text push, Pushgateway-style: `PUT`/`POST /metrics/job/<job>{/<label>/<value>}` with a body in the
 * text exposition format 0.0.4 or OpenMetrics 1.0 — what `curl --data-binary @- …` scripts and client
 * libraries' `push_to_gateway()` send. Bodies may be gzip-compressed.
 *
 * PUT and POST write the same way: the Pushgateway's difference (replace the whole group vs. only the pushed
 * families) concerns its in-memory store, which AMP does not have — every push simply adds samples.
 *
 * The dialect comes from `Content-Type: application/openmetrics-text`, or from the body ending in `# EOF`
 * (curl sends `application/x-www-form-urlencoded` unless told otherwise, so the header alone cannot be trusted);
 * it matters because OpenMetrics timestamps are seconds and text-format timestamps milliseconds.
 * The Pushgateway's protobuf body (`application/vnd.google.protobuf`) is not supported: 415.
 *
 * Success is 200, as the Pushgateway answers: client_golang's `push` treats anything but 200/202 — a 204
 * included — as a failed push.
 */
import { badRequest, unsupportedMediaType } from "../../errors";
import { emptyResponse, mediaType, type CoreRequest } from "../../http";
import type { PushFormat } from "../../ingest/push-format";
import { decodeContentEncoding } from "../content-encoding";
import { decodeUtf8Lines } from "../utf8-lines";
import { parseExposition, type ExpositionDialect } from "./exposition-parser";
import { expositionToWriteRequest } from "./exposition-to-write-request";
import { parseGroupingKey } from "./pushgateway-grouping-key";

function expositionDialect(request: Pick<CoreRequest, "headers">, text: string): ExpositionDialect {
  const type = mediaType(request);
  if (type === "application/openmetrics-text") return "openmetrics";
  if (type === "application/vnd.google.protobuf" || type === "application/x-protobuf") {
    throw unsupportedMediaType("protobuf exposition is not supported; push the text format (text/plain; version=0.0.4) or OpenMetrics");
  }
  return /(?:^|\n)# EOF[ \t]*\r?\n?\s*$/.test(text) ? "openmetrics" : "text";
}

export const prometheusTextFormat: PushFormat = {
  name: "prometheus-text",
  decode(request, context) {
    const groupingKey = parseGroupingKey(request.path);
    const body = decodeContentEncoding(request, context.maxDecodedBytes);
    const { text, invalidLines } = decodeUtf8Lines(body);
    if (invalidLines.length > 0) throw badRequest("invalid_utf8", `line ${invalidLines[0]}: not valid UTF-8`);
    const parsed = parseExposition(text, expositionDialect(request, text));
    return { writeRequest: expositionToWriteRequest(parsed, { groupingKey, nowMs: context.now }), rejected: [] };
  },
  respond: () => emptyResponse(200),
};
