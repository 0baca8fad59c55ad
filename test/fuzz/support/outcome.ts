/**
 * What a fuzzed input did, and the contract every answer must keep: a 2xx, or a 4xx with a one-line message that
 * names the problem. A 5xx for input is a crash inside (the pipeline turns any non-RequestError into 500), so it
 * is a violation, as is a 4xx without a readable message.
 */
import type { CoreResponse } from "@ampgate/core/http";
import { otlpSchema } from "@ampgate/core/formats/otlp/otlp-schema";
import type { WriteRequest } from "@ampgate/core/remote-write/types";

export interface FuzzOutcome {
  status: number;
  /** The one-line message of a 4xx. */
  message?: string;
  /** What reached the (recording) AMP writer. */
  written: WriteRequest[];
}

/** A broken contract: a crash, a hang, an unreadable refusal, a valid input that did not round-trip. */
export class FuzzViolation extends Error {
  override readonly name = "FuzzViolation";
}

/** The human message of an error response, whatever shape the format gives it (text, JSON, google.rpc.Status). */
export function responseMessage(response: CoreResponse): string {
  const contentType = response.headers["content-type"] ?? "";
  if (typeof response.body !== "string") {
    const { RpcStatus } = otlpSchema();
    if (/protobuf/.test(contentType)) return String((RpcStatus.toObject(RpcStatus.decode(response.body)) as { message?: unknown }).message ?? "");
    return Buffer.from(response.body).toString("utf8");
  }
  if (/json/.test(contentType)) {
    const value = JSON.parse(response.body) as { message?: unknown; error?: unknown };
    return String(value.message ?? value.error ?? "");
  }
  return response.body;
}

/** Check `response` against the contract and summarise it. */
export function outcomeOf(response: CoreResponse, written: WriteRequest[]): FuzzOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { status, written };
  if (status < 400 || status >= 500) throw new FuzzViolation(`answered ${status}: ${describeBody(response)}`);
  let message: string;
  try {
    message = responseMessage(response);
  } catch (error) {
    throw new FuzzViolation(`${status} with an unreadable body (${(error as Error).message})`);
  }
  if (!/\S/.test(message)) throw new FuzzViolation(`${status} without a message`);
  if (/[\r\n]/.test(message.trim())) throw new FuzzViolation(`${status} with a multi-line message: ${JSON.stringify(message.slice(0, 200))}`);
  if (message.length > 4_000) throw new FuzzViolation(`${status} with a ${message.length}-character message`);
  return { status, message, written };
}

function describeBody(response: CoreResponse): string {
  const text = typeof response.body === "string" ? response.body : Buffer.from(response.body).toString("utf8");
  return text.slice(0, 300);
}
