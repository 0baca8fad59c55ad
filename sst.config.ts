/// <reference path="./.sst/platform/config.d.ts" />
/**
 * ampgate on AWS: `npx sst deploy --stage prod` (docs/deploy.md). The resources are in infra/; per-stage settings
 * come from `.env.<stage>` (infra/stage-config.ts lists them).
 */

/**
 * SST 4.17 pins @pulumi/aws 7.20, whose `amp.WorkspaceConfiguration` cannot set the out-of-order window; 7.48
 * (checked) has `outOfOrderTimeWindowInSeconds`. SST installs the version named here into .sst/platform.
 */
const AWS_PROVIDER_VERSION = "7.48.0";

export default $config({
  app(input) {
    const production = input?.stage === "prod";
    return {
      // infra/names.ts APP_NAME: the operator CLIs derive resource names from it.
      name: "ampgate",
      home: "aws",
      // prod keeps its data (AMP workspace, state bucket) on `sst remove`, and `sst remove` refuses to run on it
      // unless AMPGATE_ALLOW_REMOVE=1 is set for that one command (docs/deploy.md, "Tearing down").
      removal: production ? "retain" : "remove",
      protect: production && process.env.AMPGATE_ALLOW_REMOVE !== "1",
      providers: { aws: { version: AWS_PROVIDER_VERSION } },
    };
  },
  async run() {
    const { ampgateStack } = await import("./infra/index");
    return ampgateStack();
  },
});
