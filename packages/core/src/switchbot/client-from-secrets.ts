/**
 * The SwitchBot client, built from the token and secret in the secret source (SSM SecureStrings in AWS) and
 * rebuilt when either is rotated, so a new token takes effect within the secret cache's TTL without a deploy.
 * The secret source registers both values with the logger's redaction when it loads them.
 */
import type { SecretSource } from "../secrets/secret-source";
import { createSwitchBotClient, type SwitchBotClient, type SwitchBotClientOptions } from "./client";

export class SwitchBotCredentialsMissing extends Error {
  override readonly name = "SwitchBotCredentialsMissing";
}

export function switchBotClientFromSecrets(
  secrets: SecretSource,
  options: Omit<SwitchBotClientOptions, "token" | "secret">,
): () => Promise<SwitchBotClient> {
  let built: { token: string; secret: string; client: SwitchBotClient } | undefined;
  return async () => {
    const [token, secret] = await Promise.all([secrets.get("switchbot-token"), secrets.get("switchbot-secret")]);
    if (!token || !secret) {
      throw new SwitchBotCredentialsMissing(
        "the SwitchBot token and secret are not configured (SSM parameters switchbot-token and switchbot-secret)",
      );
    }
    if (built?.token !== token || built.secret !== secret) {
      built = { token, secret, client: createSwitchBotClient({ ...options, token, secret }) };
    }
    return built.client;
  };
}
