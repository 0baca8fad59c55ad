/**
 * The secrets CLI (scripts/secrets.ts) with the real @aws-sdk/client-ssm against the local SSM wire-protocol
 * endpoint (local/ssm-server.ts). What it writes is read back the way the functions read it — the SSM secret
 * source and the token parsers from core — so "the CLI created a token" means "ingest would accept it".
 */
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIngestTokens } from "@ampgate/core/auth/ingest-tokens";
import { parseReadTokens } from "@ampgate/core/auth/read-tokens";
import { findByToken } from "@ampgate/core/auth/token-hash";
import { createSsmSecretSource } from "@ampgate/core/secrets/ssm-secret-source";
import { startSsmServer, type SsmServer } from "../../local/ssm-server";
import { runSecretsCli } from "../../scripts/secrets";
import { runScript } from "../support/run-script";

const REGION = "eu-west-1";
let server: SsmServer;
const savedEnv = { ...process.env };

beforeAll(async () => {
  server = await startSsmServer({ region: REGION });
  // The SDK's default credential chain, as on a deployer's machine.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKIDLOCALTEST", AWS_SECRET_ACCESS_KEY: "local-secret-key" });
});
afterAll(async () => {
  await server.close();
  process.env = savedEnv;
});

interface Run {
  code: number;
  out: string;
  err: string;
}

async function cli(args: string[], typed = ""): Promise<Run> {
  let out = "";
  let err = "";
  const code = await runSecretsCli([...args, "--region", REGION, "--endpoint", server.url], {
    out: (text) => { out += text; },
    err: (text) => { err += text; },
    readSecret: async () => typed,
    env: {},
  });
  return { code, out, err };
}

const ssm = () => new SSMClient({ endpoint: server.url, region: REGION, credentials: { accessKeyId: "a", secretAccessKey: "b" } });
async function stored(name: string) {
  const { Parameter } = await ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  return Parameter!;
}

describe("ingest tokens", () => {
  it("add-token prints a new token once, stores only its hash, and ingest's secret source accepts it", async () => {
    const added = await cli(["add-token", "ingest", "pi-livingroom", "--label", "source=pi-livingroom", "--label", "room=living", "--stage", "s1"]);
    expect(added).toMatchObject({ code: 0 });
    const token = added.out.trim();
    expect(token).toMatch(/^ag_[A-Za-z0-9_-]{43}$/);
    expect(added.err).not.toContain(token);

    const parameter = await stored("/ampgate/s1/ingest-tokens");
    expect(parameter.Type).toBe("SecureString");
    expect(parameter.Value).not.toContain(token);

    // Exactly how functions/ingest.ts reads it.
    const source = createSsmSecretSource({ prefix: "/ampgate/s1/", names: ["ingest-tokens"], client: ssm() });
    const match = findByToken(parseIngestTokens(await source.get("ingest-tokens")), token);
    expect(match).toMatchObject({ name: "pi-livingroom", labels: { source: "pi-livingroom", room: "living" } });
  });

  it("defaults the labels to source=<name>, and refuses a second token of the same name", async () => {
    expect((await cli(["add-token", "ingest", "telegraf", "--stage", "s2"])).code).toBe(0);
    const tokens = parseIngestTokens((await stored("/ampgate/s2/ingest-tokens")).Value);
    expect(tokens.map((t) => [t.name, t.labels])).toEqual([["telegraf", { source: "telegraf" }]]);
    const again = await cli(["add-token", "ingest", "telegraf", "--stage", "s2"]);
    expect(again).toMatchObject({ code: 1, out: "" });
    expect(again.err).toContain(`a ingest token named "telegraf" exists`);
  });

  it("rotate replaces the hash and keeps the labels; the old token stops matching", async () => {
    const first = (await cli(["add-token", "ingest", "pi", "--label", "room=attic", "--stage", "s3"])).out.trim();
    const rotated = await cli(["rotate", "ingest", "pi", "--stage", "s3"]);
    expect(rotated.code).toBe(0);
    const second = rotated.out.trim();
    expect(second).not.toBe(first);
    const tokens = parseIngestTokens((await stored("/ampgate/s3/ingest-tokens")).Value);
    expect(findByToken(tokens, first)).toBeUndefined();
    expect(findByToken(tokens, second)).toMatchObject({ name: "pi", labels: { room: "attic" } });
  });

  it("remove-token revokes one token and leaves the others", async () => {
    await cli(["add-token", "ingest", "a", "--stage", "s4"]);
    const keep = (await cli(["add-token", "ingest", "b", "--stage", "s4"])).out.trim();
    expect((await cli(["remove-token", "ingest", "a", "--stage", "s4"])).code).toBe(0);
    const tokens = parseIngestTokens((await stored("/ampgate/s4/ingest-tokens")).Value);
    expect(tokens.map((t) => t.name)).toEqual(["b"]);
    expect(findByToken(tokens, keep)?.name).toBe("b");
    expect((await cli(["remove-token", "ingest", "a", "--stage", "s4"])).err).toContain(`no ingest token named "a"`);
  });

  it("an invalid label is refused by ingest's own parser and nothing is written", async () => {
    const result = await cli(["add-token", "ingest", "bad", "--label", "__name__=x", "--stage", "s5"]);
    expect(result.code).toBe(1);
    expect(result.out).toBe("");
    expect(result.err).toContain("reserved");
    await expect(stored("/ampgate/s5/ingest-tokens")).rejects.toThrow(/ParameterNotFound|not found/i);
  });
});

describe("read tokens", () => {
  it("stores matchers the query function enforces, validated with its parser", async () => {
    const token = (await cli(["add-token", "read", "smiths", "--matchers", `{household="smith"}`, "--stage", "s6"])).out.trim();
    const tokens = parseReadTokens((await stored("/ampgate/s6/read-tokens")).Value);
    expect(findByToken(tokens, token)?.matchers).toHaveLength(1);
    const refused = await cli(["add-token", "read", "everyone", "--matchers", `{household=~".*"}`, "--stage", "s6"]);
    expect(refused.code).toBe(1);
    expect(parseReadTokens((await stored("/ampgate/s6/read-tokens")).Value).map((t) => t.name)).toEqual(["smiths"]);
  });

  it("read and ingest tokens live in separate parameters", async () => {
    await cli(["add-token", "read", "grafana", "--stage", "s7"]);
    await expect(stored("/ampgate/s7/ingest-tokens")).rejects.toThrow();
    expect(parseReadTokens((await stored("/ampgate/s7/read-tokens")).Value).map((t) => t.name)).toEqual(["grafana"]);
  });
});

describe("SwitchBot credentials and the webhook path secret", () => {
  it("set stores a typed value as a SecureString and never echoes it; list shows that it is set, not what", async () => {
    const value = "switchbot-token-value-0123456789abcdef";
    const set = await cli(["set", "switchbot-token", "--stage", "s8"], `${value}\n`);
    expect(set.code).toBe(0);
    expect(`${set.out}${set.err}`).not.toContain(value);
    expect(await stored("/ampgate/s8/switchbot-token")).toMatchObject({ Type: "SecureString", Value: value });

    const listed = await cli(["list", "--stage", "s8"]);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/\/ampgate\/s8\/switchbot-token {2}set, version 1, SecureString/);
    expect(listed.out).toMatch(/\/ampgate\/s8\/switchbot-secret {2}not set/);
    expect(listed.out).not.toContain(value);
  });

  it("rotate webhook-path-secret generates a 256-bit URL-safe secret and prints it once", async () => {
    const rotated = await cli(["rotate", "webhook-path-secret", "--stage", "s9"]);
    expect(rotated.code).toBe(0);
    const secret = rotated.out.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stored("/ampgate/s9/webhook-path-secret")).Value).toBe(secret);
    expect(rotated.err).toContain("switchbot-webhook -- register");
  });

  it("generated secrets cannot be set by hand, and an empty value is refused", async () => {
    expect(await cli(["set", "ingest-tokens", "--stage", "s10"])).toMatchObject({ code: 2 });
    expect(await cli(["set", "webhook-path-secret", "--stage", "s10"])).toMatchObject({ code: 2 });
    expect(await cli(["set", "switchbot-secret", "--stage", "s10"], "\n")).toMatchObject({ code: 1 });
  });
});

describe("usage errors", () => {
  it.each([
    [["list"], /--stage is required/],
    [["list", "--stage", "Prod"], /not a stage name/],
    [["add-token", "admin", "x", "--stage", "s"], /expected "ingest" or "read"/],
    [["delete", "read-tokens", "--stage", "s"], /add --yes/],
    [["frobnicate", "--stage", "s"], /unknown command/],
  ])("%j → exit 2 with a message", async (args, message) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
});

it("runs as `npm run secrets`: the entry point, AMPGATE_SSM_ENDPOINT, and a value piped on stdin", async () => {
  const env = { ...process.env, AMPGATE_SSM_ENDPOINT: server.url, AWS_REGION: REGION };
  const run = (args: string[], input = "") => runScript("secrets", args, { env, input });
  const set = await run(["set", "switchbot-secret", "--stage", "s11"], "piped-secret-value-123\n");
  expect(set.status, set.stderr).toBe(0);
  const listed = await run(["list", "--stage", "s11"]);
  expect(listed.status, listed.stderr).toBe(0);
  expect(listed.stdout).toMatch(/\/ampgate\/s11\/switchbot-secret {2}set/);
  expect(listed.stdout).not.toContain("piped-secret-value-123");
}, 60_000);
