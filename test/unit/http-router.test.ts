// API Gateway HTTP API route selection semantics, as the local runner implements them.
import { describe, expect, it, vi } from "vitest";

vi.mock("../../functions/routes", () => {
  const ROUTES = [
    { method: "POST", path: "/api/v1/write", fn: "ingest", description: "" },
    { method: "GET", path: "/api/v1/label/{name}/values", fn: "query", description: "" },
    { method: "GET", path: "/api/v1/label/__name__/values", fn: "query", description: "literal beats param" },
    { method: "ANY", path: "/metrics/job/{proxy+}", fn: "ingest", description: "" },
    { method: "PUT", path: "/metrics/job/{proxy+}", fn: "webhook", description: "method beats ANY" },
  ];
  return { ROUTES, routeKey: (r: { method: string; path: string }) => `${r.method} ${r.path}` };
});

const { matchRoute, localRouteKeys } = await import("../../local/http-router");

describe("local route matching", () => {
  it("matches literal paths and methods exactly", () => {
    expect(matchRoute("POST", "/api/v1/write")?.routeKey).toBe("POST /api/v1/write");
    expect(matchRoute("GET", "/api/v1/write")).toBeUndefined();
    expect(matchRoute("POST", "/api/v1/write/extra")).toBeUndefined();
  });

  it("captures and decodes one-segment parameters; literal routes win", () => {
    expect(matchRoute("GET", "/api/v1/label/job%20name/values")).toMatchObject({
      routeKey: "GET /api/v1/label/{name}/values",
      pathParameters: { name: "job name" },
    });
    expect(matchRoute("GET", "/api/v1/label/__name__/values")?.routeKey).toBe("GET /api/v1/label/__name__/values");
  });

  it("captures the rest of the path for greedy parameters; a specific method beats ANY", () => {
    expect(matchRoute("POST", "/metrics/job/pi/instance/a")).toMatchObject({
      routeKey: "ANY /metrics/job/{proxy+}",
      pathParameters: { proxy: "pi/instance/a" },
    });
    expect(matchRoute("PUT", "/metrics/job/pi")?.routeKey).toBe("PUT /metrics/job/{proxy+}");
    expect(matchRoute("POST", "/metrics/job")).toBeUndefined();
  });

  it("rejects undecodable segments instead of throwing", () => {
    expect(matchRoute("GET", "/api/v1/label/%E0%A4%A/values")).toBeUndefined();
  });

  it("lists every route once", () => {
    expect(localRouteKeys().sort()).toHaveLength(5);
  });
});
