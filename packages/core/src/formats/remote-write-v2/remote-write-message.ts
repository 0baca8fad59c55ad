/**
 * Content negotiation on `/api/v1/write`: which protobuf message a remote-write body is (reference §2.3).
 *
 * - `Content-Type: application/x-protobuf;proto=io.prometheus.write.v2.Request` → Remote Write 2.0;
 * - `application/x-protobuf` without `proto=`, or `proto=prometheus.WriteRequest` → 1.0;
 * - any other `proto=` → 415, which tells a 2.0 sender to fall back to 1.0 (spec: "Fallback");
 * - no Content-Type, or another media type → 1.0. Prometheus' own 1.x receiver never looked at the header, and
 *   Telegraf's `outputs.http` sends `text/plain` unless the user sets the header, so refusing would break
 *   senders that work today.
 */
import { unsupportedMediaType } from "../../errors";
import { header, mediaType, type CoreRequest } from "../../http";

const RW1_MESSAGE = "prometheus.WriteRequest";
export const RW2_MESSAGE = "io.prometheus.write.v2.Request";
export type RemoteWriteMessage = typeof RW1_MESSAGE | typeof RW2_MESSAGE;

/** `proto` parameter of a media type, unquoted; undefined when absent. */
function protoParameter(contentType: string): string | undefined {
  for (const parameter of contentType.split(";").slice(1)) {
    const [name = "", ...rest] = parameter.split("=");
    if (name.trim().toLowerCase() === "proto") return rest.join("=").trim().replace(/^"(.*)"$/, "$1");
  }
  return undefined;
}

export function remoteWriteMessage(request: Pick<CoreRequest, "headers">): RemoteWriteMessage {
  if (mediaType(request) !== "application/x-protobuf") return RW1_MESSAGE;
  const proto = protoParameter(header(request, "content-type") ?? "");
  if (proto === undefined || proto === RW1_MESSAGE) return RW1_MESSAGE;
  if (proto === RW2_MESSAGE) return RW2_MESSAGE;
  throw unsupportedMediaType(`remote write message proto=${proto} is not supported; send ${RW1_MESSAGE} (1.0) or ${RW2_MESSAGE} (2.0)`);
}
