/**
 * The local stack as the integration suites run it: on a free port, with its Prometheus data and tokens in a fresh
 * temporary directory so that no test sees another's series (or a developer's `.local/`).
 *
 *   const stack = await startTestStack("contract", { env: { INGEST_TOKEN } });
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalStack, type LocalStack, type LocalStackOptions } from "../../local/stack";

/** A fresh directory `/tmp/ampgate-<name>-XXXXXX`. */
export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `ampgate-${name}-`));
}

export function startTestStack(name: string, options: Omit<LocalStackOptions, "port" | "dataDir"> = {}): Promise<LocalStack> {
  return startLocalStack({ ...options, port: 0, dataDir: tempDir(name) });
}
