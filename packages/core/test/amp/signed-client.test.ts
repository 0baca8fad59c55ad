/** The signed client and its transport against real HTTP servers on 127.0.0.1. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TransportError, nodeHttpTransport } from "../../src/amp/http-transport";
import { createAmpHttpClient, encodeRfc3986 } from "../../src/amp/signed-client";
import { createSigV4Signer } from "../../src/amp/sigv4-signer";
import { AmpEndpointError, parseWorkspaceEndpoint } from "../../src/amp/workspace-endpoint";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => { server.closeAllConnections(); server.close(done); })));
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse, received: Received) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = { method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks) };
      received.push(entry);
      handler(request, response, entry);
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const credentials = async () => ({ accessKeyId: "AKIDTEST", secretAccessKey: "test-secret-key" });

describe("createAmpHttpClient", () => {
  it("sends to the configured host only, with the query RFC 3986-encoded exactly as signed", async () => {
    const { url, received } = await serve((_, response) => {
      response.writeHead(200, { "content-type": "application/json", "X-Custom": "Yes" });
      response.end('{"status":"success"}');
    });
    const endpoint = parseWorkspaceEndpoint(`${url}/workspaces/ws-local`, { region: "eu-west-1" });
    const client = createAmpHttpClient({ endpoint, signer: createSigV4Signer({ region: endpoint.region, credentials }) });
    const query = new URLSearchParams([["match[]", 'up{job="a b"}'], ["match[]", "x!'()*+~"], ["start", "1"]]);
    const response = await client.request({ method: "GET", path: "/api/v1/series", query, timeoutMs: 5_000 });

    expect(response.status).toBe(200);
    expect(response.headers["x-custom"]).toBe("Yes");
    expect(new TextDecoder().decode(response.body)).toBe('{"status":"success"}');
    const [request] = received;
    expect(request!.url).toBe(
      "/workspaces/ws-local/api/v1/series?match%5B%5D=up%7Bjob%3D%22a%20b%22%7D&match%5B%5D=x%21%27%28%29%2A%2B~&start=1",
    );
    expect(request!.headers.host).toBe(endpoint.host);
    expect(request!.headers["content-length"]).toBeUndefined();
    const signed = /SignedHeaders=([^,]+)/.exec(request!.headers.authorization!)![1]!.split(";");
    for (const name of signed) expect(request!.headers[name], name).toBeDefined();
  });

  it("refuses API paths that could leave the workspace", async () => {
    const endpoint = parseWorkspaceEndpoint("https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1");
    const client = createAmpHttpClient({ endpoint, signer: createSigV4Signer({ region: endpoint.region, credentials }) });
    await expect(client.request({ method: "GET", path: "/api/v1/../../x", timeoutMs: 1_000 })).rejects.toBeInstanceOf(AmpEndpointError);
  });

  it("encodes like SigV4's canonical form", () => {
    expect(encodeRfc3986("a b+c/d~e!'()*")).toBe("a%20b%2Bc%2Fd~e%21%27%28%29%2A");
  });
});

describe("nodeHttpTransport", () => {
  const call = (url: string, overrides: Partial<Parameters<typeof nodeHttpTransport>[0]> = {}) =>
    nodeHttpTransport({ url, method: "POST", headers: {}, body: new Uint8Array([1, 2, 3]), timeoutMs: 5_000, maxResponseBytes: 1024, ...overrides });

  it("sends the body with its content-length and returns status, headers and body", async () => {
    const { url, received } = await serve((_, response) => { response.writeHead(204); response.end(); });
    const response = await call(url, { headers: { "x-test": "1" } });
    expect(response.status).toBe(204);
    expect(received[0]!.headers).toMatchObject({ "content-length": "3", "x-test": "1" });
    expect([...received[0]!.body]).toEqual([1, 2, 3]);
  });

  it("reports a stall past the timeout as kind timeout", async () => {
    const { url } = await serve(() => undefined);
    const started = Date.now();
    const error = await call(url, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ kind: "timeout" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("reports a reset connection as kind network with its code", async () => {
    const { url } = await serve((request) => request.socket.destroy());
    const error = await call(url).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "network", code: expect.stringMatching(/ECONNRESET|EPIPE/) });
  });

  it("reports a refused connection as kind network", async () => {
    const { url } = await serve(() => undefined);
    await Promise.all(servers.splice(0).map((server) => new Promise((done) => { server.closeAllConnections(); server.close(done); })));
    await expect(call(url)).rejects.toMatchObject({ kind: "network", code: "ECONNREFUSED" });
  });

  it("stops reading a response larger than allowed", async () => {
    const { url } = await serve((_, response) => { response.writeHead(200); response.end(Buffer.alloc(10_000)); });
    await expect(call(url, { maxResponseBytes: 1_000 })).rejects.toMatchObject({ kind: "response_too_large" });
  });

  it("honours an abort signal", async () => {
    const { url } = await serve(() => undefined);
    const controller = new AbortController();
    const pending = call(url, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: "aborted" });
  });
});
