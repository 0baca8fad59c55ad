/**
 * Which document store a function uses, from its environment:
 *
 * | variable               | meaning                                                          |
 * |------------------------|------------------------------------------------------------------|
 * | SWITCHBOT_STATE_BUCKET | S3 bucket holding the poller's state documents (AWS)             |
 * | SWITCHBOT_STATE_PREFIX | key prefix inside the bucket, default `switchbot/`               |
 * | SWITCHBOT_STATE_DIR    | a local directory instead of S3 (the local runner, tests)        |
 * | AMPGATE_S3_ENDPOINT    | local only: an S3-compatible endpoint                            |
 */
import type { DocumentStore } from "./document-store";
import { createFileDocumentStore } from "./file-document-store";
import { createS3DocumentStore } from "./s3-document-store";

export class StateStoreConfigError extends Error {
  override readonly name = "StateStoreConfigError";
}

export function documentStoreFromEnv(env: Readonly<Record<string, string | undefined>>): DocumentStore {
  const bucket = env.SWITCHBOT_STATE_BUCKET?.trim();
  const directory = env.SWITCHBOT_STATE_DIR?.trim();
  if (bucket) {
    return createS3DocumentStore({
      bucket,
      prefix: env.SWITCHBOT_STATE_PREFIX ?? "switchbot/",
      ...(env.AMPGATE_S3_ENDPOINT ? { endpoint: env.AMPGATE_S3_ENDPOINT } : {}),
    });
  }
  if (directory) return createFileDocumentStore(directory);
  throw new StateStoreConfigError("set SWITCHBOT_STATE_BUCKET (S3, in AWS) or SWITCHBOT_STATE_DIR (a local directory) for the SwitchBot state");
}
