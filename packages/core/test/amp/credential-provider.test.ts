/**
 * defaultCredentialProvider (amp/sigv4-signer.ts): the environment's credentials in Lambda, the SDK's full Node chain
 * elsewhere. Told apart with a shared-credentials file that only the chain reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultCredentialProvider } from "../../src/amp/sigv4-signer";

const VARIABLES = [
  "AWS_LAMBDA_FUNCTION_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
  "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED",
] as const;
const saved: Partial<Record<(typeof VARIABLES)[number], string>> = {};
let dir: string;

beforeEach(() => {
  for (const name of VARIABLES) {
    if (process.env[name] !== undefined) saved[name] = process.env[name];
    delete process.env[name];
  }
  dir = mkdtempSync(join(tmpdir(), "ampgate-credentials-"));
  // A profile only the full chain reads (its ini source), and no metadata service to wait for.
  writeFileSync(join(dir, "credentials"), "[bench]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = profile-secret\n");
  writeFileSync(join(dir, "config"), "");
  Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWS_CONFIG_FILE: join(dir, "config"), AWS_PROFILE: "bench", AWS_EC2_METADATA_DISABLED: "true" });
});

afterEach(() => {
  for (const name of VARIABLES) delete process.env[name];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

describe("defaultCredentialProvider", () => {
  it("in Lambda, signs with the role's credentials from the environment, session token included", async () => {
    Object.assign(process.env, {
      AWS_LAMBDA_FUNCTION_NAME: "ampgate-prod-ingest",
      AWS_ACCESS_KEY_ID: "ASIAFROMLAMBDA",
      AWS_SECRET_ACCESS_KEY: "lambda-secret",
      AWS_SESSION_TOKEN: "lambda-session-token",
    });
    expect(await defaultCredentialProvider()()).toMatchObject({
      accessKeyId: "ASIAFROMLAMBDA", secretAccessKey: "lambda-secret", sessionToken: "lambda-session-token",
    });
  });

  it("outside Lambda, uses the SDK's full chain: here the profile, which the environment provider cannot read", async () => {
    expect(await defaultCredentialProvider()()).toMatchObject({ accessKeyId: "AKIDFROMPROFILE", secretAccessKey: "profile-secret" });
  });

  it("in Lambda without credentials in the environment (not a real Lambda), falls back to the chain", async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = "ampgate-local-ingest";
    expect(await defaultCredentialProvider()()).toMatchObject({ accessKeyId: "AKIDFROMPROFILE" });
  });
});
