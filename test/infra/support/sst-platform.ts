/**
 * Makes `.sst/platform` — SST's component sources, their type declarations and their npm dependencies — exist
 * in a fresh clone, without AWS and without SST's bundled bun:
 *
 *   SST_NO_BUN=1 SST_SKIP_DEPENDENCY_CHECK=1 sst install --stage <any>
 *
 * - `sst install` copies the platform out of the `sst` binary (node_modules/sst-linux-*), writes its
 *   package.json with the provider versions of sst.config.ts, installs dependencies and writes
 *   `.sst/platform/config.d.ts` (the globals `sst`, `aws`, `$app`, `$config`, …).
 * - SST_SKIP_DEPENDENCY_CHECK skips downloading bun and pulumi into ~/.config/sst (not needed to evaluate the
 *   program under mocks, and not reachable here).
 * - Its dependency step runs bun, which that skip leaves absent ("fork/exec …/bun: no such file"); SST_NO_BUN
 *   makes the same step run `npm install` in .sst/platform instead (pkg/project/install.go, `fetchDeps`).
 *   The npm registry is the only network it needs (also for resolving the provider package's version).
 *
 * Idempotent and shared between test files: a stamp records the SST version and sst.config.ts it was prepared
 * for; a lock directory keeps two vitest workers from installing at once.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const PLATFORM_DIR = join(ROOT, ".sst", "platform");
const STAMP = join(PLATFORM_DIR, ".ampgate-prepared");
const LOCK = join(ROOT, ".sst", ".ampgate-platform.lock");
const INSTALL_DEADLINE_MS = 10 * 60_000;

function sstVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, "node_modules", "sst", "package.json"), "utf8")) as { version: string }).version;
}

/**
 * What the platform was prepared for: a different SST or provider version means preparing again. The provider
 * version is sst.config.ts's AWS_PROVIDER_VERSION; if that constant ever goes, any change to the file counts.
 */
function wantedStamp(): string {
  const config = readFileSync(join(ROOT, "sst.config.ts"), "utf8");
  const provider = /AWS_PROVIDER_VERSION = "([^"]+)"/.exec(config)?.[1] ?? createHash("sha256").update(config).digest("hex");
  return `sst ${sstVersion()} aws ${provider}`;
}

function isPrepared(): boolean {
  return existsSync(STAMP) && readFileSync(STAMP, "utf8") === wantedStamp() &&
    existsSync(join(PLATFORM_DIR, "config.d.ts")) && existsSync(join(PLATFORM_DIR, "node_modules", "@pulumi", "pulumi"));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tryLock(): boolean {
  mkdirSync(dirname(LOCK), { recursive: true });
  try {
    mkdirSync(LOCK);
    writeFileSync(join(LOCK, "pid"), String(process.pid));
    return true;
  } catch {
    // A lock left by a process that died (Ctrl-C mid-install) is taken over.
    const owner = Number(existsSync(join(LOCK, "pid")) ? readFileSync(join(LOCK, "pid"), "utf8") : "0");
    if (owner > 0 && !processAlive(owner)) {
      rmSync(LOCK, { recursive: true, force: true });
      return tryLock();
    }
    return false;
  }
}

function runSstInstall(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "node_modules", "sst", "bin", "sst.mjs"), "install", "--stage", "infra-test"], {
      cwd: ROOT,
      env: {
        ...process.env,
        SST_NO_BUN: "1",
        SST_SKIP_DEPENDENCY_CHECK: "1",
        SST_TELEMETRY_DISABLED: "1",
        npm_config_audit: "false",
        npm_config_fund: "false",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on("data", (chunk: Buffer) => { output += chunk.toString(); });
    const timer = setTimeout(() => child.kill("SIGTERM"), INSTALL_DEADLINE_MS);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`sst install failed (${signal ?? `exit ${code}`}); output:\n${output.slice(-4000)}`));
    });
  });
}

export interface PlatformPreparation {
  /** False when an earlier run had already prepared it. */
  installed: boolean;
  ms: number;
}

export async function ensureSstPlatform(): Promise<PlatformPreparation> {
  const started = Date.now();
  if (isPrepared()) return { installed: false, ms: Date.now() - started };
  const deadline = started + INSTALL_DEADLINE_MS;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for another process to prepare ${PLATFORM_DIR} (lock ${LOCK})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  try {
    if (isPrepared()) return { installed: false, ms: Date.now() - started };
    await runSstInstall();
    writeFileSync(STAMP, wantedStamp());
    return { installed: true, ms: Date.now() - started };
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

// `tsx test/infra/support/sst-platform.ts` prepares it by hand (and prints how long it took).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await ensureSstPlatform();
  process.stdout.write(`${PLATFORM_DIR}: ${result.installed ? "installed" : "already prepared"} in ${(result.ms / 1000).toFixed(1)} s\n`);
}
