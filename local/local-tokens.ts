/**
 * The local stack's tokens: from the environment (INGEST_TOKEN, READ_TOKEN) or generated once and kept in
 * .local/tokens.json (mode 0600), so a Prometheus agent or Telegraf configured against `npm start` keeps working
 * across restarts. Only their hashes go into the (local) SSM parameters, exactly as in AWS.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateToken } from "@ampgate/core/auth/token-hash";

export interface LocalTokens {
  ingestToken: string;
  readToken: string;
  webhookPathSecret: string;
  /** Which of them were generated (and should be printed). */
  generated: Array<"ingestToken" | "readToken">;
}

export function localTokens(dataDir: string, env: NodeJS.ProcessEnv = process.env): LocalTokens {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "tokens.json");
  const saved: Partial<LocalTokens> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const generated: LocalTokens["generated"] = [];
  const pick = (key: "ingestToken" | "readToken", fromEnv: string | undefined) => {
    if (fromEnv) return fromEnv;
    if (saved[key]) return saved[key];
    generated.push(key);
    return generateToken();
  };
  const tokens: LocalTokens = {
    ingestToken: pick("ingestToken", env.INGEST_TOKEN),
    readToken: pick("readToken", env.READ_TOKEN),
    webhookPathSecret: saved.webhookPathSecret ?? generateToken().slice(3),
    generated,
  };
  const { generated: _, ...persisted } = tokens;
  writeFileSync(file, JSON.stringify({
    ...persisted,
    // Only generated values are persisted; values from the environment stay in the environment.
    ingestToken: env.INGEST_TOKEN ? saved.ingestToken : tokens.ingestToken,
    readToken: env.READ_TOKEN ? saved.readToken : tokens.readToken,
  }, null, 2), { mode: 0o600 });
  return tokens;
}
