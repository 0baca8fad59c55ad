/** Secrets from a plain map: unit tests, and tools that already hold the values. */
import { registerSecret } from "../log/logger";
import type { SecretName, SecretSource } from "./secret-source";

export function createStaticSecretSource(values: Partial<Record<SecretName, string>>): SecretSource {
  for (const value of Object.values(values)) registerSecret(value);
  return { get: async (name) => values[name] };
}
