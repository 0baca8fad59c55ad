/**
 * The `instance` label of self-metrics: one value per Lambda execution environment, never shared by two.
 *
 * In Lambda it is the random id at the end of the environment's log stream name
 * (`AWS_LAMBDA_LOG_STREAM_NAME=2026/05/01/[$LATEST]0a1b…`): each environment writes its own stream, so the id is
 * unique, and an operator goes from a series to its logs with `filter @logStream like /<instance>/` in Logs
 * Insights. Elsewhere (the local runner, tests) it is a fresh random id, so two processes never write the same
 * series either.
 */
import { randomBytes } from "node:crypto";

const LOG_STREAM_ID = /\]([0-9a-f]{16,64})$/i;

export function instanceId(env: Readonly<Record<string, string | undefined>>): string {
  const fromStream = LOG_STREAM_ID.exec(env.AWS_LAMBDA_LOG_STREAM_NAME ?? "")?.[1];
  return fromStream ? fromStream.toLowerCase() : randomBytes(8).toString("hex");
}
