/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The poller's state bucket: two small JSON documents (infra/function-needs.ts `stateObjectKey`) that must
 * outlive Lambda containers — the device list cache, the energy integrators, counters and unsent batches
 * (packages/core/src/switchbot/poll-state.ts says what, and why S3: conditional writes with If-Match, pennies a
 * month, no capacity to provision).
 *
 * `sst.aws.Bucket` blocks public access and denies non-TLS requests by default. With `removal: "retain"` (the
 * prod stage, see sst.config.ts) `sst remove` keeps the bucket and its energy history.
 */
import type { StateStore } from "./lambda";

export function stateStore(): StateStore {
  // Only our functions read it, server-side: no browser CORS rules (SST adds allow-all ones by default).
  const bucket = new sst.aws.Bucket("State", { cors: false });
  return { bucketName: bucket.name, bucketArn: bucket.arn };
}
