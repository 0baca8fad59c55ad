/**
 * Create, rotate and inspect ampgate's secrets in SSM Parameter Store (SecureString, `/ampgate/<stage>/<name>`).
 * The deployed stack only grants the functions read access to these names; values live nowhere else, and the
 * functions pick up a change within SECRET_CACHE_TTL_SECONDS (default 60 s) without a redeploy.
 *
 *   npm run secrets -- list                               --stage prod
 *   npm run secrets -- add-token ingest pi-livingroom     --stage prod [--label room=living]…
 *   npm run secrets -- add-token read grafana-home        --stage prod [--matchers '{household="smith"}']
 *   npm run secrets -- rotate ingest pi-livingroom        --stage prod   (same for `read <name>`)
 *   npm run secrets -- remove-token ingest pi-livingroom  --stage prod
 *   npm run secrets -- set switchbot-token                --stage prod   (value from stdin or a hidden prompt)
 *   npm run secrets -- set switchbot-secret               --stage prod
 *   npm run secrets -- rotate webhook-path-secret         --stage prod
 *   npm run secrets -- delete <parameter> --yes           --stage prod
 *
 * Tokens are generated here (32 random bytes) and stored only as SHA-256 hashes (packages/core/src/auth/
 * token-hash.ts); a new token is printed once, alone on stdout (messages go to stderr), so
 * `TOKEN=$(npm run -s secrets -- add-token …)` captures exactly it. Every edited token list is validated with
 * the functions' own parsers before it is written, so the stored JSON is always one they accept.
 *
 * AWS credentials and region come from the usual chain (AWS_PROFILE, AWS_REGION, …; `--region` overrides).
 * `--endpoint <url>` or AMPGATE_SSM_ENDPOINT points the client at a local SSM-compatible server (the local
 * runner's, tests). Secret values are never printed, except a newly generated token or path secret, once.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { parseIngestTokens } from "@ampgate/core/auth/ingest-tokens";
import { parseReadTokens } from "@ampgate/core/auth/read-tokens";
import { generateToken, hashToken } from "@ampgate/core/auth/token-hash";
import { SECRET_NAMES, type SecretName } from "@ampgate/core/secrets/secret-source";
import { parameterName } from "../infra/secrets";

const USAGE = `usage: npm run secrets -- <command> --stage <stage> [--region <region>] [--endpoint <url>]
  list                                    what is set (versions, token names, labels) — never values
  add-token ingest <name> [--label k=v]…  new ingest token; its labels are stamped on everything it pushes
                                          (default: source=<name>)
  add-token read <name> [--matchers <selector>]
                                          new read token; --matchers '{household="smith"}' limits what it sees
  rotate <ingest|read> <name>             new token for an existing entry (the old one stops working)
  rotate webhook-path-secret              new SwitchBot webhook path secret (then re-register the webhook)
  remove-token <ingest|read> <name>       revoke a token
  set <switchbot-token|switchbot-secret>  value from stdin, or a hidden prompt on a terminal
  delete <parameter> --yes                delete a whole parameter`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** A secret typed by the user (hidden) or piped on stdin. */
  readSecret(prompt: string): Promise<string>;
  env: Record<string, string | undefined>;
}

class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

type TokenKind = "ingest" | "read";
type TokenEntry = { name: string; sha256: string } & Record<string, unknown>;

/** The two token lists: which parameter, how the functions parse it, how an entry is described. */
const TOKEN_LISTS: Record<TokenKind, { parameter: SecretName; validate(json: string): void; describe(entry: TokenEntry): string }> = {
  ingest: {
    parameter: "ingest-tokens",
    validate: (json) => void parseIngestTokens(json),
    describe: (entry) => {
      const labels = (entry.labels as Record<string, string> | undefined) ?? { source: entry.name };
      return `labels ${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}`;
    },
  },
  read: {
    parameter: "read-tokens",
    validate: (json) => void parseReadTokens(json),
    describe: (entry) => (entry.matchers ? `sees only ${String(entry.matchers)}` : "sees every series"),
  },
};

/** Secrets a person supplies (from the SwitchBot app); the others are generated here. */
const SUPPLIED: readonly SecretName[] = ["switchbot-token", "switchbot-secret"];

interface Options {
  stage: string;
  region?: string;
  endpoint?: string;
  labels: Record<string, string>;
  matchers?: string;
  yes: boolean;
  positional: string[];
}

function parseOptions(argv: string[], env: CliIo["env"]): Options {
  const options: Omit<Options, "stage"> & { stage?: string } = { labels: {}, yes: false, positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new CliError(`${arg} needs a value`, 2);
      return next;
    };
    if (arg === "--stage") options.stage = value();
    else if (arg === "--region") options.region = value();
    else if (arg === "--endpoint") options.endpoint = value();
    else if (arg === "--matchers") options.matchers = value();
    else if (arg === "--yes") options.yes = true;
    else if (arg === "--label") {
      const pair = value();
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new CliError(`--label takes name=value, got ${JSON.stringify(pair)}`, 2);
      options.labels[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg.startsWith("--")) throw new CliError(`unknown option ${arg}`, 2);
    else options.positional.push(arg);
  }
  const stage = options.stage ?? env.SST_STAGE;
  if (!stage) throw new CliError("--stage is required (the stage you deployed, e.g. --stage prod)", 2);
  if (!/^[a-z][a-z0-9-]{0,23}$/.test(stage)) throw new CliError(`not a stage name: ${JSON.stringify(stage)}`, 2);
  const endpoint = options.endpoint ?? env.AMPGATE_SSM_ENDPOINT;
  return { ...options, stage, ...(endpoint ? { endpoint } : {}) };
}

/** Parameter access for one stage. */
function parameters(client: SSMClient, stage: string) {
  const name = (secret: SecretName) => parameterName(stage, secret);
  return {
    name,
    async read(secret: SecretName, decrypt: boolean) {
      try {
        const { Parameter } = await client.send(new GetParameterCommand({ Name: name(secret), WithDecryption: decrypt }));
        return Parameter;
      } catch (error) {
        if (error instanceof ParameterNotFound || (error as Error).name === "ParameterNotFound") return undefined;
        throw error;
      }
    },
    async write(secret: SecretName, value: string) {
      await client.send(new PutParameterCommand({
        Name: name(secret),
        Value: value,
        Type: "SecureString",
        Overwrite: true,
        // Standard (free) up to 4 KB; a long token list moves to Advanced by itself instead of failing.
        Tier: "Intelligent-Tiering",
        Description: `ampgate ${stage} ${secret} (managed by npm run secrets)`,
      }));
    },
    async remove(secret: SecretName) {
      await client.send(new DeleteParameterCommand({ Name: name(secret) }));
    },
  };
}

type Parameters = ReturnType<typeof parameters>;

function tokenKind(value: string | undefined): TokenKind {
  if (value === "ingest" || value === "read") return value;
  throw new CliError(`expected "ingest" or "read", got ${JSON.stringify(value ?? "")}`, 2);
}

function secretName(value: string | undefined): SecretName {
  if ((SECRET_NAMES as readonly string[]).includes(value ?? "")) return value as SecretName;
  throw new CliError(`unknown parameter ${JSON.stringify(value ?? "")}; one of ${SECRET_NAMES.join(", ")}`, 2);
}

async function readTokenList(store: Parameters, kind: TokenKind): Promise<TokenEntry[]> {
  const parameter = await store.read(TOKEN_LISTS[kind].parameter, true);
  if (!parameter?.Value?.trim()) return [];
  TOKEN_LISTS[kind].validate(parameter.Value);
  return JSON.parse(parameter.Value) as TokenEntry[];
}

async function writeTokenList(store: Parameters, kind: TokenKind, entries: TokenEntry[]): Promise<void> {
  const json = JSON.stringify(entries);
  TOKEN_LISTS[kind].validate(json);
  await store.write(TOKEN_LISTS[kind].parameter, json);
}

/** Prints a generated secret: the value alone on stdout, the explanation on stderr. */
function reveal(io: CliIo, value: string, explanation: string): void {
  io.err(`${explanation}\nShown once; it is stored only as a hash (or in SSM), so copy it now:\n`);
  io.out(`${value}\n`);
}

const COMMANDS: Record<string, (store: Parameters, options: Options, io: CliIo) => Promise<void>> = {
  async list(store, options, io) {
    io.out(`SSM parameters of stage ${options.stage}:\n`);
    for (const secret of SECRET_NAMES) {
      const parameter = await store.read(secret, false);
      const state = parameter
        ? `set, version ${parameter.Version}, ${parameter.Type}, changed ${parameter.LastModifiedDate?.toISOString() ?? "?"}`
        : "not set";
      io.out(`  ${store.name(secret)}  ${state}\n`);
      const kind = (Object.keys(TOKEN_LISTS) as TokenKind[]).find((k) => TOKEN_LISTS[k].parameter === secret);
      if (parameter && kind) {
        for (const entry of await readTokenList(store, kind)) io.out(`    - ${entry.name}: ${TOKEN_LISTS[kind].describe(entry)}\n`);
      }
    }
  },

  async "add-token"(store, options, io) {
    const kind = tokenKind(options.positional[0]);
    const name = options.positional[1];
    if (!name) throw new CliError(`add-token ${kind} needs a name, e.g. pi-livingroom`, 2);
    if (kind === "read" && Object.keys(options.labels).length > 0) throw new CliError("--label is for ingest tokens; read tokens take --matchers", 2);
    if (kind === "ingest" && options.matchers) throw new CliError("--matchers is for read tokens; ingest tokens take --label", 2);
    const entries = await readTokenList(store, kind);
    if (entries.some((entry) => entry.name === name)) throw new CliError(`a ${kind} token named ${JSON.stringify(name)} exists; rotate it or choose another name`);
    const token = generateToken();
    const entry: TokenEntry = kind === "ingest"
      ? { name, sha256: hashToken(token), labels: Object.keys(options.labels).length > 0 ? options.labels : { source: name } }
      : { name, sha256: hashToken(token), ...(options.matchers ? { matchers: options.matchers } : {}) };
    await writeTokenList(store, kind, [...entries, entry]);
    reveal(io, token, `${kind} token ${JSON.stringify(name)} added to ${store.name(TOKEN_LISTS[kind].parameter)} (${TOKEN_LISTS[kind].describe(entry)}).`);
  },

  async rotate(store, options, io) {
    const target = options.positional[0];
    if (target === "webhook-path-secret") {
      // Same shape as the local runner's (local/local-tokens.ts): 43 URL-safe characters, 256 bits.
      const secret = generateToken().slice(3);
      await store.write("webhook-path-secret", secret);
      reveal(io, secret, [
        `New webhook path secret stored in ${store.name("webhook-path-secret")}; the old webhook URL now answers 404.`,
        "Register the new URL with SwitchBot: npm run switchbot-webhook -- register <apiUrl>/switchbot/webhook/<secret>",
      ].join("\n"));
      return;
    }
    const kind = tokenKind(target);
    const name = options.positional[1];
    const entries = await readTokenList(store, kind);
    const entry = entries.find((e) => e.name === name);
    if (!entry) throw new CliError(`no ${kind} token named ${JSON.stringify(name ?? "")} in stage ${options.stage}`);
    const token = generateToken();
    await writeTokenList(store, kind, entries.map((e) => (e === entry ? { ...e, sha256: hashToken(token) } : e)));
    reveal(io, token, `${kind} token ${JSON.stringify(name)} rotated: the old token stops working within the functions' secret cache TTL.`);
  },

  async "remove-token"(store, options, io) {
    const kind = tokenKind(options.positional[0]);
    const name = options.positional[1];
    const entries = await readTokenList(store, kind);
    if (!entries.some((e) => e.name === name)) throw new CliError(`no ${kind} token named ${JSON.stringify(name ?? "")} in stage ${options.stage}`);
    await writeTokenList(store, kind, entries.filter((e) => e.name !== name));
    io.err(`${kind} token ${JSON.stringify(name)} removed.\n`);
  },

  async set(store, options, io) {
    const secret = secretName(options.positional[0]);
    if (!SUPPLIED.includes(secret)) {
      throw new CliError(`${secret} is generated, not set: use ${secret === "webhook-path-secret" ? "rotate webhook-path-secret" : "add-token / rotate / remove-token"}`, 2);
    }
    const value = (await io.readSecret(`${secret} (input hidden): `)).trim();
    if (!value || /\s/.test(value)) throw new CliError(`${secret}: expected one value without spaces on stdin`);
    await store.write(secret, value);
    io.err(`${store.name(secret)} stored.\n`);
  },

  async delete(store, options, io) {
    const secret = secretName(options.positional[0]);
    if (!options.yes) throw new CliError(`delete removes ${store.name(secret)} for good; add --yes`, 2);
    await store.remove(secret);
    io.err(`${store.name(secret)} deleted.\n`);
  },
};

export async function runSecretsCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help") {
    io.out(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  try {
    const run = COMMANDS[command];
    if (!run) throw new CliError(`unknown command ${JSON.stringify(command)}\n${USAGE}`, 2);
    const options = parseOptions(rest, io.env);
    const client = new SSMClient({
      ...(options.region ? { region: options.region } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    try {
      await run(parameters(client, options.stage), options, io);
    } finally {
      client.destroy();
    }
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`${error.message}\n`);
      return error.exitCode;
    }
    // SDK and validation errors name the parameter or field, never a value.
    const { name, message } = error as Error;
    io.err(`${name === "Error" ? "" : `${name}: `}${message}\n`);
    return 1;
  }
}

/** A secret from piped stdin, or typed at a terminal without echo. */
async function readSecretFromStdin(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  process.stderr.write(prompt);
  process.stdin.setRawMode(true);
  let value = "";
  try {
    for await (const chunk of process.stdin) {
      for (const char of (chunk as Buffer).toString("utf8")) {
        if (char === "\r" || char === "\n") return value;
        if (char === "\u0003") throw new CliError("cancelled", 130);
        value = char === "\u007f" ? value.slice(0, -1) : value + char;
      }
    }
    return value;
  } finally {
    process.stdin.setRawMode(false);
    process.stderr.write("\n");
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const code = await runSecretsCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    readSecret: readSecretFromStdin,
    env: process.env,
  });
  process.exit(code);
}
