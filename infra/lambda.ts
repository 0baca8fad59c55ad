/// <reference path="../.sst/platform/config.d.ts" />
/**
 * One `sst.aws.Function` per ampgate Lambda, all with the same runtime settings:
 *
 * - arm64 (Graviton: ~20% cheaper per GB-second than x86 at the same memory) on `nodejs22.x`, the Node major the
 *   local runner and tests use (SST 4 accepts nodejs18.x–nodejs24.x; its default is 24).
 * - esbuild bundles, minified, ESM, no source maps, code splitting (nodejs-build.ts): SST bundles each handler from
 *   its entry, so a function carries only what it imports (the poll function never loads the push formats'
 *   decoders, and so on), and what core imports on first use stays out of module init.
 * - memory and timeout from functions/settings.ts, the table the local runner also uses for its deadlines.
 * - a log group we create (name known up front → the role may write to exactly it, instead of the
 *   AWSLambdaBasicExecutionRole managed policy's `logs:*` on `*`), with bounded retention; JSON log format so
 *   Lambda's own START/REPORT lines are JSON like ours (`packages/core/src/log/logger.ts`).
 * - IAM from FUNCTION_NEEDS via permissions.ts: exact ARNs only.
 */
import { FUNCTION_SETTINGS, type FunctionName } from "../functions/settings";
import type { AmpWorkspace } from "./amp";
import { FUNCTION_NEEDS, STATE_PREFIX, stateObjectKey, type StateDocument } from "./function-needs";
import { lambdaName } from "./names";
import { NODEJS_BUILD } from "./nodejs-build";
import { functionStatements } from "./permissions";
import { parameterName, secretsPrefix } from "./secrets";
import { LOG_RETENTION_DAYS, type StageConfig } from "./stage-config";

export const LAMBDA_RUNTIME = "nodejs22.x";
export const LAMBDA_ARCHITECTURE = "arm64";

/** Logical (Pulumi) name: `Ingest`, `Query`, … */
const logicalName = (fn: FunctionName): string => fn.charAt(0).toUpperCase() + fn.slice(1);

export interface StateStore {
  bucketName: $util.Output<string>;
  bucketArn: $util.Output<string>;
}

export interface LambdaContext {
  config: StageConfig;
  amp: AmpWorkspace;
  state?: StateStore;
  deadLetterQueueArn?: $util.Output<string>;
}

export interface LambdaExtras {
  /** Function-specific environment (e.g. the poller's schedule), merged over the common variables. */
  environment?: Record<string, $util.Input<string>>;
  /** Passed through to sst.aws.Function (async retries, invoke config). */
  retries?: number;
  transform?: sst.aws.FunctionArgs["transform"];
}

export function ampgateFunction(fn: FunctionName, context: LambdaContext, extras: LambdaExtras = {}): sst.aws.Function {
  const { config, amp, state } = context;
  const needs = FUNCTION_NEEDS[fn];
  const settings = FUNCTION_SETTINGS[fn];
  const name = lambdaName($app.stage, fn);
  const partition = aws.getPartitionOutput().partition;
  const region = aws.getRegionOutput().region;
  const account = aws.getCallerIdentityOutput().accountId;

  const logGroup = new aws.cloudwatch.LogGroup(`${logicalName(fn)}Logs`, {
    name: `/aws/lambda/${name}`,
    retentionInDays: LOG_RETENTION_DAYS[config.logRetention],
  });

  const permissions = functionStatements<$util.Input<string>>(needs, {
    workspaceArn: amp.arn,
    parameterArn: (secret) => $interpolate`arn:${partition}:ssm:${region}:${account}:parameter${parameterName($app.stage, secret)}`,
    kmsKeysArn: $interpolate`arn:${partition}:kms:${region}:${account}:key/*`,
    ssmService: $interpolate`ssm.${region}.amazonaws.com`,
    logStreamsArn: $interpolate`${logGroup.arn}:*`,
    ...(state
      ? {
          stateBucketArn: state.bucketArn,
          stateObjectArn: (document: StateDocument) => $interpolate`${state.bucketArn}/${stateObjectKey(document)}`,
        }
      : {}),
    ...(context.deadLetterQueueArn ? { deadLetterQueueArn: context.deadLetterQueueArn } : {}),
  });

  const environment: Record<string, $util.Input<string>> = {
    AMP_ENDPOINT: amp.endpoint,
    LOG_LEVEL: config.logLevel,
    ...(needs.secrets.length > 0
      ? {
          AMPGATE_SECRETS_PREFIX: secretsPrefix($app.stage),
          SECRET_CACHE_TTL_SECONDS: String(config.secretCacheTtlSeconds),
        }
      : {}),
    // packages/core/src/telemetry/self-metrics-config.ts
    ...(config.selfMetricsInterval ? { AMPGATE_SELF_METRICS_INTERVAL_SECONDS: config.selfMetricsInterval } : {}),
    // packages/core/src/state/document-store-from-env.ts
    ...(needs.stateRead.length > 0 && state ? { SWITCHBOT_STATE_BUCKET: state.bucketName, SWITCHBOT_STATE_PREFIX: STATE_PREFIX } : {}),
    ...extras.environment,
  };

  return new sst.aws.Function(logicalName(fn), {
    name,
    description: needs.description,
    handler: `functions/${fn}.handler`,
    runtime: LAMBDA_RUNTIME,
    architecture: LAMBDA_ARCHITECTURE,
    memory: `${settings.memoryMb} MB`,
    timeout: `${settings.timeoutSeconds} seconds`,
    nodejs: NODEJS_BUILD,
    logging: { logGroup: logGroup.name, format: "json" },
    environment,
    permissions,
    ...(extras.retries !== undefined ? { retries: extras.retries } : {}),
    transform: {
      ...extras.transform,
      role: (args) => {
        // Logging rights come from the exact statement above, not the managed policy's `logs:*` on `*`.
        args.managedPolicyArns = [];
        // SST 4.17 tests `!dev` on an Output (function.ts, createRole), which is never true, so every role also
        // trusts the account root — meant only for `sst dev`. Only Lambda may assume these roles.
        args.assumeRolePolicy = aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" });
      },
    },
  });
}
