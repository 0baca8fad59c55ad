/**
 * SSRF: no request input can make ampgate send a request anywhere but the configured AMP workspace (and the
 * configured SwitchBot API host). Path traversal, absolute URLs, `@`, percent-encoded slashes and dots, CRLF in
 * parameters and headers, Host/X-Forwarded-Host headers, absolute-form request targets and AMP redirects are tried
 * against every route that reaches AMP; a canary server counts anything that reaches it (must be 0), and the fault
 * proxy in front of the stand-in records every upstream request: each must be an AMP API path of the configured
 * workspace, for the configured host, with no control characters in any header.
 */
import { createServer, request as httpRequest } from "node:http";
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAmpHttpClient } from "@ampgate/core/amp/signed-client";
import { AmpEndpointError, checkApiPath, parseWorkspaceEndpoint } from "@ampgate/core/amp/workspace-endpoint";
import { createSwitchBotClient } from "@ampgate/core/switchbot/client";
import { SwitchBotError } from "@ampgate/core/switchbot/errors";
import type { FaultProxy } from "../../local/fault-proxy/fault-proxy";
import { listenOnLoopback, type LoopbackListener } from "../../local/listen";
import type { LocalStack } from "../../local/stack";
import { reportFigures } from "../faults/support/report-figures";
import { startStackBehindProxy } from "../faults/support/stack-behind-proxy";

const INGEST_TOKEN = "ag_ssrf-ingest-token-0123456789abcdefghijklmnopq";
const READ_TOKEN = "ag_ssrf-read-token-0123456789abcdefghijklmnopqrs";
/** Every upstream request must be one of these, below the configured workspace. */
const AMP_API = /^\/workspaces\/ws-local\/api\/v1\/(query|query_range|series|labels|label\/[A-Za-z0-9_:-]+\/values|metadata|remote_write)(\?[^#\s]*)?$/;

let stack: LocalStack;
let ampProxy: FaultProxy;
let stopStack: (() => Promise<void>) | undefined;
let canary: LoopbackListener;
let canaryHits: string[] = [];
let canaryAddress = "";

beforeAll(async () => {
  canary = await listenOnLoopback(createServer((request, response) => {
    canaryHits.push(`${request.method} ${request.headers.host}${request.url}`);
    response.end("canary");
  }));
  canaryAddress = `127.0.0.1:${canary.port}`;
  ({ stack, ampProxy, stop: stopStack } = await startStackBehindProxy("ssrf", { env: { INGEST_TOKEN, READ_TOKEN } }));
});
afterAll(async () => {
  await stopStack?.();
  await canary?.close();
});

/** Hostile pieces: traversal, encodings, other hosts, userinfo, CRLF. */
const hostile = () => [
  "..%2F..%2F..%2Fmetrics", "%2e%2e%2f%2e%2e", "..", "%252e%252e%252f", "job%2F..%2F..%2Fx", `http:%2F%2F${canaryAddress}%2F`,
  `@${canaryAddress}`, `%40${canaryAddress}`, "job%0d%0aHost:%20evil.example", "job%3Fquery%3Dup", "job%23frag", "%5c..%5c..", "job%00",
  `\\\\${canaryAddress}`, "//evil.example", "job;x=y", "j\u00f6b",
];

/** A raw HTTP/1.1 request, so the request target and Host header are exactly as written. */
function rawRequest(head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(stack.url);
    const socket = connect(Number(url.port), url.hostname, () => socket.end(`${head}\r\nconnection: close\r\n\r\n`));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("latin1")));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

const read = { authorization: `Bearer ${READ_TOKEN}` };
let attempts = 0;
async function get(path: string, headers: Record<string, string> = read): Promise<number> {
  attempts += 1;
  const response = await fetch(`${stack.url}${path}`, { headers });
  await response.arrayBuffer();
  return response.status;
}

describe("request inputs cannot move the AMP target", () => {
  it("hostile label names, query parameters, paths and bodies on every AMP-bound route", async () => {
    for (const piece of hostile()) {
      await get(`/api/v1/label/${piece}/values`);
      await get(`/api/v1/query?query=${piece}&time=${piece}`);
      await get(`/api/v1/query?query=up&${piece}=${piece}`);
      await get(`/api/v1/query_range?query=up&start=0&end=60&step=${piece}`);
      await get(`/api/v1/series?match[]=${piece}`);
      await get(`/api/v1/labels?match[]=up&start=${piece}`);
      await get(`/api/v1/metadata?metric=${piece}`);
      await get(`/json/query?query=${piece}`);
      await get(`/api/v1/${piece}`);
      await get(`/api/v1/query/${piece}`);
      attempts += 1;
      await fetch(`${stack.url}/grafana-json/query`, { method: "POST", headers: { ...read, "content-type": "application/json" }, body: JSON.stringify({ range: { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date().toISOString() }, targets: [{ target: decodeURIComponent(piece.replace(/%(?![0-9a-f]{2})/gi, "%25")), payload: { url: `http://${canaryAddress}/` } }] }) }).then((r) => r.arrayBuffer());
      attempts += 1;
      await fetch(`${stack.url}/metrics/job/${piece}/instance/${piece}`, { method: "PUT", headers: { authorization: `Bearer ${INGEST_TOKEN}` }, body: "ssrf_probe 1\n" }).then((r) => r.arrayBuffer());
    }
    expect(attempts).toBeGreaterThan(200);
  }, 120_000);

  it("Host, X-Forwarded-* and absolute-form request targets", async () => {
    for (const head of [
      `GET http://${canaryAddress}/api/v1/query?query=up HTTP/1.1\r\nhost: ${canaryAddress}\r\nauthorization: Bearer ${READ_TOKEN}`,
      `GET /api/v1/query?query=up HTTP/1.1\r\nhost: ${canaryAddress}\r\nx-forwarded-host: ${canaryAddress}\r\nx-forwarded-proto: http\r\nforwarded: host=${canaryAddress}\r\nauthorization: Bearer ${READ_TOKEN}`,
      `GET //${canaryAddress}/api/v1/query?query=up HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${READ_TOKEN}`,
      `GET /api/v1/query?query=up%0d%0aHost:%20${canaryAddress} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${READ_TOKEN}`,
    ]) {
      attempts += 1;
      await rawRequest(head);
    }
    await new Promise<void>((resolve) => {
      const request = httpRequest(`${stack.url}/api/v1/query?query=up`, { headers: { ...read, host: canaryAddress, "x-amz-target": "evil" } }, (response) => response.resume().on("end", resolve));
      request.end();
    });
  });

  it("a redirect from AMP is not followed", async () => {
    ampProxy.inject({ name: "redirect", fault: { kind: "respond", status: 302, headers: { location: `http://${canaryAddress}/steal` } }, times: 4 });
    expect(await get("/api/v1/query?query=up")).toBe(503);
    const push = await fetch(`${stack.url}/api/v1/push/json`, { method: "POST", headers: { authorization: `Bearer ${INGEST_TOKEN}`, "content-type": "application/json" }, body: '[{"metric":"ssrf_redirect_probe","value":1}]' });
    expect(push.status).toBe(503);
    ampProxy.clearFaults();
  });

  it("what reached the AMP side: only the configured workspace's API, for the configured host, nothing at the canary", () => {
    const upstream = ampProxy.exchanges();
    const proxyHost = new URL(ampProxy.url).host;
    const offPath = upstream.filter((e) => !AMP_API.test(e.target)).map((e) => e.target);
    const offHost = upstream.filter((e) => e.headers.host !== proxyHost).map((e) => e.headers.host);
    const controlCharacters = upstream.filter((e) => Object.values(e.headers).flat().some((v) => typeof v === "string" && /[\r\n\0]/.test(v)));
    reportFigures("ssrf", [{ hostileRequests: attempts, upstreamRequests: upstream.length, offWorkspacePaths: offPath.length, otherHosts: offHost.length, headerInjections: controlCharacters.length, canaryHits: canaryHits.length }]);
    expect(upstream.length).toBeGreaterThan(50); // plenty of hostile input did reach AMP, as data
    expect(offPath).toEqual([]);
    expect(offHost).toEqual([]);
    expect(controlCharacters).toEqual([]);
    expect(canaryHits).toEqual([]);
  });
});

describe("the request-controlled part of an AMP URL", () => {
  const endpoint = parseWorkspaceEndpoint("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-abc123");
  const pieces = fc.constantFrom("/api/v1/", "query", "label", "values", "..", ".", "/", "//", "%2F", "%2e", "%252f", "@", "evil.example", "http://", ":", "?", "#", "\\", "\r\n", " ", "\u0000", "ä", "_", "-", "~");

  it("checkApiPath: anything it lets through stays below the workspace, on the configured origin", () => {
    fc.assert(fc.property(fc.array(pieces, { maxLength: 10 }).map((parts) => parts.join("")), (path) => {
      let url: URL;
      try {
        url = new URL(endpoint.queryUrl(path));
      } catch (error) {
        if (error instanceof AmpEndpointError) return;
        throw error;
      }
      expect(url.origin).toBe(endpoint.origin);
      expect(url.pathname.startsWith(`${endpoint.workspacePath}/api/v1/`)).toBe(true);
      expect(url.pathname).not.toMatch(/\/\.\.?(\/|$)|%2e|%2f|%5c/i);
      expect(url.username + url.password).toBe("");
    }), { numRuns: 5_000 });
  });

  it("the signed client refuses such a path before anything is sent or signed", async () => {
    const sent: string[] = [];
    const client = createAmpHttpClient({
      endpoint,
      signer: { region: "eu-west-1", sign: async (request) => ({ ...request.headers, authorization: "signed" }) },
      transport: async (request) => (sent.push(request.url), { status: 200, headers: {}, body: new Uint8Array() }),
    });
    for (const path of ["/api/v1/../../x", "/api/v1/label/%2F/values", `/api/v1/query@${canaryAddress}`, "http://evil.example/api/v1/query", "/api/v1/query\r\nHost: evil"]) {
      await expect(client.request({ method: "GET", path, timeoutMs: 1_000 })).rejects.toBeInstanceOf(AmpEndpointError);
    }
    await client.request({ method: "GET", path: "/api/v1/query", query: new URLSearchParams({ query: `up{x="http://${canaryAddress}/"}` }), timeoutMs: 1_000 });
    expect(sent.map((u) => new URL(u).origin)).toEqual([endpoint.origin]);
    expect(checkApiPath("/api/v1/label/job/values")).toBe("/api/v1/label/job/values");
  });
});

describe("the SwitchBot host", () => {
  it("a device id from the device list cannot change the API host or path: refused before any request", async () => {
    const fetched: string[] = [];
    const client = createSwitchBotClient({
      token: "t".repeat(32),
      secret: "s".repeat(16),
      baseUrl: "https://api.switch-bot.com",
      maxRetries: 0,
      fetch: async (url) => (fetched.push(String(url)), new Response(JSON.stringify({ statusCode: 100, body: {} }))),
    });
    for (const id of ["../../v1.1/scenes", "C271111EC0AB/../../x", `a@${canaryAddress}`, "x%2F..%2F", `http://${canaryAddress}/`, "id\r\nHost: evil", "", " "]) {
      await expect(client.deviceStatus(id)).rejects.toMatchObject({ reason: "invalid_device_id" });
      await expect(client.deviceStatus(id)).rejects.toBeInstanceOf(SwitchBotError);
    }
    await client.deviceStatus("C271111EC0AB");
    expect(fetched).toEqual(["https://api.switch-bot.com/v1.1/devices/C271111EC0AB/status"]);
  });
});
