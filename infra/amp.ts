/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The AMP workspace: created by the stack (with its retention and out-of-order window), or an existing one named
 * by `AMPGATE_AMP_WORKSPACE` (id or ARN) — then the stack only grants access to it and never changes it.
 *
 * The out-of-order window is a workspace *configuration* (`UpdateWorkspaceConfiguration.
 * outOfOrderTimeWindowInSeconds`), exposed as `aws.amp.WorkspaceConfiguration.outOfOrderTimeWindowInSeconds` in
 * @pulumi/aws 7.48 but not in the 7.20 that SST 4.17 pins — hence the provider version in sst.config.ts.
 */
import type { StageConfig } from "./stage-config";

export interface AmpWorkspace {
  workspaceId: $util.Output<string>;
  arn: $util.Output<string>;
  /** `https://aps-workspaces.<region>.<dnsSuffix>/workspaces/<id>` — the functions' `AMP_ENDPOINT`. */
  endpoint: $util.Output<string>;
  remoteWriteUrl: $util.Output<string>;
  queryUrl: $util.Output<string>;
}

export function ampWorkspace(config: StageConfig): AmpWorkspace {
  const partition = aws.getPartitionOutput();
  const stackRegion = aws.getRegionOutput().region;
  const stackAccount = aws.getCallerIdentityOutput().accountId;
  const choice = config.workspace;

  let workspaceId: $util.Output<string>;
  let region: $util.Output<string>;
  let accountId: $util.Output<string>;
  if (choice.mode === "create") {
    // With `removal: "retain"` (prod) `sst remove` leaves the workspace and its data in place.
    const retainOnDelete = $app.removal !== "remove";
    const workspace = new aws.amp.Workspace("AmpWorkspace", { alias: `${$app.name}-${$app.stage}` }, { retainOnDelete });
    new aws.amp.WorkspaceConfiguration("AmpWorkspaceConfiguration", {
      workspaceId: workspace.id,
      retentionPeriodInDays: choice.retentionDays,
      outOfOrderTimeWindowInSeconds: choice.outOfOrderWindowSeconds,
    }, { retainOnDelete });
    workspaceId = workspace.id;
    region = stackRegion;
    accountId = stackAccount;
  } else {
    workspaceId = $util.output(choice.workspaceId);
    region = choice.region ? $util.output(choice.region) : stackRegion;
    accountId = choice.accountId ? $util.output(choice.accountId) : stackAccount;
  }

  const arn = $interpolate`arn:${partition.partition}:aps:${region}:${accountId}:workspace/${workspaceId}`;
  const endpoint = $interpolate`https://aps-workspaces.${region}.${partition.dnsSuffix}/workspaces/${workspaceId}`;
  return {
    workspaceId,
    arn,
    endpoint,
    remoteWriteUrl: $interpolate`${endpoint}/api/v1/remote_write`,
    queryUrl: $interpolate`${endpoint}/api/v1/query`,
  };
}
