/**
 * `POST /api/v1/push/json`: the small JSON schema of json-push-schema.ts → remote-write series.
 *
 *   curl -fsS -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
 *     --data '[{"metric":"room_temperature_celsius","labels":{"room":"living"},"value":21.5}]' \
 *     https://<api>/api/v1/push/json
 *
 * All or nothing: a body with any invalid entry is rejected with 400 naming up to five entries and fields, so a
 * script's bug shows up as an error rather than as a partly written batch. Bodies may be gzip-compressed.
 */
import * as v from "valibot";
import { badRequest } from "../../errors";
import type { PushFormat } from "../../ingest/push-format";
import { decodeContentEncoding } from "../content-encoding";
import { SeriesBuilder } from "../series-builder";
import { JsonPushSchema, type JsonSample } from "./json-push-schema";
import type { WriteRequest } from "../../remote-write/types";

const ISSUES_NAMED = 5;
const FIELDS = "metric, labels, value, timestamp";

/** `[2].labels.room` */
function issuePath(issue: v.BaseIssue<unknown>): string {
  return (issue.path ?? [])
    .map((item) => (typeof item.key === "number" ? `[${item.key}]` : `.${String(item.key)}`))
    .join("")
    .replace(/^\./, "");
}

function issueMessage(issue: v.BaseIssue<unknown>): string {
  const path = issuePath(issue);
  // A strict object reports an unknown key as "expected never" and a missing one as an issue on that key.
  const message =
    issue.expected === "never" ? `unknown field (expected ${FIELDS})`
    : issue.kind === "schema" && issue.input === undefined && path !== "" ? "required field is missing"
    : issue.message;
  return path === "" ? message : `${path}: ${message}`;
}

function parseJsonSamples(text: string): JsonSample[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw badRequest("invalid_json", `body is not valid JSON: ${(error as Error).message}`);
  }
  const result = v.safeParse(JsonPushSchema, raw, { abortEarly: false });
  if (result.success) return result.output;
  const named = result.issues.slice(0, ISSUES_NAMED).map(issueMessage).join("; ");
  const more = result.issues.length > ISSUES_NAMED ? `; and ${result.issues.length - ISSUES_NAMED} more` : "";
  throw badRequest("invalid_json_sample", `${named}${more}`);
}

function jsonSamplesToWriteRequest(samples: readonly JsonSample[], nowMs: number): WriteRequest {
  const builder = new SeriesBuilder();
  for (const sample of samples) {
    const labels = Object.entries(sample.labels).map(([name, value]) => ({ name, value }));
    labels.push({ name: "__name__", value: sample.metric });
    builder.addSample(labels, { value: sample.value, timestamp: sample.timestamp ?? nowMs });
  }
  return builder.build();
}

export const jsonPushFormat: PushFormat = {
  name: "json",
  decode(request, context) {
    const body = decodeContentEncoding(request, context.maxDecodedBytes);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      throw badRequest("invalid_json", "body is not valid UTF-8");
    }
    return { writeRequest: jsonSamplesToWriteRequest(parseJsonSamples(text), context.now), rejected: [] };
  },
};
