// The SSM secret source with the real @aws-sdk/client-ssm against the local SSM wire-protocol endpoint.
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, setLogSink } from "@ampgate/core/log/logger";
import { createSsmSecretSource, SecretsUnavailableError } from "@ampgate/core/secrets/ssm-secret-source";
import { SsmFault, startSsmServer, type SsmServer } from "../../local/ssm-server";

const credentials = { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-secret-key" };
let server: SsmServer;
let failNext = 0;

beforeAll(async () => {
  server = await startSsmServer({
    onRequest: () => {
      if (failNext > 0) {
        failNext--;
        throw new SsmFault("InternalServerError", "injected", 500);
      }
    },
  });
});
afterAll(() => server.close());

const client = () => new SSMClient({ endpoint: server.url, region: "eu-west-1", credentials, maxAttempts: 1 });

describe("SSM secret source over the SSM wire protocol", () => {
  it("reads SecureStrings with decryption, and reports missing parameters as undefined", async () => {
    await client().send(new PutParameterCommand({ Name: "/ampgate/t1/ingest-tokens", Value: "[1]", Type: "SecureString" }));
    const source = createSsmSecretSource({ prefix: "/ampgate/t1/", names: ["ingest-tokens", "read-tokens"], client: client() });
    expect(await source.get("ingest-tokens")).toBe("[1]");
    expect(await source.get("read-tokens")).toBeUndefined();
  });

  it("caches for the TTL, shares one request between concurrent callers, and picks up rotation after it", async () => {
    let now = 1_000_000;
    server.put("/ampgate/t2/switchbot-token", "token-version-one");
    const source = createSsmSecretSource({
      prefix: "/ampgate/t2/", names: ["switchbot-token"], client: client(), ttlMs: 60_000, now: () => now,
    });
    const before = server.requests;
    const values = await Promise.all([source.get("switchbot-token"), source.get("switchbot-token")]);
    expect(values).toEqual(["token-version-one", "token-version-one"]);
    expect(server.requests - before).toBe(1);

    server.put("/ampgate/t2/switchbot-token", "token-version-two");
    now += 59_000;
    expect(await source.get("switchbot-token")).toBe("token-version-one");
    now += 2_000;
    expect(await source.get("switchbot-token")).toBe("token-version-two");
    expect(server.requests - before).toBe(2);
  });

  it("serves a stale copy while SSM fails, within the staleness bound, then fails retryably", async () => {
    let now = 0;
    const lines: string[] = [];
    const previous = setLogSink((line) => lines.push(line));
    try {
      server.put("/ampgate/t3/read-tokens", "read-secret-value-xyz");
      const source = createSsmSecretSource({
        prefix: "/ampgate/t3/", names: ["read-tokens"], client: client(), ttlMs: 1_000, maxStaleMs: 10_000,
        now: () => now, log: createLogger({ level: "warn" }),
      });
      expect(await source.get("read-tokens")).toBe("read-secret-value-xyz");
      now += 5_000;
      failNext = 1;
      expect(await source.get("read-tokens")).toBe("read-secret-value-xyz");
      expect(lines.some((l) => l.includes("serving cached secrets"))).toBe(true);
      now += 20_000;
      failNext = 1;
      await expect(source.get("read-tokens")).rejects.toBeInstanceOf(SecretsUnavailableError);
      // The value itself is registered for redaction: a log line that contains it is scrubbed.
      createLogger().warn("oops read-secret-value-xyz");
      expect(lines.at(-1)).not.toContain("read-secret-value-xyz");
      expect(lines.at(-1)).toContain("[redacted]");
    } finally {
      failNext = 0;
      setLogSink(previous);
    }
  });

  it("refuses names the function did not declare (IAM grants only declared parameters)", async () => {
    const source = createSsmSecretSource({ prefix: "/ampgate/t4/", names: ["ingest-tokens"], client: client() });
    await expect(source.get("switchbot-secret")).rejects.toThrow(/not declared/);
  });

  it("answers without decryption with an opaque value, never the plaintext", async () => {
    server.put("/ampgate/t5/webhook-path-secret", "plain-webhook-secret");
    const { GetParameterCommand } = await import("@aws-sdk/client-ssm");
    const response = await client().send(new GetParameterCommand({ Name: "/ampgate/t5/webhook-path-secret" }));
    expect(response.Parameter?.Value).not.toBe("plain-webhook-secret");
    const decrypted = await client().send(new GetParameterCommand({ Name: "/ampgate/t5/webhook-path-secret", WithDecryption: true }));
    expect(decrypted.Parameter?.Value).toBe("plain-webhook-secret");
    await expect(client().send(new GetParameterCommand({ Name: "/nope" }))).rejects.toMatchObject({ name: "ParameterNotFound" });
  });
});
