/**
 * What each Lambda needs from AWS, as data: the AMP actions, the SSM parameters, the state documents.
 * infra/permissions.ts turns a row into IAM statements scoped to exact ARNs and infra/lambda.ts into environment
 * variables, so granting a function one more thing is one edit here, visible in review and in the graph test.
 *
 * Pure (no SST globals): test/infra reads the same table to check the evaluated stack against it.
 */
import type { SecretName } from "@ampgate/core/secrets/secret-source";
import { DEVICES_DOCUMENT, POLLER_DOCUMENT } from "@ampgate/core/switchbot/poll-state";
import type { FunctionName } from "../functions/settings";

export type AmpAccess = "write" | "query";

/** AMP data-plane actions (reference §4.3, the AWS managed policies AmazonPrometheusRemoteWriteAccess/QueryAccess). */
export const AMP_ACTIONS: Record<AmpAccess, readonly string[]> = {
  write: ["aps:RemoteWrite"],
  query: ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"],
};

/** The poller's JSON documents in the state bucket (packages/core/src/switchbot/poll-state.ts). */
export type StateDocument = typeof DEVICES_DOCUMENT | typeof POLLER_DOCUMENT;

export interface FunctionNeeds {
  /** The Lambda's description in the console. */
  description: string;
  /** Every function writes its self-metrics (ampgate_*, docs/metrics.md), so each has at least `write`. */
  amp: readonly AmpAccess[];
  /** SSM parameters read (GetParameters), below `/ampgate/<stage>/`. */
  secrets: readonly SecretName[];
  /** State documents read, and those also written. */
  stateRead: readonly StateDocument[];
  stateWrite: readonly StateDocument[];
  /** Failed asynchronous invocations go to the poll dead-letter queue (the function's role sends them). */
  deadLetters: boolean;
}

export const FUNCTION_NEEDS: Record<FunctionName, FunctionNeeds> = {
  ingest: {
    description: "ampgate ingest: push formats → validated remote write → AMP",
    amp: ["write"],
    secrets: ["ingest-tokens"],
    stateRead: [],
    stateWrite: [],
    deadLetters: false,
  },
  query: {
    description: "ampgate query: Prometheus HTTP API and Grafana JSON datasources over signed AMP queries",
    // `write` only for its own ampgate_query_* metrics: the query code never builds a remote-write request.
    amp: ["query", "write"],
    secrets: ["read-tokens"],
    stateRead: [],
    stateWrite: [],
    deadLetters: false,
  },
  webhook: {
    description: "ampgate webhook: SwitchBot changeReport deliveries → AMP",
    amp: ["write"],
    secrets: ["webhook-path-secret"],
    // Matches a delivery's MAC to the cached device list for the device_name/device_type labels.
    stateRead: [DEVICES_DOCUMENT],
    stateWrite: [],
    deadLetters: false,
  },
  poll: {
    description: "ampgate poll: SwitchBot Cloud API → AMP, on a schedule",
    amp: ["write"],
    secrets: ["switchbot-token", "switchbot-secret"],
    stateRead: [DEVICES_DOCUMENT, POLLER_DOCUMENT],
    stateWrite: [DEVICES_DOCUMENT, POLLER_DOCUMENT],
    deadLetters: true,
  },
};

/**
 * Key prefix of the state documents; the functions get it as SWITCHBOT_STATE_PREFIX, and a document's key is
 * `<prefix><document>.json` (packages/core/src/state/s3-document-store.ts).
 */
export const STATE_PREFIX = "switchbot/";

/** Object key of a state document in the state bucket. */
export const stateObjectKey = (document: StateDocument): string => `${STATE_PREFIX}${document}.json`;
