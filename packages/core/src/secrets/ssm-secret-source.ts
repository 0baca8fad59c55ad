/**
 * Secrets from SSM Parameter Store SecureStrings, cached with a bounded TTL.
 *
 *   const secrets = createSsmSecretSource({ prefix: "/ampgate/prod/", names: ["ingest-tokens"] });
 *   const json = await secrets.get("ingest-tokens");
 *
 * - One `GetParameters` call (WithDecryption) per TTL for all the names this function needs. Only those names
 *   are requested: IAM grants each function exactly its parameters, and asking for one more would fail the call.
 * - Rotation: a new value is picked up within `ttlMs` without a redeploy.
 * - If SSM is unreachable and a cached copy exists, the copy is served (with a warning) for up to
 *   `maxStaleMs`, so an SSM blip does not turn into rejected pushes; with no copy the error propagates and the
 *   caller answers 503 (retryable).
 * - Concurrent callers share one in-flight request.
 * - The SDK client is imported on the first fetch, not with this module: `@aws-sdk/client-ssm` and the credential
 *   chain it brings are ~40 ms of a function's module init (docs/performance.md, issue #8). That moves the cost into
 *   the first request rather than removing it — the cold-start bench reports both — but the functions and paths
 *   that never read a secret (a 404, a wrong webhook path, a health check) never pay it.
 */
import type { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { createLogger, registerSecret, type Logger } from "../log/logger";
import type { SecretName, SecretSource } from "./secret-source";

export interface SsmSecretSourceOptions {
  /** Parameter name prefix, with trailing slash: `/ampgate/<stage>/`. */
  prefix: string;
  /** The parameters this function reads. */
  names: readonly SecretName[];
  /** Default 60 s. */
  ttlMs?: number;
  /** How long a cached copy may be served while SSM fails. Default 15 min. */
  maxStaleMs?: number;
  /** Default: a client for the Lambda's region; `endpoint` points it at a local SSM-compatible server. */
  client?: Pick<SSMClient, "send">;
  endpoint?: string;
  now?: () => number;
  log?: Logger;
}

interface Ssm {
  client: Pick<SSMClient, "send">;
  GetParametersCommand: typeof GetParametersCommand;
}

/** The SDK, imported on first use (see the header), and the client: the caller's, or one for this region. */
async function loadSsm(options: SsmSecretSourceOptions): Promise<Ssm> {
  const { GetParametersCommand, SSMClient } = await import("./ssm-sdk");
  return { GetParametersCommand, client: options.client ?? new SSMClient(options.endpoint ? { endpoint: options.endpoint } : {}) };
}

export class SecretsUnavailableError extends Error {
  override readonly name = "SecretsUnavailableError";
}

export function createSsmSecretSource(options: SsmSecretSourceOptions): SecretSource {
  if (!options.prefix.startsWith("/") || !options.prefix.endsWith("/")) {
    throw new Error(`secrets prefix must start and end with "/", got ${JSON.stringify(options.prefix)}`);
  }
  const ttlMs = options.ttlMs ?? 60_000;
  const maxStaleMs = options.maxStaleMs ?? 15 * 60_000;
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger({ fields: { component: "ssm-secrets" } });
  const names = [...new Set(options.names)];
  let ssm: Promise<Ssm> | undefined;

  let cache: { values: Map<SecretName, string>; fetchedAt: number } | undefined;
  let inFlight: Promise<Map<SecretName, string>> | undefined;

  async function fetchAll(): Promise<Map<SecretName, string>> {
    const { client, GetParametersCommand } = await (ssm ??= loadSsm(options));
    const response = await client.send(
      new GetParametersCommand({ Names: names.map((name) => options.prefix + name), WithDecryption: true }),
    );
    const values = new Map<SecretName, string>();
    for (const parameter of response.Parameters ?? []) {
      const name = parameter.Name?.slice(options.prefix.length) as SecretName | undefined;
      if (name && parameter.Value !== undefined) {
        registerSecret(parameter.Value);
        values.set(name, parameter.Value);
      }
    }
    return values;
  }

  async function refresh(): Promise<Map<SecretName, string>> {
    try {
      const values = await fetchAll();
      cache = { values, fetchedAt: now() };
      return values;
    } catch (error) {
      const age = cache ? now() - cache.fetchedAt : Infinity;
      if (cache && age <= maxStaleMs) {
        log.warn("SSM unavailable; serving cached secrets", { ageSeconds: Math.round(age / 1000), error });
        return cache.values;
      }
      throw new SecretsUnavailableError(
        `cannot read secrets from SSM (${(error as Error).name}: ${(error as Error).message})`,
      );
    }
  }

  return {
    async get(name) {
      if (!names.includes(name)) throw new Error(`secret "${name}" was not declared for this function`);
      if (cache && now() - cache.fetchedAt < ttlMs) return cache.values.get(name);
      inFlight ??= refresh().finally(() => { inFlight = undefined; });
      return (await inFlight).get(name);
    },
  };
}
