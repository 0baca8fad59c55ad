/**
 * A real Prometheus (Debian's `prometheus` 2.42) as a child process: the store behind the local AMP stand-in,
 * and, in agent mode, a real remote-write client for tests.
 *
 *   const prom = await startPrometheus({ mode: "server", dataDir: ".local/prometheus" });
 *   await fetch(`${prom.url}/api/v1/query?query=up`);
 *   await prom.stop();
 *
 * Children are killed when this process exits or is ended by SIGTERM/SIGHUP, so nothing is left running (only a
 * SIGKILL of this process can orphan them).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "./free-port";

export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? "/usr/bin/prometheus";

export interface PrometheusOptions {
  /** `server` stores and answers queries (remote-write receiver on); `agent` scrapes and remote-writes only. */
  mode: "server" | "agent";
  /** prometheus.yml contents. Default: no scrape jobs. */
  config?: string;
  /** Where TSDB/WAL data lives; a fresh temp dir by default. */
  dataDir?: string;
  port?: number;
  extraArgs?: string[];
  /** Receives Prometheus's own log lines (logfmt on stderr). Default: dropped unless PROMETHEUS_LOG=1. */
  onLog?: (line: string) => void;
}

export interface PrometheusProcess {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
const killRunning = () => {
  for (const child of running) child.kill("SIGKILL");
};
process.once("exit", killRunning);
// A signal's default action ends the process without "exit" handlers (a test worker killed because the run's
// output pipe closed, `kill <pid>`). Unless the program handles the signal itself (local/start.ts shuts down
// gracefully), kill the children and let the signal take its default course.
for (const signal of ["SIGTERM", "SIGHUP"] as const) {
  process.on(signal, function killThenDie() {
    if (process.listenerCount(signal) > 1) return;
    killRunning();
    process.removeListener(signal, killThenDie);
    process.kill(process.pid, signal);
  });
}

export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusProcess> {
  const dataDir = resolve(options.dataDir ?? mkdtempSync(join(tmpdir(), `ampgate-prom-${options.mode}-`)));
  mkdirSync(dataDir, { recursive: true });
  const configPath = join(dataDir, "prometheus.yml");
  writeFileSync(configPath, options.config ?? "global:\n  scrape_interval: 15s\n");
  const port = options.port ?? (await freePort());
  const args = [
    `--config.file=${configPath}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--web.enable-remote-write-receiver",
    "--web.enable-lifecycle",
    ...(options.mode === "agent"
      ? ["--enable-feature=agent", `--storage.agent.path=${join(dataDir, "wal")}`]
      : [`--storage.tsdb.path=${join(dataDir, "tsdb")}`]),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(PROMETHEUS_BINARY, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const exited = new Promise<void>((done) => child.once("exit", () => { running.delete(child); done(); }));
  const onLog = options.onLog ?? (process.env.PROMETHEUS_LOG === "1" ? (line: string) => process.stderr.write(`[prometheus] ${line}\n`) : undefined);
  const recent: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line) continue;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      onLog?.(line);
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let spawnError: Error | undefined;
  child.once("error", (error) => { spawnError = error; });

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (spawnError) {
      throw new Error(`could not start ${PROMETHEUS_BINARY}: ${spawnError.message} (install the Debian package "prometheus")`);
    }
    if (child.exitCode !== null) {
      throw new Error(`prometheus exited with code ${child.exitCode}:\n${recent.join("\n")}`);
    }
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready within 30 s:\n${recent.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, port, dataDir, child, stop };
}
