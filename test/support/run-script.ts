/**
 * Runs an operator script (scripts/<name>.ts) the way `npm run <name>` does — a child Node process, TypeScript
 * through tsx, from the repository root — for the tests of its entry point.
 *
 * Asynchronous, because the local endpoints the script talks to (SSM, SQS, the SwitchBot simulator) live in the
 * test's process and must keep answering while it runs. `node --import tsx` rather than the tsx CLI: no stdin relay
 * sits between the test and the script, so the EOF after `input` arrives; and a kill timer ends a script that still
 * hangs, so no script can wedge the suite.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ScriptRun {
  /** Exit code; null when the kill timer (or a signal) ended it. */
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ScriptOptions {
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

export function runScript(script: string, args: readonly string[], options: ScriptOptions = {}): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", `scripts/${script}.ts`, ...args], { cwd: ROOT, env: options.env ?? process.env });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}
