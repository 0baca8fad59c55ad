/**
 * The router without AMP: routing (with and without a stage prefix), methods, auth answers, the chart page, and
 * the answers given locally (health check, buildinfo, exemplars, rules). Nothing here may reach the upstream,
 * which fails the test if called.
 */
import { describe, expect, it } from "vitest";
import { hashToken } from "../../src/auth/token-hash";
import type { CoreRequest } from "../../src/http";
import { createLogger } from "../../src/log/logger";
import { UNCONFIGURED_TARIFF } from "../../src/query/energy/tariff";
import { DEFAULT_QUERY_LIMITS } from "../../src/query/query-limits";
import { createQueryRouter, matchQueryRoute } from "../../src/query/query-router";
import { QUERY_ROUTES } from "../../src/query/query-routes";

const TOKEN = "ag_router_test_token";
const done: Array<{ endpoint: string; status: number }> = [];
const route = createQueryRouter({
  onRequestDone: ({ endpoint, status }) => done.push({ endpoint, status }),
  upstream: { request: async () => { throw new Error("the upstream must not be called"); } },
  readTokens: async () => [{ name: "grafana", sha256: hashToken(TOKEN), matchers: [] }],
  limits: DEFAULT_QUERY_LIMITS,
  tariff: UNCONFIGURED_TARIFF,
  now: () => 1_700_000_000_000,
  version: "9.9.9",
  chartPage: { html: "<!doctype html><title>page</title>", contentSecurityPolicy: "default-src 'none'" },
});

function request(method: string, path: string, options: { token?: string | null; query?: string; body?: string; headers?: Record<string, string> } = {}): CoreRequest {
  const token = options.token === undefined ? TOKEN : options.token;
  return {
    method, routeKey: `${method} ${path}`, path, query: new URLSearchParams(options.query ?? ""), pathParameters: {},
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...options.headers },
    body: new Uint8Array(Buffer.from(options.body ?? "")), requestId: "r", sourceIp: "127.0.0.1",
  };
}

const send = async (...args: Parameters<typeof request>) => {
  const response = await route(request(...args), { deadline: Date.now() + 10_000, log: createLogger({ level: "error" }) });
  return { ...response, json: typeof response.body === "string" && response.headers["content-type"] === "application/json" ? JSON.parse(response.body) : undefined };
};

describe("matchQueryRoute", () => {
  it("matches with and without a stage prefix and captures {name}", () => {
    expect(matchQueryRoute("/api/v1/query")?.route.endpoint).toBe("query");
    expect(matchQueryRoute("/prod/api/v1/query")?.route.endpoint).toBe("query");
    expect(matchQueryRoute("/prod/api/v1/label/device_name/values")).toMatchObject({ route: { endpoint: "label_values" }, pathParams: { name: "device_name" } });
    expect(matchQueryRoute("/prod/")?.route.endpoint).toBe("chart_page");
    expect(matchQueryRoute("/grafana-json/")?.route.endpoint).toBe("simpod_health");
    expect(matchQueryRoute("/api/v1/targets")).toBeUndefined();
  });

  it("has one route per path, each with GET or POST", () => {
    expect(new Set(QUERY_ROUTES.map((r) => r.path)).size).toBe(QUERY_ROUTES.length);
  });
});

describe("query router", () => {
  it("answers Grafana's health check, buildinfo, exemplars and rules itself", async () => {
    expect((await send("POST", "/api/v1/query", { body: "query=1%2B1&time=4", headers: { "content-type": "application/x-www-form-urlencoded" } })).json)
      .toEqual({ status: "success", data: { resultType: "scalar", result: [4, "2"] } });
    expect((await send("GET", "/api/v1/query", { query: "query=1 %2B 1" })).json.data.result).toEqual([1_700_000_000, "2"]);
    const buildinfo = await send("GET", "/prod/api/v1/status/buildinfo");
    expect(buildinfo.json.data.version).toBe("9.9.9");
    expect(buildinfo.json.data).not.toHaveProperty("features");
    expect((await send("GET", "/api/v1/query_exemplars", { query: "query=test&start=1&end=2" })).json).toEqual({ status: "success", data: [] });
    expect((await send("GET", "/api/v1/rules")).json).toEqual({ status: "success", data: { groups: [] } });
  });

  it("answers 401 in the Prometheus envelope with a WWW-Authenticate challenge", async () => {
    for (const token of [null, "wrong"]) {
      const answer = await send("GET", "/api/v1/query", { token, query: "query=up" });
      expect(answer.status).toBe(401);
      expect(answer.headers["www-authenticate"]).toMatch(/^Bearer/);
      expect(answer.json).toMatchObject({ status: "error", errorType: "unauthorized" });
    }
    expect((await send("GET", "/api/v1/query", { token: null, query: "query=1%2B1", headers: { authorization: `Basic ${Buffer.from(`grafana:${TOKEN}`).toString("base64")}` } })).status).toBe(200);
  });

  it("answers 404 for unknown endpoints and for methods a route does not serve", async () => {
    expect((await send("GET", "/api/v1/targets")).status).toBe(404);
    const post = await send("POST", "/api/v1/label/job/values");
    expect(post.status).toBe(404);
    expect(post.json.error).toMatch(/use GET/);
  });

  it("checks parameters before asking AMP", async () => {
    const cases: Array<[string, string, RegExp]> = [
      ["/api/v1/query", "", /missing required parameter "query"/],
      ["/api/v1/query", "query=up&time=tomorrow", /invalid parameter "time"/],
      ["/api/v1/query_range", "query=up&start=10&end=5&step=1", /end timestamp must not be before start time/],
      ["/api/v1/query_range", "query=up&start=0&end=10&step=0", /zero or negative query resolution step/],
      ["/api/v1/query_range", "query=up&start=0&end=11001&step=1", /exceeded maximum resolution of 11,000 points per timeseries.*step=2/],
      ["/api/v1/series", "", /no match\[\] parameter provided/],
      ["/api/v1/label/bad-name/values", "", /invalid label name/],
    ];
    for (const [path, query, message] of cases) {
      const answer = await send("GET", path, { query });
      expect(answer.status, `${path}?${query}`).toBe(400);
      expect(answer.json.error).toMatch(message);
    }
    const json = await send("POST", "/api/v1/query", { body: '{"query":"up"}', headers: { "content-type": "application/json" } });
    expect(json.json.error).toMatch(/POST bodies must be application\/x-www-form-urlencoded/);
  });

  it("reports every request once, with its endpoint and status, for the self-metrics", async () => {
    done.length = 0;
    await send("GET", "/api/v1/rules");
    await send("GET", "/api/v1/rules", { token: "wrong" });
    await send("GET", "/nope/nope/nope");
    await send("GET", "/", { token: null });
    expect(done).toEqual([
      { endpoint: "rules", status: 200 }, { endpoint: "rules", status: 401 }, { endpoint: "unknown", status: 404 }, { endpoint: "chart_page", status: 200 },
    ]);
  });

  it("serves the chart page without a token, with its CSP", async () => {
    const page = await send("GET", "/", { token: null });
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject({ "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'", "x-content-type-options": "nosniff" });
    expect(page.body).toContain("<title>page</title>");
  });

  it("turns failures outside the request's control into 503s that say what to do, never a crash", async () => {
    const broken = (readTokens: () => Promise<never> | Promise<Array<{ name: string; sha256: string; matchers: [] }>>) => createQueryRouter({
      upstream: { request: async () => { throw new TypeError("credentials could not be loaded"); } },
      readTokens, limits: DEFAULT_QUERY_LIMITS, tariff: UNCONFIGURED_TARIFF, now: Date.now, version: "x",
    });
    const invoke = async (router: ReturnType<typeof broken>) => {
      const response = await router(request("GET", "/api/v1/query", { query: "query=up" }), { deadline: Date.now() + 5_000, log: createLogger({ level: "error" }) });
      return { status: response.status, json: JSON.parse(response.body as string) };
    };
    expect(await invoke(broken(async () => { throw new Error("ssm down"); })))
      .toEqual({ status: 503, json: { status: "error", errorType: "unavailable", error: "read tokens are temporarily unavailable; retry" } });
    const unsigned = await invoke(broken(async () => [{ name: "g", sha256: hashToken(TOKEN), matchers: [] }]));
    expect(unsigned.status).toBe(503);
    expect(unsigned.json.error).toMatch(/could not sign or send its request to AMP/);
  });
});
