/**
 * A local endpoint that speaks SSM Parameter Store's wire protocol (AWS JSON 1.1: `POST /`,
 * `X-Amz-Target: AmazonSSM.<Operation>`), so the real `@aws-sdk/client-ssm` — the same code the Lambdas run —
 * reads and writes secrets locally. Serves the local runner (`npm start`), the secrets CLI (`--endpoint`) and tests.
 *
 * Implements the operations ampgate uses: GetParameter(s), GetParametersByPath, PutParameter, DeleteParameter,
 * DescribeParameters. Errors use SSM's `__type` names (ParameterNotFound, ParameterAlreadyExists, …), which the
 * SDK turns into its typed exceptions. Values can be persisted to a JSON file (mode 0600) under .local/.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./listen";
import { readBody } from "./read-body";

interface StoredParameter {
  name: string;
  type: "String" | "StringList" | "SecureString";
  value: string;
  version: number;
  lastModified: number;
  description?: string;
  /** What GetParameter returns for a SecureString without WithDecryption: opaque, like KMS ciphertext. */
  ciphertext: string;
}

export interface SsmServer {
  /** http://127.0.0.1:<port> — pass as `endpoint` to SSMClient. */
  readonly url: string;
  readonly requests: number;
  put(name: string, value: string, type?: StoredParameter["type"]): void;
  close(): Promise<void>;
}

export interface SsmServerOptions {
  port?: number;
  region?: string;
  accountId?: string;
  /** Keep parameters across restarts in this file. */
  persistPath?: string;
  /** Called for each request before it is served; throw an SsmFault to answer with an error (tests). */
  onRequest?: (operation: string, input: Record<string, unknown>) => void;
}

export class SsmFault extends Error {
  constructor(readonly type: string, message: string, readonly status = 400) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startSsmServer(options: SsmServerOptions = {}): Promise<SsmServer> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "000000000000";
  const parameters = new Map<string, StoredParameter>();
  let requests = 0;

  if (options.persistPath && existsSync(options.persistPath)) {
    for (const parameter of JSON.parse(readFileSync(options.persistPath, "utf8")) as StoredParameter[]) {
      parameters.set(parameter.name, parameter);
    }
  }
  const persist = () => {
    if (options.persistPath) {
      writeFileSync(options.persistPath, JSON.stringify([...parameters.values()], null, 2), { mode: 0o600 });
    }
  };

  const arn = (name: string) => `arn:aws:ssm:${region}:${accountId}:parameter${name.startsWith("/") ? "" : "/"}${name}`;
  const render = (parameter: StoredParameter, decrypt: boolean) => ({
    Name: parameter.name,
    Type: parameter.type,
    Value: parameter.type === "SecureString" && !decrypt ? parameter.ciphertext : parameter.value,
    Version: parameter.version,
    LastModifiedDate: parameter.lastModified / 1000,
    ARN: arn(parameter.name),
    DataType: "text",
  });
  const requireName = (input: Record<string, unknown>, key = "Name"): string => {
    const name = input[key];
    if (typeof name !== "string" || name.length === 0) throw new SsmFault("ValidationException", `${key} is required`);
    return name;
  };
  const lookup = (name: string) => {
    const parameter = parameters.get(name);
    if (!parameter) throw new SsmFault("ParameterNotFound", `Parameter ${name} not found.`);
    return parameter;
  };
  const put = (name: string, value: string, type: StoredParameter["type"] = "SecureString", description?: string) => {
    const previous = parameters.get(name);
    const stored: StoredParameter = {
      name,
      type,
      value,
      version: (previous?.version ?? 0) + 1,
      lastModified: Date.now(),
      ciphertext: randomBytes(48).toString("base64"),
      ...(description === undefined ? {} : { description }),
    };
    parameters.set(name, stored);
    persist();
    return stored;
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    GetParameter(input) {
      return { Parameter: render(lookup(requireName(input)), input.WithDecryption === true) };
    },
    GetParameters(input) {
      const names = input.Names;
      if (!Array.isArray(names) || names.length === 0 || names.length > 10) {
        throw new SsmFault("ValidationException", "Names must hold 1 to 10 parameter names");
      }
      const found = names.filter((n): n is string => typeof n === "string" && parameters.has(n));
      return {
        Parameters: found.map((n) => render(parameters.get(n)!, input.WithDecryption === true)),
        InvalidParameters: names.filter((n) => !found.includes(n as string)),
      };
    },
    GetParametersByPath(input) {
      const path = requireName(input, "Path");
      const prefix = path.endsWith("/") ? path : `${path}/`;
      const matches = [...parameters.values()]
        .filter((p) => p.name.startsWith(prefix) && (input.Recursive === true || !p.name.slice(prefix.length).includes("/")))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const start = typeof input.NextToken === "string" ? Number(input.NextToken) : 0;
      const size = typeof input.MaxResults === "number" ? input.MaxResults : 10;
      const page = matches.slice(start, start + size);
      return {
        Parameters: page.map((p) => render(p, input.WithDecryption === true)),
        ...(start + size < matches.length ? { NextToken: String(start + size) } : {}),
      };
    },
    PutParameter(input) {
      const name = requireName(input);
      if (typeof input.Value !== "string") throw new SsmFault("ValidationException", "Value is required");
      if (input.Value.length > 8192) throw new SsmFault("ValidationException", "Value exceeds 8192 characters (advanced tier limit)");
      if (parameters.has(name) && input.Overwrite !== true) {
        throw new SsmFault("ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.");
      }
      const type = (input.Type as StoredParameter["type"] | undefined) ?? parameters.get(name)?.type ?? "String";
      const stored = put(name, input.Value, type, typeof input.Description === "string" ? input.Description : undefined);
      return { Version: stored.version, Tier: input.Value.length > 4096 ? "Advanced" : "Standard" };
    },
    DeleteParameter(input) {
      const name = requireName(input);
      lookup(name);
      parameters.delete(name);
      persist();
      return {};
    },
    DescribeParameters(input) {
      const filters = Array.isArray(input.ParameterFilters) ? input.ParameterFilters as Array<{ Key: string; Option?: string; Values?: string[] }> : [];
      const matches = [...parameters.values()].filter((p) =>
        filters.every((f) => f.Key !== "Name" || (f.Values ?? []).some((v) =>
          f.Option === "BeginsWith" ? p.name.startsWith(v) : p.name === v)));
      return {
        Parameters: matches.map((p) => ({
          Name: p.name, Type: p.type, Version: p.version, LastModifiedDate: p.lastModified / 1000,
          ARN: arn(p.name), DataType: "text", Tier: "Standard", ...(p.description ? { Description: p.description } : {}),
        })),
      };
    },
  };

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": randomBytes(16).toString("hex") });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    requests++;
    const target = String(req.headers["x-amz-target"] ?? "");
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!body) return reply(res, 413, { __type: "ValidationException", message: "request too large" });
    if (req.method !== "POST" || !target.startsWith("AmazonSSM.")) {
      return reply(res, 400, { __type: "UnknownOperationException", message: `unsupported request ${req.method} ${target}` });
    }
    const operation = target.slice("AmazonSSM.".length);
    const implementation = operations[operation];
    if (!implementation) return reply(res, 400, { __type: "UnknownOperationException", message: `operation ${operation} is not implemented by the local SSM endpoint` });
    try {
      const input = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
      options.onRequest?.(operation, input);
      reply(res, 200, implementation(input));
    } catch (error) {
      if (error instanceof SsmFault) return reply(res, error.status, { __type: error.type, message: error.message });
      if (error instanceof SyntaxError) return reply(res, 400, { __type: "SerializationException", message: "body is not JSON" });
      reply(res, 500, { __type: "InternalServerError", message: (error as Error).message });
    }
  };

  const server: Server = createServer((req, res) => { void handle(req, res); });
  const { url, close } = await listenOnLoopback(server, options.port);
  return {
    url,
    get requests() { return requests; },
    put: (name, value, type) => { put(name, value, type); },
    close,
  };
}
