/**
 * The Prometheus-mode contract (reference grafana-json.md §4.6, items 1–9) against the local stack: HTTP →
 * API Gateway v2 event → functions/query.ts → signed request → the SigV4-verifying AMP stand-in → a real
 * Prometheus evaluating real PromQL. Data goes in through the stack's own ingest route (real remote write).
 */
import { createServer, request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAmpHttpClient } from "@ampgate/core/amp/signed-client";
import { createSigV4Signer } from "@ampgate/core/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "@ampgate/core/amp/workspace-endpoint";
import { hashToken } from "@ampgate/core/auth/token-hash";
import { lambdaContext } from "../../local/lambda-host";
import { listenOnLoopback, type LoopbackListener } from "../../local/listen";
import { readBody } from "../../local/read-body";
import { LOCAL_SECRETS_PREFIX, type LocalStack } from "../../local/stack";
import { startTestStack } from "../support/local-stack";
import type { SeriesSpec } from "../support/remote-write";
import { waitFor } from "../support/wait-for";
import { pushToStack, queryClient, readToken } from "./query-harness";

process.env.SECRET_CACHE_TTL_SECONDS = "0";

let stack: LocalStack;
const household = readToken("smiths", [{ name: "household", op: "=", value: "smith" }]);
const NOW = Math.floor(Date.now() / 1000);
const T = NOW - 30;

const SERIES: SeriesSpec[] = [
  { labels: { __name__: "contract_temperature_celsius", household: "smith", room: "kitchen" }, samples: [[(T - 120) * 1000, 20.5], [(T - 60) * 1000, 21], [T * 1000, 21.5]] },
  { labels: { __name__: "contract_temperature_celsius", household: "jones", room: "attic" }, samples: [[T * 1000, 30]] },
  { labels: { __name__: "contract_odd_values", kind: "nan" }, samples: [[T * 1000, Number.NaN]] },
  { labels: { __name__: "contract_odd_values", kind: "inf" }, samples: [[T * 1000, Number.POSITIVE_INFINITY]] },
  { labels: { __name__: "contract_odd_values", kind: "neg_inf" }, samples: [[T * 1000, Number.NEGATIVE_INFINITY]] },
];

beforeAll(async () => {
  stack = await startTestStack("query-contract", { env: {} });
  stack.ssm.put(`${LOCAL_SECRETS_PREFIX}read-tokens`, JSON.stringify([
    { name: "local", sha256: hashToken(stack.readToken) },
    { name: household.record.name, sha256: household.record.sha256, matchers: '{household="smith"}' },
  ]));
  expect(await pushToStack(stack, SERIES)).toBeLessThan(300);
  await waitFor("the pushed series to be queryable", async () => {
    const answer = await get("/api/v1/query", { query: "count(contract_odd_values)", time: String(T) });
    return answer.json.data.result.length === 1 ? true : undefined;
  });
});

afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

async function send(method: string, path: string, options: { query?: string; form?: string; token?: string | null; headers?: Record<string, string> } = {}): Promise<Answer> {
  const token = options.token === undefined ? stack.readToken : options.token;
  const response = await fetch(`${stack.url}${path}${options.query ? `?${options.query}` : ""}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.form !== undefined ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      ...options.headers,
    },
    ...(options.form !== undefined ? { body: options.form } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

const get = (path: string, params: Record<string, string>, token?: string) =>
  send("GET", path, { query: new URLSearchParams(params).toString(), ...(token ? { token } : {}) });
const post = (path: string, form: string, query?: string) => send("POST", path, { form, ...(query ? { query } : {}) });

describe("§4.6 1: the health check query", () => {
  it("answers 1+1 at time=4 with the scalar [4, \"2\"], by POST form and by GET", async () => {
    for (const answer of [await post("/api/v1/query", "query=1%2B1&time=4"), await send("GET", "/api/v1/query", { query: "query=1%2B1&time=4" })]) {
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ status: "success", data: { resultType: "scalar", result: [4, "2"] } });
    }
  });

  it("still needs a valid read token, so Save & test proves the token", async () => {
    expect((await send("POST", "/api/v1/query", { form: "query=1%2B1&time=4", token: "wrong" })).status).toBe(401);
  });
});

describe("§4.6 2: range queries", () => {
  const range = { query: "contract_temperature_celsius", start: String(T - 180), end: String(T), step: "60" };

  it("evaluates a form POST (with timeout=2m) into a matrix", async () => {
    const answer = await post("/api/v1/query_range", new URLSearchParams({ ...range, timeout: "2m" }).toString());
    expect(answer.status).toBe(200);
    expect(answer.json.data.resultType).toBe("matrix");
    const kitchen = answer.json.data.result.find((s: any) => s.metric.room === "kitchen");
    expect(kitchen.values.map((v: [number, string]) => v[1])).toEqual(["20.5", "21", "21.5"]);
  });

  it("merges query-string and body parameters, GET works the same, and step may be 15 or 15s", async () => {
    const split = await post("/api/v1/query_range", new URLSearchParams({ query: range.query, step: "60" }).toString(),
      new URLSearchParams({ start: range.start, end: range.end }).toString());
    const viaGet = await get("/api/v1/query_range", range);
    expect(split.status).toBe(200);
    expect(split.json).toEqual(viaGet.json);
    const s15 = await get("/api/v1/query_range", { ...range, step: "15" });
    const s15s = await get("/api/v1/query_range", { ...range, step: "15s" });
    expect(s15.status).toBe(200);
    expect(s15.json).toEqual(s15s.json);
  });

  it("refuses more than 11,000 points per series, as Prometheus does", async () => {
    const answer = await get("/api/v1/query_range", { ...range, start: String(T - 11_001 * 15), step: "15" });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status: "error", errorType: "bad_data" });
    expect(answer.json.error).toMatch(/exceeded maximum resolution of 11,000 points per timeseries/);
  });
});

describe("§4.6 3–5: metadata endpoints", () => {
  const window = { start: String(T - 3600), end: String(T + 60) };

  it("keeps repeated match[] on /series and /labels, by GET and POST, with limit=40000", async () => {
    const params = new URLSearchParams({ ...window, limit: "40000" });
    params.append("match[]", '{room="kitchen"}');
    params.append("match[]", '{kind="nan"}');
    for (const path of ["/api/v1/series", "/api/v1/labels"]) {
      const viaGet = await send("GET", path, { query: params.toString() });
      const viaPost = await send("POST", path, { form: params.toString() });
      expect(viaGet.status).toBe(200);
      expect(viaPost.json).toEqual(viaGet.json);
    }
    const series = await send("GET", "/api/v1/series", { query: params.toString() });
    expect(series.json.data.map((s: any) => s.room ?? s.kind).sort()).toEqual(["kitchen", "nan"]);
    // The same parameter repeated across the query string and a form body: both halves count.
    const split = await send("POST", "/api/v1/series", {
      query: new URLSearchParams({ "match[]": '{room="kitchen"}' }).toString(),
      form: new URLSearchParams({ ...window, "match[]": '{kind="nan"}' }).toString(),
    });
    expect(split.json).toEqual(series.json);
  });

  it("lists metric names with start, end and limit=40000", async () => {
    const answer = await get("/api/v1/label/__name__/values", { ...window, limit: "40000" });
    expect(answer.status).toBe(200);
    expect(answer.json.status).toBe("success");
    expect(answer.json.data).toEqual(expect.arrayContaining(["contract_odd_values", "contract_temperature_celsius"]));
  });

  it("answers metadata as an object map and buildinfo without features", async () => {
    const metadata = await get("/api/v1/metadata", { limit: "40000" });
    expect(metadata.status).toBe(200);
    expect(typeof metadata.json.data).toBe("object");
    expect(Array.isArray(metadata.json.data)).toBe(false);
    const buildinfo = await send("GET", "/api/v1/status/buildinfo");
    expect(buildinfo.status).toBe(200);
    expect(Object.keys(buildinfo.json.data).sort()).toEqual(["branch", "buildDate", "buildUser", "goVersion", "revision", "version"]);
    expect(buildinfo.json.data.features).toBeUndefined();
  });

  it("answers the rules probe with an empty list", async () => {
    expect((await send("GET", "/api/v1/rules")).json).toEqual({ status: "success", data: { groups: [] } });
  });
});

describe("§4.6 6: exemplars", () => {
  it("accepts Grafana's millisecond timestamps and answers an empty success", async () => {
    const answer = await get("/api/v1/query_exemplars", { query: "test", start: String(T * 1000 - 3_600_000), end: String(T * 1000) });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: "success", data: [] });
  });
});

describe("§4.6 7: errors Grafana can display", () => {
  it("passes Prometheus's own parse error on as 400 bad_data", async () => {
    const answer = await post("/api/v1/query", "query=sum(");
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status: "error", errorType: "bad_data" });
    expect(answer.json.error).toMatch(/parse error/);
  });

  it("reports a parse error found by the enforcement parser the same way", async () => {
    const answer = await get("/api/v1/query", { query: "sum(" }, household.token);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ status: "error", errorType: "bad_data" });
  });

  it("passes an evaluation error on as 422 execution", async () => {
    const answer = await get("/api/v1/query", { query: "contract_temperature_celsius + on() contract_temperature_celsius", time: String(T) });
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ status: "error", errorType: "execution" });
  });

  it("answers 401 with a body for a missing, a wrong and an ingest token", async () => {
    for (const token of [null, "not-a-token", stack.ingestToken]) {
      const answer = await send("GET", "/api/v1/query", { query: "query=up", token });
      expect(answer.status).toBe(401);
      expect(answer.json.error).toMatch(/token|credentials/);
      expect(answer.text).not.toContain(stack.ingestToken);
    }
  });
});

describe("§4.6 8: values and envelopes pass through", () => {
  it("keeps NaN, +Inf and -Inf sample strings", async () => {
    const answer = await get("/api/v1/query", { query: "contract_odd_values", time: String(T) });
    const byKind = Object.fromEntries(answer.json.data.result.map((s: any) => [s.metric.kind, s.value[1]]));
    expect(byKind).toEqual({ nan: "NaN", inf: "+Inf", neg_inf: "-Inf" });
  });

  it("answers an empty result as result: []", async () => {
    const answer = await get("/api/v1/query", { query: "no_such_metric_anywhere", time: String(T) });
    expect(answer.json).toEqual({ status: "success", data: { resultType: "vector", result: [] } });
  });

  it("preserves AMP's warnings array byte for byte", async () => {
    const body = '{"status":"success","data":{"resultType":"vector","result":[]},"warnings":["AMP: query samples processed near threshold"]}';
    stack.standin!.setIntercept((exchange) => (exchange.api === "query" ? { action: "respond", status: 200, headers: { "content-type": "application/json" }, body } : undefined));
    try {
      const answer = await get("/api/v1/query", { query: "up", time: String(T) });
      expect(answer.text).toBe(body);
    } finally {
      stack.standin!.setIntercept(undefined);
    }
  });

  it("turns AMP throttling into 503 with Retry-After and a Prometheus envelope", async () => {
    stack.standin!.setIntercept(() => ({ action: "respond", status: 429, headers: { "retry-after": "3" }, body: '{"message":"Rate exceeded"}' }));
    try {
      const answer = await get("/api/v1/query", { query: "up", time: String(T) });
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("3");
      expect(answer.json).toMatchObject({ status: "error", errorType: "unavailable" });
      expect(answer.json.error).toMatch(/throttling.*Rate exceeded/);
    } finally {
      stack.standin!.setIntercept(undefined);
    }
  });
});

describe("§4.6 9: API Gateway shapes", () => {
  async function invoke(event: Partial<APIGatewayProxyEventV2> & { rawPath: string; routeKey: string }): Promise<APIGatewayProxyStructuredResultV2> {
    const { handler } = await import("../../functions/query");
    const [method] = event.routeKey.split(" ");
    const full: APIGatewayProxyEventV2 = {
      version: "2.0",
      rawQueryString: "",
      headers: { authorization: `Bearer ${stack.readToken}` },
      requestContext: {
        accountId: "000000000000", apiId: "local", domainName: "example.execute-api.eu-central-1.amazonaws.com", domainPrefix: "example",
        http: { method: method!, path: event.rawPath, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "Grafana/12.1.0" },
        requestId: "contract", routeKey: event.routeKey, stage: "prod", time: new Date().toUTCString(), timeEpoch: Date.now(),
      },
      isBase64Encoded: false,
      ...event,
    } as APIGatewayProxyEventV2;
    return (await handler(full, lambdaContext("query"))) as APIGatewayProxyStructuredResultV2;
  }

  it("routes with and without the stage prefix, and decodes base64 form bodies", async () => {
    const form = Buffer.from("query=contract_temperature_celsius%7Broom%3D%22kitchen%22%7D&time=" + T).toString("base64");
    for (const rawPath of ["/prod/api/v1/query", "/api/v1/query"]) {
      const result = await invoke({
        routeKey: "POST /api/v1/query", rawPath,
        headers: { authorization: `Bearer ${stack.readToken}`, "content-type": "application/x-www-form-urlencoded" },
        body: form, isBase64Encoded: true,
      });
      expect(result.statusCode).toBe(200);
      const json = JSON.parse(result.body!);
      expect(json.data.result).toHaveLength(1);
      expect(json.data.result[0].value[1]).toBe("21.5");
    }
  });

  it("keeps repeated match[] from the raw query string and finds {name} in a staged path", async () => {
    const result = await invoke({
      routeKey: "GET /api/v1/label/{name}/values", rawPath: "/prod/api/v1/label/room/values",
      rawQueryString: "match[]=%7Broom%3D%22kitchen%22%7D&match[]=%7Broom%3D%22attic%22%7D",
    });
    expect(JSON.parse(result.body!).data.sort()).toEqual(["attic", "kitchen"]);
  });
});

describe("responses", () => {
  it("are gzip-compressed when the client accepts it, plain otherwise, and never cached", async () => {
    const params = new URLSearchParams({ query: '{__name__=~"contract_.*"}', start: String(T - 600), end: String(T), step: "1" });
    const fetchRaw = (acceptEncoding?: string) => new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const url = new URL(`${stack.url}/api/v1/query_range?${params}`);
      httpRequest(url, { headers: { authorization: `Bearer ${stack.readToken}`, ...(acceptEncoding ? { "accept-encoding": acceptEncoding } : {}) } }, (response) => {
        readBody(response).then((body) => resolve({ headers: response.headers, body }), reject);
      }).on("error", reject).end();
    });
    const zipped = await fetchRaw("gzip, deflate, br");
    const plain = await fetchRaw();
    const refused = await fetchRaw("gzip;q=0, identity");
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers["cache-control"]).toBe("no-store");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(refused.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.byteLength).toBeGreaterThan(4 * zipped.body.byteLength);
    expect(JSON.parse(gunzipSync(zipped.body).toString())).toEqual(JSON.parse(plain.body.toString()));
  });
});

describe("household tokens through the whole stack", () => {
  it("see only their household", async () => {
    const answer = await get("/api/v1/query", { query: '{__name__=~"contract_.*"}', time: String(T) }, household.token);
    expect(answer.json.data.result.map((s: any) => s.metric.room)).toEqual(["kitchen"]);
  });
});

describe("signatures at the stand-in", () => {
  it("accepts the query function's signed requests and refuses a badly signed one", async () => {
    const before = stack.standin!.stats.queries;
    await get("/api/v1/query", { query: "contract_temperature_celsius", time: String(T) });
    expect(stack.standin!.stats.queries).toBeGreaterThan(before);
    expect(stack.standin!.recentRequests().some((r) => r.path.endsWith("/api/v1/query") && r.outcome === "forwarded")).toBe(true);

    // The same router with a wrong secret key: the stand-in refuses the signature, the reader sees a clear 503.
    const forged = createAmpHttpClient({
      endpoint: parseWorkspaceEndpoint(stack.ampEndpoint, { region: process.env.AWS_REGION }),
      signer: createSigV4Signer({ region: process.env.AWS_REGION!, credentials: async () => ({ accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: "wrong" }) }),
    });
    const reader = readToken("reader");
    const call = queryClient({ amp: forged }, { tokens: [reader.record] });
    const answer = await call("GET", "/api/v1/query", { token: reader.token, query: { query: "up" } });
    expect(answer.status).toBe(503);
    expect(answer.json.error).toMatch(/refused the query function's AWS credentials \(403/);
  });
});

describe("AMP's own gzip", () => {
  let server: LoopbackListener | undefined;
  afterAll(() => server?.close());

  it("is decoded when needed and passed on untouched when the client accepts gzip (never compressed twice)", async () => {
    // An AMP-shaped front that, like AMP, answers gzip when asked: Prometheus's own compressed bytes, relayed raw.
    const prometheus = new URL(stack.prometheus!.url);
    const relayed: Buffer[] = [];
    server = await listenOnLoopback(createServer((incoming, outgoing) => {
      const path = (incoming.url ?? "").replace(/^\/workspaces\/ws-gzip/, "");
      const upstream = httpRequest({ host: prometheus.hostname, port: prometheus.port, path, method: incoming.method, headers: { ...incoming.headers, host: prometheus.host } }, (answer) => {
        void readBody(answer).then((body) => {
          relayed.push(body);
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.end(body);
        });
      });
      incoming.pipe(upstream);
    }));
    const amp = createAmpHttpClient({
      endpoint: parseWorkspaceEndpoint(`${server.url}/workspaces/ws-gzip`, { region: "eu-central-1" }),
      signer: createSigV4Signer({ region: "eu-central-1", credentials: async () => ({ accessKeyId: "AKIAGZIP", secretAccessKey: "gzip" }) }),
    });
    const reader = readToken("gzip-reader");
    const call = queryClient({ amp }, { tokens: [reader.record] });
    const params = { query: '{__name__=~".+"}', start: String(T - 600), end: String(T), step: "1" };

    const plain = await call("GET", "/api/v1/query_range", { token: reader.token, query: params });
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.json.data.resultType).toBe("matrix");
    const fromAmp = relayed.at(-1)!;
    expect(fromAmp.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // Prometheus really answered gzip

    const compressed = await call("GET", "/api/v1/query_range", { token: reader.token, query: params, headers: { "accept-encoding": "gzip" } });
    expect(compressed.headers["content-encoding"]).toBe("gzip");
    expect(compressed.json).toEqual(plain.json);
    expect(compressed.raw.equals(relayed.at(-1)!)).toBe(true);
  });
});
