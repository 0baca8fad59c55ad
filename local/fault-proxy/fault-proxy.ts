/**
 * A programmable HTTP fault proxy on 127.0.0.1: forwards every request byte for byte (headers included, `host`
 * untouched, so a SigV4 signature made for the proxy's address still verifies at a stand-in behind it) and, when a
 * rule matches, breaks the exchange in one of the ways of faults.ts instead.
 *
 *   const proxy = await startFaultProxy({ target: standin.url });
 *   proxy.inject({ name: "503", fault: AMP_FAULTS["503"].fault, times: 2 });      // the next two requests
 *   proxy.inject({ fault: { kind: "reset", when: "after-forward" }, probability: 0.3, pathPrefix: "/workspaces/" });
 *   proxy.stats.faults["503"];  proxy.exchanges();  proxy.clearFaults();  await proxy.close();
 *
 * Rules are tried in injection order; the first that matches (method, path prefix, probability) fires and uses up
 * one of its `times`. Randomness is seeded, so a failing load run can be replayed.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { STATUS_CODES } from "node:http";
import { listenOnLoopback } from "../listen";
import { readBody } from "../read-body";
import type { FaultKind, ProxyFault } from "./faults";

export interface FaultRule {
  fault: ProxyFault;
  /** Key in `stats.faults`; the fault's kind when absent. */
  name?: string;
  method?: string;
  /** Only requests whose path (without query) starts with this. */
  pathPrefix?: string;
  /** Only the next N matching requests. */
  times?: number;
  /** Chance that a matching request is hit (default 1), from the proxy's seeded generator. */
  probability?: number;
}

export interface ProxyExchange {
  at: number;
  method: string;
  /** Request target as received (path and query). */
  target: string;
  /** Raw request headers, lower-case names (kept so tests can scan logs for the signatures that went by). */
  headers: IncomingHttpHeaders;
  requestBytes: number;
  /** Whether the upstream received the complete request. */
  forwarded: boolean;
  /** Status the upstream answered, when forwarded. */
  upstreamStatus?: number;
  /** Name of the rule that fired. */
  fault?: string;
}

export interface FaultProxyStats {
  requests: number;
  forwarded: number;
  /** Faults fired, by rule name (or kind). */
  faults: Record<string, number>;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly stats: FaultProxyStats;
  inject(rule: FaultRule): number;
  removeFault(id: number): void;
  clearFaults(): void;
  /** The last `keepExchanges` exchanges, oldest first. */
  exchanges(): readonly ProxyExchange[];
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Upstream origin, e.g. `http://127.0.0.1:4567`. */
  target: string;
  port?: number;
  /** Seed of the generator behind `probability`. */
  seed?: number;
  /** Default 5,000. */
  keepExchanges?: number;
}

interface ActiveRule extends FaultRule {
  id: number;
}

interface UpstreamAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** mulberry32: a tiny seeded PRNG, enough to make fault placement replayable. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The response as bytes on the wire, `Connection: close` (a dripped or cut answer ends the connection). */
function serialise(answer: UpstreamAnswer, declaredLength = answer.body.byteLength): Buffer {
  const lines = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? "Unknown"}`];
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined || /^(connection|keep-alive|transfer-encoding|content-length)$/i.test(name)) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  lines.push(`content-length: ${declaredLength}`, "connection: close", "", "");
  return Buffer.concat([Buffer.from(lines.join("\r\n"), "latin1"), answer.body]);
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed ?? 1);
  const keep = options.keepExchanges ?? 5_000;
  const rules: ActiveRule[] = [];
  let nextId = 1;
  const stats: FaultProxyStats = { requests: 0, forwarded: 0, faults: {} };
  const recent: ProxyExchange[] = [];
  const stalled = new Set<Socket>();

  const pick = (request: IncomingMessage): ActiveRule | undefined => {
    const path = (request.url ?? "/").split("?")[0]!;
    for (const rule of rules) {
      if (rule.method && rule.method !== request.method) continue;
      if (rule.pathPrefix && !path.startsWith(rule.pathPrefix)) continue;
      if (rule.probability !== undefined && random() >= rule.probability) continue;
      if (rule.times !== undefined && --rule.times <= 0) rules.splice(rules.indexOf(rule), 1);
      return rule;
    }
    return undefined;
  };

  const forward = (request: IncomingMessage, body: Buffer, exchange: ProxyExchange): Promise<UpstreamAnswer> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest({
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        // rawHeaders keep the client's exact names and values; `host` is passed on unchanged.
        headers: request.rawHeaders,
        setHost: false,
      });
      outgoing.on("error", reject);
      outgoing.on("response", (incoming) => {
        readBody(incoming).then((answerBody) => {
          exchange.forwarded = true;
          exchange.upstreamStatus = incoming.statusCode ?? 502;
          stats.forwarded += 1;
          resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: answerBody });
        }, reject);
      });
      outgoing.end(body);
    });

  const reply = (response: ServerResponse, answer: UpstreamAnswer) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !/^(connection|keep-alive|transfer-encoding)$/i.test(name)) headers[name] = value;
    }
    headers["content-length"] = String(answer.body.byteLength);
    response.writeHead(answer.status, headers);
    response.end(answer.body);
  };

  const drip = (socket: Socket, bytes: Buffer, tickMs: number, bytesPerTick: number) => {
    let offset = 0;
    const timer = setInterval(() => {
      if (socket.destroyed) return clearInterval(timer);
      socket.write(bytes.subarray(offset, offset + bytesPerTick));
      offset += bytesPerTick;
      if (offset >= bytes.byteLength) {
        clearInterval(timer);
        socket.end();
      }
    }, tickMs);
    socket.once("close", () => clearInterval(timer));
  };

  /** Carry out `fault` on one exchange; the request body has not been read yet. */
  const apply = async (fault: ProxyFault, request: IncomingMessage, response: ServerResponse, exchange: ProxyExchange) => {
    const socket = request.socket;
    if (fault.kind === "reset" && fault.when === "before-forward") return void socket.resetAndDestroy();
    if (fault.kind === "reset" && fault.when === "mid-request") {
      const declared = Number(request.headers["content-length"] ?? "0");
      let received = 0;
      request.on("data", (chunk: Buffer) => {
        received += chunk.byteLength;
        exchange.requestBytes = received;
        if (received >= declared / 2) socket.resetAndDestroy();
      });
      request.on("end", () => socket.resetAndDestroy());
      return;
    }
    const body = await readBody(request);
    exchange.requestBytes = body.byteLength;
    const forwardsFirst = fault.kind === "drip" || fault.kind === "delay" || fault.kind === "reset" ||
      ((fault.kind === "respond" || fault.kind === "stall") && fault.afterForward === true);
    if (fault.kind === "delay") await new Promise((done) => setTimeout(done, fault.ms));
    const answer = forwardsFirst ? await forward(request, body, exchange) : undefined;
    switch (fault.kind) {
      case "respond":
        return reply(response, { status: fault.status, headers: fault.headers ?? {}, body: Buffer.from(fault.body ?? "") });
      case "stall":
        stalled.add(socket);
        socket.once("close", () => stalled.delete(socket));
        return;
      case "delay":
        return reply(response, answer!);
      case "reset":
        if (fault.when === "mid-response") {
          // Declare at least 2 bytes so that even an empty answer (AMP's 200) is visibly cut short.
          const declared = Math.max(answer!.body.byteLength, 2);
          const wire = serialise(answer!, declared);
          const headEnd = wire.byteLength - answer!.body.byteLength;
          socket.write(wire.subarray(0, headEnd + Math.floor(answer!.body.byteLength / 2)), () => socket.resetAndDestroy());
          return;
        }
        return void socket.resetAndDestroy();
      case "drip":
        return drip(socket, serialise(answer!), fault.tickMs, fault.bytesPerTick ?? 1);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    stats.requests += 1;
    const exchange: ProxyExchange = {
      at: Date.now(),
      method: request.method ?? "GET",
      target: request.url ?? "/",
      headers: request.headers,
      requestBytes: 0,
      forwarded: false,
    };
    recent.push(exchange);
    if (recent.length > keep) recent.shift();
    const rule = pick(request);
    try {
      if (rule) {
        exchange.fault = rule.name ?? rule.fault.kind;
        stats.faults[exchange.fault] = (stats.faults[exchange.fault] ?? 0) + 1;
        await apply(rule.fault, request, response, exchange);
        return;
      }
      const body = await readBody(request);
      exchange.requestBytes = body.byteLength;
      reply(response, await forward(request, body, exchange));
    } catch (error) {
      // The upstream itself failed (refused, reset): answer as a gateway would.
      if (!response.headersSent && !request.socket.destroyed) {
        response.writeHead(502, { "content-type": "text/plain" });
        response.end(`fault proxy: upstream failed: ${(error as Error).message}`);
      }
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  server.on("clientError", (_error, socket) => socket.destroy());
  const { url, close } = await listenOnLoopback(server, options.port);

  return {
    url,
    stats,
    inject(rule) {
      const id = nextId++;
      rules.push({ ...rule, id });
      return id;
    },
    removeFault(id) {
      const index = rules.findIndex((rule) => rule.id === id);
      if (index >= 0) rules.splice(index, 1);
    },
    clearFaults() {
      rules.length = 0;
    },
    exchanges: () => [...recent],
    close: () => {
      for (const socket of stalled) socket.destroy();
      return close();
    },
  };
}

export type { FaultKind, ProxyFault };
