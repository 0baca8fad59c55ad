/**
 * The real dependencies of the handlers, built once per Lambda container from environment variables
 * (set by infra/ in AWS and by local/stack.ts locally). Nothing here decides anything; it only wires.
 *
 * | Variable                   | Meaning                                                                 |
 * |----------------------------|-------------------------------------------------------------------------|
 * | AMP_ENDPOINT               | AMP workspace URL (`https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>`) |
 * | AWS_REGION                 | set by Lambda; the signing region for a loopback AMP_ENDPOINT           |
 * | AMPGATE_SECRETS_PREFIX     | SSM parameter prefix, `/ampgate/<stage>/`                               |
 * | AMPGATE_SSM_ENDPOINT       | local only: the local SSM-compatible endpoint                           |
 * | SECRET_CACHE_TTL_SECONDS   | how long secrets are cached (default 60): rotation takes effect within it |
 * | LOG_LEVEL                  | debug, info (default), warn, error                                      |
 * | AMPGATE_SELF_METRICS_INTERVAL_SECONDS | least time between self-metrics flushes (default 60; 0; off) — self-metrics.ts |
 */
import { createAmpHttpClient, type AmpHttpClient } from "@ampgate/core/amp/signed-client";
import { createSigV4Signer } from "@ampgate/core/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "@ampgate/core/amp/workspace-endpoint";
import type { SecretName, SecretSource } from "@ampgate/core/secrets/secret-source";
import { createSsmSecretSource } from "@ampgate/core/secrets/ssm-secret-source";

export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`environment variable ${name} is not set`);
  return value;
}

let ampClient: AmpHttpClient | undefined;

/** The signed client for the configured AMP workspace (one per container: credentials are cached inside). */
export function ampHttpClient(): AmpHttpClient {
  if (!ampClient) {
    const endpoint = parseWorkspaceEndpoint(requiredEnv("AMP_ENDPOINT"), { region: process.env.AWS_REGION });
    ampClient = createAmpHttpClient({ endpoint, signer: createSigV4Signer({ region: endpoint.region }) });
  }
  return ampClient;
}

const secretSources = new Map<string, SecretSource>();

/** SSM-backed secrets for exactly the parameters this function reads (IAM grants no others). */
export function secrets(names: readonly SecretName[]): SecretSource {
  const key = [...names].sort().join(",");
  let source = secretSources.get(key);
  if (!source) {
    const ttl = Number(process.env.SECRET_CACHE_TTL_SECONDS ?? "60");
    source = createSsmSecretSource({
      prefix: requiredEnv("AMPGATE_SECRETS_PREFIX"),
      names,
      ttlMs: (Number.isFinite(ttl) && ttl >= 0 ? ttl : 60) * 1000,
      ...(process.env.AMPGATE_SSM_ENDPOINT ? { endpoint: process.env.AMPGATE_SSM_ENDPOINT } : {}),
    });
    secretSources.set(key, source);
  }
  return source;
}
