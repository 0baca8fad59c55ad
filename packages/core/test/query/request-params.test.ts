import { describe, expect, it } from "vitest";
import { RequestError } from "../../src/errors";
import type { CoreRequest } from "../../src/http";
import { autoStepMs, parseDashboardTime } from "../../src/query/json/grafana-time";
import { describeDuration, parseDurationParam, parseTimeParam } from "../../src/query/prometheus-time";
import { requestParams } from "../../src/query/request-params";

const request = (method: string, query: string, body = "", type = "application/x-www-form-urlencoded"): CoreRequest => ({
  method, routeKey: "", path: "/", headers: { "content-type": type }, query: new URLSearchParams(query), pathParameters: {},
  body: new Uint8Array(Buffer.from(body)), requestId: "r", sourceIp: "",
});

describe("requestParams", () => {
  it("merges a form body and the query string like Go's r.Form: body first, repeats kept", () => {
    const params = requestParams(request("POST", "match[]=a&query=fromUrl", "query=fromBody&match[]=b&match[]=c"));
    expect(params.get("query")).toBe("fromBody");
    expect(params.getAll("match[]")).toEqual(["b", "c", "a"]);
    expect(requestParams(request("GET", "x=1", "y=2")).toString()).toBe("x=1");
  });

  it("refuses a POST body that is not a form", () => {
    expect(() => requestParams(request("POST", "", "{}", "application/json"))).toThrow(RequestError);
    expect(requestParams(request("POST", "a=1", "", "application/json")).get("a")).toBe("1");
  });
});

describe("Prometheus API times and durations", () => {
  it("read Unix seconds (float) and RFC 3339 as milliseconds", () => {
    expect(parseTimeParam("1700000000.5", "t")).toBe(1700000000500);
    expect(parseTimeParam("2023-11-14T22:13:20Z", "t")).toBe(1700000000000);
    expect(parseTimeParam("2023-11-14T23:13:20.250+01:00", "t")).toBe(1700000000250);
    expect(() => parseTimeParam("yesterday", "start")).toThrow(/invalid parameter "start"/);
  });

  it("read float seconds and PromQL durations", () => {
    expect(parseDurationParam("15", "step")).toBe(15_000);
    expect(parseDurationParam("0.5", "step")).toBe(500);
    expect(parseDurationParam("1h30m", "step")).toBe(5_400_000);
    expect(parseDurationParam("2m", "timeout")).toBe(120_000);
    expect(parseDurationParam("1y2w3d4h5m6s7ms", "x")).toBe(((365 + 14 + 3) * 86_400 + 4 * 3600 + 5 * 60 + 6) * 1000 + 7);
    for (const bad of ["", "m", "5x", "1m1h"]) expect(() => parseDurationParam(bad, "step")).toThrow(/invalid parameter "step"/);
    expect([describeDuration(86_400_000), describeDuration(90_000), describeDuration(1_500)]).toEqual(["1d", "90s", "1.5s"]);
  });
});

describe("dashboard times", () => {
  it("read ms, seconds, ISO and now-relative times", () => {
    const now = 1_700_000_000_000;
    expect(parseDashboardTime("1700000000000", "from", now)).toBe(now);
    expect(parseDashboardTime("1700000000", "from", now)).toBe(now);
    expect(parseDashboardTime("2023-11-14T22:13:20Z", "from", now)).toBe(now);
    expect(parseDashboardTime("now-6h", "from", now)).toBe(now - 21_600_000);
    expect(autoStepMs(0, 3_600_000)).toBe(15_000);
    expect(autoStepMs(0, 30 * 86_400_000)).toBe(3_600_000);
  });
});
