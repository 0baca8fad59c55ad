/**
 * Per-stage settings (infra/stage-config.ts): defaults, and every bad value stops the deploy with a message that
 * names the variable. Pure, so no SST platform is needed.
 */
import { describe, expect, it } from "vitest";
import { readStageConfig, StageConfigError } from "../../infra/stage-config";

describe("readStageConfig", () => {
  it("defaults: a new workspace with a 600 s out-of-order window, 5-minute polling, no CORS", () => {
    expect(readStageConfig("prod", {})).toEqual({
      stage: "prod",
      workspace: { mode: "create", retentionDays: 400, outOfOrderWindowSeconds: 600 },
      poll: { enabled: true, rateMinutes: 5, retries: 2, tuning: {} },
      logLevel: "info",
      logRetention: "1 month",
      accessLogRetention: "2 weeks",
      secretCacheTtlSeconds: 60,
      api: { rateLimit: 50, burstLimit: 100, corsOrigins: [] },
    });
  });

  it("an existing workspace by id uses the stack's region; by ARN, its own", () => {
    expect(readStageConfig("prod", { AMPGATE_AMP_WORKSPACE: "ws-1234abcd" }).workspace).toEqual({ mode: "existing", workspaceId: "ws-1234abcd" });
    expect(readStageConfig("prod", { AMPGATE_AMP_WORKSPACE: "arn:aws:aps:eu-central-1:111122223333:workspace/ws-1234abcd" }).workspace)
      .toEqual({ mode: "existing", workspaceId: "ws-1234abcd", region: "eu-central-1", accountId: "111122223333" });
  });

  it.each([
    [{ AMPGATE_AMP_WORKSPACE: "arn:aws:s3:::bucket" }, /AMPGATE_AMP_WORKSPACE must be a workspace id/],
    [{ AMPGATE_AMP_WORKSPACE: "ws 123" }, /AMPGATE_AMP_WORKSPACE/],
    [{ AMPGATE_AMP_OUT_OF_ORDER_SECONDS: "601" }, /AMPGATE_AMP_OUT_OF_ORDER_SECONDS must be a whole number from 0 to 600, got "601"/],
    [{ AMPGATE_AMP_RETENTION_DAYS: "1096" }, /AMPGATE_AMP_RETENTION_DAYS/],
    [{ AMPGATE_POLL_RATE_MINUTES: "0.5" }, /AMPGATE_POLL_RATE_MINUTES must be a whole number from 1 to 1440/],
    [{ AMPGATE_POLL_RETRIES: "3" }, /AMPGATE_POLL_RETRIES/],
    [{ AMPGATE_POLL: "maybe" }, /AMPGATE_POLL must be on or off/],
    [{ AMPGATE_LOG_LEVEL: "trace" }, /AMPGATE_LOG_LEVEL must be one of "debug", "info", "warn", "error"/],
    [{ AMPGATE_LOG_RETENTION: "forever" }, /AMPGATE_LOG_RETENTION must be one of/],
    [{ AMPGATE_CORS_ORIGINS: "*" }, /AMPGATE_CORS_ORIGINS entries must be origins/],
    [{ AMPGATE_CORS_ORIGINS: "https://grafana.example.com/dashboards" }, /AMPGATE_CORS_ORIGINS/],
    [{ AMPGATE_ALARM_EMAIL: "ops" }, /AMPGATE_ALARM_EMAIL must be an e-mail address/],
    [{ SWITCHBOT_QUOTA_SHARE: "1.5" }, /SWITCHBOT_QUOTA_SHARE="1.5": must be a fraction/],
    [{ AMPGATE_TARIFF: "{\"currency\":\"EUR\"" }, /AMPGATE_TARIFF: TARIFF is not valid JSON/],
    [{ AMPGATE_TARIFF: JSON.stringify({ currency: "EUR", timezone: "Mars/Olympus", pricePerKwh: 0.3 }) }, /AMPGATE_TARIFF/],
    [{ AMPGATE_SELF_METRICS_INTERVAL_SECONDS: "-1" }, /AMPGATE_SELF_METRICS_INTERVAL_SECONDS must be a number of seconds/],
  ])("refuses %o", (env, message) => {
    expect(() => readStageConfig("prod", env)).toThrow(StageConfigError);
    expect(() => readStageConfig("prod", env)).toThrow(message);
  });

  it("refuses stage names that would not fit resource names or the SSM path", () => {
    expect(() => readStageConfig("Prod", {})).toThrow(/stage name/);
    expect(() => readStageConfig("a".repeat(25), {})).toThrow(/stage name/);
    expect(() => readStageConfig("../x", {})).toThrow(/stage name/);
  });

  it("passes only the poller's tuning variables through, never its credentials", () => {
    const config = readStageConfig("prod", { SWITCHBOT_CONCURRENCY: "5", SWITCHBOT_TOKEN: "t", SWITCHBOT_SECRET: "s", SWITCHBOT_API_URL: "http://x" });
    expect(config.poll.tuning).toEqual({ SWITCHBOT_CONCURRENCY: "5" });
  });

  it("burst defaults to twice the rate", () => {
    expect(readStageConfig("prod", { AMPGATE_API_RATE_LIMIT: "7" }).api).toMatchObject({ rateLimit: 7, burstLimit: 14 });
  });
});
