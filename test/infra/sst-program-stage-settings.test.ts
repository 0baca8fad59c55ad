/**
 * The same program for a `dev` stage whose `.env.dev` sets everything a user can set: an existing AMP workspace
 * in another region (by ARN), the poller switched off, a 1-minute rate, an extra CORS origin, an alarm e-mail,
 * throttling, log level and poller tuning. Checks each setting reaches the resources, and that an existing
 * workspace is only granted access to, never created or changed.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { FunctionName } from "../../functions/settings";
import { Graph } from "./support/graph";
import { evaluateProgram, type EvaluatedProgram } from "./support/sst-program";

const EXISTING = { region: "us-west-2", account: "210987654321", id: "ws-existing-0001" };
const EXISTING_ARN = `arn:aws:aps:${EXISTING.region}:${EXISTING.account}:workspace/${EXISTING.id}`;
const FUNCTIONS: FunctionName[] = ["ingest", "query", "webhook", "poll"];
/** A SwitchBot token in the deployer's shell (for `npm start`) must never become Lambda configuration. */
const SHELL_TOKEN = "shell-switchbot-token-0123456789";
const TARIFF = JSON.stringify({ currency: "EUR", timezone: "Europe/Berlin", pricePerKwh: 0.32 });

let program: EvaluatedProgram;
let graph: Graph;

beforeAll(async () => {
  program = await evaluateProgram({
    stage: "dev",
    stubMissingHandlers: true,
    env: {
      AMPGATE_AMP_WORKSPACE: EXISTING_ARN,
      AMPGATE_POLL: "off",
      AMPGATE_POLL_RATE_MINUTES: "1",
      AMPGATE_CORS_ORIGINS: "https://grafana.example.com",
      AMPGATE_ALARM_EMAIL: "ops@example.com",
      AMPGATE_API_RATE_LIMIT: "10",
      AMPGATE_LOG_LEVEL: "debug",
      AMPGATE_LOG_RETENTION: "1 week",
      SWITCHBOT_QUOTA_SHARE: "0.5",
      AMPGATE_TARIFF: TARIFF,
      AMPGATE_SELF_METRICS_INTERVAL_SECONDS: "30",
      SWITCHBOT_TOKEN: SHELL_TOKEN,
      SWITCHBOT_SECRET: SHELL_TOKEN,
    },
  });
  graph = new Graph(program.resources);
}, 15 * 60_000);

const lambda = (fn: FunctionName) => graph.lambdaByName(`ampgate-dev-${fn}`);
const variables = (fn: FunctionName) => lambda(fn).inputs.environment.variables as Record<string, string>;

describe("an existing AMP workspace", () => {
  it("is neither created nor configured", () => {
    expect(graph.ofType("aws:amp/workspace:Workspace")).toEqual([]);
    expect(graph.ofType("aws:amp/workspaceConfiguration:WorkspaceConfiguration")).toEqual([]);
  });

  it.each(FUNCTIONS)("%s: writes/queries exactly that workspace, at its region's endpoint", (fn) => {
    const aps = graph.inlineStatements(graph.roleOf(lambda(fn))).filter((s) => s.actions.some((a) => a.startsWith("aps:")));
    expect(aps).toHaveLength(1);
    expect(aps[0]!.resources).toEqual([EXISTING_ARN]);
    expect(variables(fn).AMP_ENDPOINT).toBe(`https://aps-workspaces.${EXISTING.region}.amazonaws.com/workspaces/${EXISTING.id}`);
  });
});

describe("stage settings reach the resources", () => {
  it("the schedule exists but is disabled, at a 1-minute rate", () => {
    const schedule = graph.one("aws:scheduler/schedule:Schedule");
    expect(schedule.inputs).toMatchObject({ scheduleExpression: "rate(1 minute)", state: "DISABLED" });
    expect(schedule.inputs.target.retryPolicy.maximumEventAgeInSeconds).toBe(60);
    expect(variables("poll").POLL_INTERVAL_SECONDS).toBe("60");
  });

  it("CORS allows exactly the configured origin, for reads with a bearer token", () => {
    expect(graph.one("aws:apigatewayv2/api:Api").inputs.corsConfiguration).toMatchObject({
      allowOrigins: ["https://grafana.example.com"],
      allowMethods: ["GET", "POST"],
      allowHeaders: ["authorization", "content-type"],
      allowCredentials: false,
      maxAge: 3600,
    });
  });

  it("throttling, log level, log retention, alarm e-mail and poller tuning", () => {
    expect(graph.one("aws:apigatewayv2/stage:Stage").inputs.defaultRouteSettings).toEqual({ throttlingRateLimit: 10, throttlingBurstLimit: 20 });
    for (const fn of FUNCTIONS) {
      expect(variables(fn).LOG_LEVEL).toBe("debug");
      expect(graph.one("aws:cloudwatch/logGroup:LogGroup", (g) => g.inputs.name === `/aws/lambda/ampgate-dev-${fn}`).inputs.retentionInDays).toBe(7);
    }
    expect(graph.one("aws:sns/topicSubscription:TopicSubscription").inputs).toMatchObject({ protocol: "email", endpoint: "ops@example.com" });
    expect(variables("poll").SWITCHBOT_QUOTA_SHARE).toBe("0.5");
  });

  it("the tariff reaches the query function only; the self-metrics interval every function", () => {
    expect(variables("query").TARIFF).toBe(TARIFF);
    for (const fn of ["ingest", "webhook", "poll"] as const) expect(variables(fn).TARIFF).toBeUndefined();
    for (const fn of FUNCTIONS) expect(variables(fn).AMPGATE_SELF_METRICS_INTERVAL_SECONDS).toBe("30");
  });

  it("no secret from the deployer's environment reaches any resource", () => {
    expect(JSON.stringify(program.resources.map((r) => r.inputs))).not.toContain(SHELL_TOKEN);
  });

  it("a non-prod stage is removable and removes its data", () => {
    expect(program.app).toMatchObject({ stage: "dev", removal: "remove", protect: false });
    expect(program.outputs._protect).toBe(false);
  });

  it("prod is protected from `sst remove` unless AMPGATE_ALLOW_REMOVE=1, and keeps its data either way", () => {
    const saved = process.env.AMPGATE_ALLOW_REMOVE;
    try {
      delete process.env.AMPGATE_ALLOW_REMOVE;
      expect(program.config.app({ stage: "prod" })).toMatchObject({ protect: true, removal: "retain" });
      process.env.AMPGATE_ALLOW_REMOVE = "1";
      expect(program.config.app({ stage: "prod" })).toMatchObject({ protect: false, removal: "retain" });
    } finally {
      if (saved === undefined) delete process.env.AMPGATE_ALLOW_REMOVE;
      else process.env.AMPGATE_ALLOW_REMOVE = saved;
    }
  });
});
