/** The `instance` label (one per execution environment) and AMPGATE_SELF_METRICS_INTERVAL_SECONDS. */
import { describe, expect, it } from "vitest";
import { instanceId } from "../../src/telemetry/instance-id";
import { DEFAULT_SELF_METRICS_INTERVAL_SECONDS, selfMetricsIntervalMs } from "../../src/telemetry/self-metrics-config";

describe("instanceId", () => {
  it("is the id at the end of Lambda's log stream name, so a series leads to its logs", () => {
    expect(instanceId({ AWS_LAMBDA_LOG_STREAM_NAME: "2026/05/01/[$LATEST]0A1B2C3D4E5F60718293a4b5c6d7e8f9" })).toBe("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
    expect(instanceId({ AWS_LAMBDA_LOG_STREAM_NAME: "2026/05/01/ampgate-prod-ingest[12]deadbeefdeadbeef" })).toBe("deadbeefdeadbeef");
  });

  it("is random elsewhere, so two processes never write the same series", () => {
    const ids = new Set(Array.from({ length: 50 }, () => instanceId({})));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(instanceId({ AWS_LAMBDA_LOG_STREAM_NAME: "not-a-lambda-stream" })).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("selfMetricsIntervalMs", () => {
  it.each<[string | undefined, number | undefined]>([
    [undefined, DEFAULT_SELF_METRICS_INTERVAL_SECONDS * 1000],
    ["", DEFAULT_SELF_METRICS_INTERVAL_SECONDS * 1000],
    ["0", 0],
    ["15", 15_000],
    ["2.5", 2_500],
    ["off", undefined],
    [" OFF ", undefined],
  ])("%j → %j", (raw, expected) => {
    expect(selfMetricsIntervalMs({ AMPGATE_SELF_METRICS_INTERVAL_SECONDS: raw })).toBe(expected);
  });

  it.each(["-1", "abc", "3601", "NaN"])("refuses %j, naming the variable", (raw) => {
    expect(() => selfMetricsIntervalMs({ AMPGATE_SELF_METRICS_INTERVAL_SECONDS: raw })).toThrow(/AMPGATE_SELF_METRICS_INTERVAL_SECONDS/);
  });
});
