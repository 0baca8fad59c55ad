/**
 * sst.config.ts evaluated with SST's real components under Pulumi's runtime mocks (support/sst-program.ts),
 * stage `prod` with default settings. The expectations are written out literally — they are the specification of
 * what `sst deploy` creates — so a route, permission, schedule, dead-letter queue or secret name that goes
 * missing, or a grant that becomes broader, fails here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SECRET_NAMES } from "@ampgate/core/secrets/secret-source";
import { FUNCTION_SETTINGS, type FunctionName } from "../../functions/settings";
import { ROUTES, routeKey } from "../../functions/routes";
import { localRouteKeys, matchRoute } from "../../local/http-router";
import { APP_NAME } from "../../infra/names";
import { Graph, type PolicyStatement } from "./support/graph";
import { ACCOUNT, REGION, WORKSPACE_ID } from "./support/pulumi-mocks";
import { evaluateProgram, type EvaluatedProgram } from "./support/sst-program";

const STAGE = "prod";
const FUNCTIONS: FunctionName[] = ["ingest", "query", "webhook", "poll"];
const WORKSPACE_ARN = `arn:aws:aps:${REGION}:${ACCOUNT}:workspace/${WORKSPACE_ID}`;
const AMP_ENDPOINT = `https://aps-workspaces.${REGION}.amazonaws.com/workspaces/${WORKSPACE_ID}`;
const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:ampgate-prod-poll-dlq`;
const lambdaName = (fn: FunctionName) => `ampgate-${STAGE}-${fn}`;
const lambdaArn = (fn: FunctionName) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${lambdaName(fn)}`;
const parameterArn = (name: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/ampgate/${STAGE}/${name}`;

let program: EvaluatedProgram;
let graph: Graph;
let stateBucket: string;

beforeAll(async () => {
  program = await evaluateProgram({ stage: STAGE, stubMissingHandlers: true });
  graph = new Graph(program.resources);
  stateBucket = String(graph.one("aws:s3/bucket:Bucket").state.bucket);
  process.stdout.write(`[infra] platform ${program.timings.platformMs} ms, bundle ${program.timings.bundleMs} ms, evaluation ${program.timings.evaluateMs} ms, ${program.resources.length} resources\n`);
}, 15 * 60_000);

/** The statements each function's role must have — exactly these, nothing broader. */
function expectedStatements(fn: FunctionName): PolicyStatement[] {
  const logs: PolicyStatement = {
    effect: "Allow",
    actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
    resources: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${lambdaName(fn)}:*`],
  };
  const write: PolicyStatement = { effect: "Allow", actions: ["aps:RemoteWrite"], resources: [WORKSPACE_ARN] };
  const query: PolicyStatement = {
    effect: "Allow",
    actions: ["aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries", "aps:QueryMetrics"],
    resources: [WORKSPACE_ARN],
  };
  const secrets = (...names: string[]): PolicyStatement[] => [
    { effect: "Allow", actions: ["ssm:GetParameter", "ssm:GetParameters"], resources: names.map(parameterArn).sort() },
    {
      effect: "Allow",
      actions: ["kms:Decrypt"],
      resources: [`arn:aws:kms:${REGION}:${ACCOUNT}:key/*`],
      conditions: {
        StringEquals: {
          "kms:ViaService": [`ssm.${REGION}.amazonaws.com`],
          "kms:EncryptionContext:PARAMETER_ARN": names.map(parameterArn).sort(),
        },
      },
    },
  ];
  const object = (document: string) => `arn:aws:s3:::${stateBucket}/switchbot/${document}.json`;
  const listState: PolicyStatement = { effect: "Allow", actions: ["s3:ListBucket"], resources: [`arn:aws:s3:::${stateBucket}`] };
  switch (fn) {
    case "ingest":
      return [logs, write, ...secrets("ingest-tokens")];
    case "query":
      // RemoteWrite only for its own self-metrics (docs/metrics.md).
      return [logs, { ...query, actions: [...query.actions, "aps:RemoteWrite"] }, ...secrets("read-tokens")];
    case "webhook":
      return [
        logs, write, ...secrets("webhook-path-secret"),
        { effect: "Allow", actions: ["s3:GetObject"], resources: [object("switchbot-devices")] },
        listState,
      ];
    case "poll":
      return [
        logs, write, ...secrets("switchbot-token", "switchbot-secret"),
        { effect: "Allow", actions: ["s3:GetObject"], resources: [object("switchbot-devices"), object("switchbot-poller")] },
        { effect: "Allow", actions: ["s3:PutObject"], resources: [object("switchbot-devices"), object("switchbot-poller")] },
        listState,
        { effect: "Allow", actions: ["sqs:SendMessage"], resources: [DLQ_ARN] },
      ];
  }
}

const sortStatements = (statements: PolicyStatement[]) =>
  [...statements].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("routes: exactly functions/routes.ts, each to its function", () => {
  it("creates one API route per ROUTES entry and no other", () => {
    const deployed = graph.apiRoutes().map((r) => r.routeKey).sort();
    expect(deployed).toEqual(ROUTES.map(routeKey).sort());
    expect(new Set(deployed).size).toBe(deployed.length);
  });

  it.each(ROUTES.map((route) => [routeKey(route), route.fn] as const))("%s → %s Lambda (proxy, payload 2.0, invoke permission)", (key, fn) => {
    const route = graph.apiRoutes().find((r) => r.routeKey === key)!;
    expect(route.functionName).toBe(lambdaName(fn));
    expect(route.integration.inputs).toMatchObject({ integrationType: "AWS_PROXY", payloadFormatVersion: "2.0" });
    // Auth is the functions' (bearer tokens checked against SSM), not API Gateway's.
    expect(route.route.inputs.authorizationType).toBe("NONE");
    const api = graph.one("aws:apigatewayv2/api:Api");
    const permission = graph.one("aws:lambda/permission:Permission", (p) => p.name === route.integration.name.replace(/Integration$/, "Permissions"));
    expect(permission.inputs).toMatchObject({
      action: "lambda:InvokeFunction",
      function: lambdaArn(fn),
      principal: "apigateway.amazonaws.com",
      sourceArn: `${api.state.executionArn}/*`,
    });
  });
});

describe("route parity: the deployed API and the local runner (npm start) serve the same routes", () => {
  /** A concrete path for a route pattern: `{name}` → one segment, `{name+}` → two. */
  const concretePath = (pattern: string) =>
    pattern.replace(/\{[^}]+\+\}/g, "p1/p2").replace(/\{[^}]+\}/g, "p1");

  it("every deployed route is served locally and every local route is deployed", () => {
    const deployed = new Set(graph.apiRoutes().map((r) => r.routeKey));
    const local = new Set(localRouteKeys());
    expect([...deployed].filter((key) => !local.has(key)), "deployed but not served by npm start").toEqual([]);
    expect([...local].filter((key) => !deployed.has(key)), "served by npm start but not deployed").toEqual([]);
  });

  it("a request to each deployed route reaches that same route in the local runner", () => {
    for (const { routeKey: key } of graph.apiRoutes()) {
      const [method, path] = key.split(" ") as [string, string];
      expect(matchRoute(method === "ANY" ? "GET" : method, concretePath(path))?.routeKey, key).toBe(key);
    }
  });
});

describe("API Gateway", () => {
  it("throttles the stage and keeps access logs for a bounded time", () => {
    const stage = graph.one("aws:apigatewayv2/stage:Stage");
    expect(stage.inputs.defaultRouteSettings).toEqual({ throttlingRateLimit: 50, throttlingBurstLimit: 100 });
    expect(stage.inputs.accessLogSettings.destinationArn).toBe(graph.named("ApiAccessLog").state.arn);
    expect(graph.named("ApiAccessLog").inputs.retentionInDays).toBe(14);
  });

  it("access log lines are JSON with a numeric status, and never carry the request path (the webhook secret)", () => {
    const format = String(graph.one("aws:apigatewayv2/stage:Stage").inputs.accessLogSettings.format);
    expect(format).not.toContain("$context.path");
    expect(format).toContain("$context.routeKey");
    // What API Gateway writes for a webhook delivery that failed with 503:
    const line = format
      .replace("$context.status", "503")
      .replace("$context.responseLatency", "12")
      .replace("$context.routeKey", "POST /switchbot/webhook/{secret}")
      .replace(/\$context\.[A-Za-z.]+/g, "x");
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({ status: 503, responseLatency: 12, routeKey: "POST /switchbot/webhook/{secret}" });
  });

  it("allows no cross-origin browser reads by default (the chart page is same-origin)", () => {
    const cors = graph.one("aws:apigatewayv2/api:Api").inputs.corsConfiguration ?? {};
    expect(cors.allowOrigins ?? []).toEqual([]);
  });
});

describe("functions: runtime, bundling, environment", () => {
  it("creates exactly the four functions", () => {
    expect(graph.ofType("aws:lambda/function:Function").map((f) => f.inputs.name).sort()).toEqual(FUNCTIONS.map(lambdaName).sort());
  });

  it.each(FUNCTIONS)("%s: arm64, nodejs22.x, memory/timeout from functions/settings.ts, JSON logs with retention", (fn) => {
    const lambda = graph.lambdaByName(lambdaName(fn));
    expect(lambda.inputs).toMatchObject({
      architectures: ["arm64"],
      runtime: "nodejs22.x",
      memorySize: FUNCTION_SETTINGS[fn].memoryMb,
      timeout: FUNCTION_SETTINGS[fn].timeoutSeconds,
      handler: "bundle.handler",
      packageType: "Zip",
      loggingConfig: { logFormat: "JSON", logGroup: `/aws/lambda/${lambdaName(fn)}` },
    });
    const logGroup = graph.one("aws:cloudwatch/logGroup:LogGroup", (g) => g.inputs.name === `/aws/lambda/${lambdaName(fn)}`);
    expect(logGroup.inputs.retentionInDays).toBe(30);
  });

  it.each(FUNCTIONS)("%s: asks SST to bundle functions/<fn>.ts minified ESM with code splitting, without source maps, for arm64", (fn) => {
    const build = program.builds.find((b) => b.handler === `functions/${fn}.handler`);
    expect(build).toBeDefined();
    expect(build!.runtime).toBe("nodejs22.x");
    // splitting: the SDK clients core imports on first use stay out of the cold start (docs/performance.md)
    expect(build!.properties).toMatchObject({ minify: true, format: "esm", sourcemap: false, splitting: true, architecture: "arm64" });
    expect(build!.dev).toBe(false);
  });

  it.each(FUNCTIONS)("%s: its handler exists and bundles without errors", (fn) => {
    const bundle = program.bundles.find((b) => b.handler === `functions/${fn}.handler`)!;
    expect(bundle.errors).toEqual([]);
    expect(bundle.entry).toBeDefined();
    expect(bundle.bytes).toBeGreaterThan(0);
    process.stdout.write(`[infra] ${fn} bundle: ${bundle.bytes} bytes minified\n`);
  });

  const common = { AMP_ENDPOINT, LOG_LEVEL: "info" };
  const withSecrets = { ...common, AMPGATE_SECRETS_PREFIX: "/ampgate/prod/", SECRET_CACHE_TTL_SECONDS: "60" };
  it.each(FUNCTIONS)("%s: exactly its environment variables", (fn) => {
    const expected: Record<FunctionName, Record<string, string>> = {
      ingest: withSecrets,
      query: withSecrets,
      webhook: { ...withSecrets, SWITCHBOT_STATE_BUCKET: stateBucket, SWITCHBOT_STATE_PREFIX: "switchbot/" },
      poll: { ...withSecrets, SWITCHBOT_STATE_BUCKET: stateBucket, SWITCHBOT_STATE_PREFIX: "switchbot/", POLL_INTERVAL_SECONDS: "300" },
    };
    const variables = graph.lambdaByName(lambdaName(fn)).inputs.environment.variables as Record<string, string>;
    // SST_* are SST's own (its resource-link key), set on every function it creates.
    const ours = Object.fromEntries(Object.entries(variables).filter(([name]) => !name.startsWith("SST_")));
    expect(ours).toEqual(expected[fn]);
  });
});

describe("IAM: least privilege, exact ARNs", () => {
  it.each(FUNCTIONS)("%s: its role has exactly the expected statements", (fn) => {
    const role = graph.roleOf(graph.lambdaByName(lambdaName(fn)));
    expect(sortStatements(graph.inlineStatements(role))).toEqual(sortStatements(expectedStatements(fn)));
  });

  it.each(FUNCTIONS)("%s: no managed policies, and only Lambda may assume the role", (fn) => {
    const role = graph.roleOf(graph.lambdaByName(lambdaName(fn)));
    expect(role.inputs.managedPolicyArns).toEqual([]);
    const trust = JSON.parse(typeof role.inputs.assumeRolePolicy === "string" ? role.inputs.assumeRolePolicy : JSON.stringify(role.inputs.assumeRolePolicy));
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0]).toMatchObject({ Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } });
    expect(Object.keys(trust.Statement[0].Principal)).toEqual(["Service"]);
  });

  it("no role anywhere allows `*` actions or `*` resources", () => {
    for (const role of graph.ofType("aws:iam/role:Role")) {
      for (const statement of graph.inlineStatements(role)) {
        for (const action of statement.actions) expect(action, `${role.name}: ${action}`).not.toMatch(/(^\*$|:\*$)/);
        for (const resource of statement.resources) {
          expect(resource, `${role.name}: ${resource}`).not.toBe("*");
          // The two wildcards AWS leaves no choice about, each pinned down (see infra/permissions.ts).
          if (resource.endsWith("*")) {
            const logStreams = /^arn:aws:logs:[^:]+:\d{12}:log-group:\/aws\/lambda\/ampgate-prod-[a-z]+:\*$/.test(resource);
            const kmsKeys = resource === `arn:aws:kms:${REGION}:${ACCOUNT}:key/*` &&
              statement.conditions?.StringEquals?.["kms:ViaService"]?.length === 1 &&
              (statement.conditions?.StringEquals?.["kms:EncryptionContext:PARAMETER_ARN"]?.length ?? 0) > 0;
            expect(logStreams || kmsKeys, `${role.name}: ${resource}`).toBe(true);
          }
        }
      }
    }
  });

  it("every function may write to AMP (its self-metrics, at least), only the query function may read", () => {
    const ampActions = (fn: FunctionName) =>
      graph.inlineStatements(graph.roleOf(graph.lambdaByName(lambdaName(fn)))).flatMap((s) => s.actions.filter((a) => a.startsWith("aps:")));
    expect(ampActions("ingest")).toEqual(["aps:RemoteWrite"]);
    expect(ampActions("poll")).toEqual(["aps:RemoteWrite"]);
    expect(ampActions("webhook")).toEqual(["aps:RemoteWrite"]);
    // RemoteWrite for the query function's own self-metrics (docs/metrics.md).
    expect(ampActions("query").sort()).toEqual(["aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries", "aps:QueryMetrics", "aps:RemoteWrite"]);
  });
});

describe("secrets: SSM names per stage, values never in the stack", () => {
  it("every SECRET_NAMES parameter is readable by some function, and no other parameter by any", () => {
    const granted = new Set(
      FUNCTIONS.flatMap((fn) => graph.inlineStatements(graph.roleOf(graph.lambdaByName(lambdaName(fn)))))
        .filter((s) => s.actions.includes("ssm:GetParameters"))
        .flatMap((s) => s.resources),
    );
    expect([...granted].sort()).toEqual(SECRET_NAMES.map(parameterArn).sort());
  });

  it("creates no SSM parameter (a value in a resource would be in the Pulumi state)", () => {
    expect(graph.ofType("aws:ssm/parameter:Parameter")).toEqual([]);
    const serialized = JSON.stringify(program.resources.map((r) => r.inputs));
    expect(serialized).not.toMatch(/ag_[A-Za-z0-9_-]{43}/);
  });
});

describe("poll schedule: EventBridge Scheduler with retries and a dead-letter queue", () => {
  it("runs the poll function every 5 minutes with the scheduled time in its event, retries and a DLQ", () => {
    const schedule = graph.one("aws:scheduler/schedule:Schedule");
    expect(schedule.inputs).toMatchObject({ scheduleExpression: "rate(5 minutes)", state: "ENABLED", flexibleTimeWindow: { mode: "OFF" } });
    expect(schedule.inputs.target.arn).toBe(lambdaArn("poll"));
    expect(schedule.inputs.target.retryPolicy).toEqual({ maximumRetryAttempts: 3, maximumEventAgeInSeconds: 300 });
    expect(schedule.inputs.target.deadLetterConfig).toEqual({ arn: DLQ_ARN });
    // functions/poll.ts stamps samples with `scheduledTime`; a retry of the same tick re-sends the same batch.
    expect(JSON.parse(schedule.inputs.target.input)).toMatchObject({ scheduledTime: "<aws.scheduler.scheduled-time>" });
  });

  it("the schedule's role may only invoke the poll function and send to the DLQ", () => {
    const schedule = graph.one("aws:scheduler/schedule:Schedule");
    const role = graph.one("aws:iam/role:Role", (r) => r.state.arn === schedule.inputs.target.roleArn);
    expect(sortStatements(graph.inlineStatements(role))).toEqual(sortStatements([
      { effect: "Allow", actions: ["lambda:InvokeFunction"], resources: [lambdaArn("poll")] },
      { effect: "Allow", actions: ["sqs:SendMessage"], resources: [DLQ_ARN] },
    ]));
    expect(JSON.stringify(role.inputs.assumeRolePolicy)).toContain("scheduler.amazonaws.com");
  });

  it("failed poll runs are retried by Lambda and then dead-lettered to the same queue", () => {
    const invokeConfig = graph.one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
    expect(invokeConfig.inputs).toEqual({
      functionName: lambdaName("poll"),
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 3600,
      destinationConfig: { onFailure: { destination: DLQ_ARN } },
    });
  });

  it("the dead-letter queue keeps messages for 14 days, encrypted", () => {
    const queue = graph.one("aws:sqs/queue:Queue");
    expect(queue.inputs).toMatchObject({ name: "ampgate-prod-poll-dlq", messageRetentionSeconds: 1_209_600, sqsManagedSseEnabled: true });
  });
});

describe("AMP workspace", () => {
  it("is created with the out-of-order window and retention configured", () => {
    const workspace = graph.one("aws:amp/workspace:Workspace");
    expect(workspace.inputs.alias).toBe("ampgate-prod");
    expect(graph.one("aws:amp/workspaceConfiguration:WorkspaceConfiguration").inputs).toMatchObject({
      workspaceId: WORKSPACE_ID,
      outOfOrderTimeWindowInSeconds: 600,
      retentionPeriodInDays: 400,
    });
  });
});

describe("alarms", () => {
  it("DLQ depth, poll failures and ingest 5xx rate alarm to one topic", () => {
    const topic = graph.one("aws:sns/topic:Topic").state.arn;
    const alarms = graph.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.map((a) => a.name).sort()).toEqual(["Ingest5xxRateAlarm", "PollDeadLettersAlarm", "PollFailuresAlarm"]);
    for (const alarm of alarms) expect(alarm.inputs.alarmActions).toEqual([topic]);
    expect(graph.named("PollDeadLettersAlarm").inputs).toMatchObject({
      namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: "ampgate-prod-poll-dlq" }, threshold: 0,
    });
    expect(graph.named("PollFailuresAlarm").inputs).toMatchObject({
      namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: lambdaName("poll") },
    });
  });

  it("the ingest 5xx filters count every ingest route and only those, on the API's access log", () => {
    const accessLog = graph.named("ApiAccessLog").inputs.name;
    for (const name of ["IngestRequestsFilter", "Ingest5xxFilter"]) {
      const filter = graph.named(name);
      expect(filter.inputs.logGroupName).toBe(accessLog);
      const keys = [...String(filter.inputs.pattern).matchAll(/\$\.routeKey = "([^"]+)"/g)].map((m) => m[1]).sort();
      expect(keys).toEqual(ROUTES.filter((r) => r.fn === "ingest").map(routeKey).sort());
      expect(String(filter.inputs.pattern).length).toBeLessThanOrEqual(1024);
    }
    expect(graph.named("Ingest5xxFilter").inputs.pattern).toContain("$.status >= 500");
  });
});

describe("stack outputs", () => {
  it("name the URLs a user points Telegraf, Prometheus and Grafana at", () => {
    const api = graph.one("aws:apigatewayv2/api:Api").state.apiEndpoint;
    expect(program.outputs).toMatchObject({
      apiUrl: api,
      remoteWriteUrl: `${api}/api/v1/write`,
      chartPageUrl: `${api}/`,
      ampWorkspaceArn: WORKSPACE_ARN,
      ampRemoteWriteUrl: `${AMP_ENDPOINT}/api/v1/remote_write`,
      ampQueryUrl: `${AMP_ENDPOINT}/api/v1/query`,
      secretsPrefix: "/ampgate/prod/",
      pollFunctionName: lambdaName("poll"),
      pollDeadLetterQueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/ampgate-prod-poll-dlq`,
      _protect: true,
    });
  });

  it("prod keeps data on removal; the app name is the one the operator CLIs derive names from", () => {
    expect(program.app).toMatchObject({ name: APP_NAME, stage: "prod", removal: "retain", protect: true });
  });
});
