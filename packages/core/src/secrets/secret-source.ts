/**
 * Where functions read their secrets. In AWS: SSM Parameter Store SecureStrings under `/ampgate/<stage>/`
 * (`ssm-secret-source.ts`). Locally: the same SSM code against the local runner's SSM-compatible endpoint, or
 * plain values for unit tests (`static-secret-source.ts`).
 *
 * Every value read is registered with the logger's redaction list before it is returned.
 */

/** The parameters ampgate reads; the SSM parameter name is `<prefix><name>`, e.g. `/ampgate/prod/ingest-tokens`. */
export const SECRET_NAMES = [
  "ingest-tokens",
  "read-tokens",
  "switchbot-token",
  "switchbot-secret",
  "webhook-path-secret",
] as const;

export type SecretName = (typeof SECRET_NAMES)[number];

export interface SecretSource {
  /** The current value, or undefined when the parameter does not exist. Cached by implementations. */
  get(name: SecretName): Promise<string | undefined>;
}
