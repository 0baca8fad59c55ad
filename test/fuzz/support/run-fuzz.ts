/**
 * Runs a fuzz job in a child process (fuzz-child.ts) under a watchdog and a memory cap, so that the three failures
 * a test runner cannot survive in-process are still caught and reported with the input that caused them:
 * - a hang (a synchronous loop never returns to the event loop): no progress for `hangMs` → SIGKILL;
 * - memory exhaustion: V8's heap is capped (`--max-old-space-size`), and the child's peak RSS is reported;
 * - a crash of the process itself.
 * Every failing input is saved under test/fuzz/corpus/<target>/ (named by content hash), to be replayed by
 * corpus.test.ts from then on.
 */
import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildJob, ChildReport } from "./fuzz-child";

export const CORPUS_DIR = fileURLToPath(new URL("../corpus/", import.meta.url));
const CHILD = fileURLToPath(new URL("./fuzz-child.ts", import.meta.url));
const EMPTY_REPORT: ChildReport = { tried: 0, validTried: 0, maxInputMs: 0, rssStartMb: 0, rssAfterFuzzMb: 0, rssPeakMb: 0 };

export interface RunOptions {
  /** No progress report for this long = a hang. */
  hangMs?: number;
  /** V8 old-space cap of the child, MiB: the ingest Lambda has 512 MB in all. */
  heapMb?: number;
  perInputMs?: number;
  perLargeInputMs?: number;
}

export interface FuzzResult extends ChildReport {
  /** How the child ended when it did not report: hang, signal or exit code. */
  died?: string;
  /** Where the failing input was saved. */
  savedAs?: string;
}

export async function runFuzzJob(job: Omit<ChildJob, "inputFile" | "perInputMs" | "perLargeInputMs">, options: RunOptions = {}): Promise<FuzzResult> {
  const scratch = mkdtempSync(join(tmpdir(), "ampgate-fuzz-"));
  const inputFile = join(scratch, "current-input");
  const full: ChildJob = { ...job, inputFile, perInputMs: options.perInputMs ?? 2_000, perLargeInputMs: options.perLargeInputMs ?? 15_000 };
  const hangMs = options.hangMs ?? 20_000;
  const child = fork(CHILD, [JSON.stringify(full)], {
    execArgv: ["--import", "tsx", `--max-old-space-size=${options.heapMb ?? 512}`],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const result = await new Promise<FuzzResult>((resolve) => {
      let report: FuzzResult | undefined;
      let watchdog = setTimeout(onHang, hangMs);
      function onHang() {
        report = { ...EMPTY_REPORT, died: `no progress for ${hangMs} ms (hang)` };
        child.kill("SIGKILL");
      }
      child.on("message", (message: { type: string; report?: ChildReport; message?: string }) => {
        clearTimeout(watchdog);
        watchdog = setTimeout(onHang, hangMs);
        if (message.type === "done") report = message.report!;
        if (message.type === "error") report = { ...EMPTY_REPORT, died: `child failed: ${message.message}` };
      });
      child.on("exit", (code, signal) => {
        clearTimeout(watchdog);
        resolve(report ?? { ...EMPTY_REPORT, died: `child exited (${signal ?? `code ${code}`}) without a report — out of memory?` });
      });
    });
    // A dead child's last input is the culprit; a reported failure carries its (shrunk) input.
    const culprit = result.failure?.input ? Buffer.from(result.failure.input, "base64") : result.died && existsSync(inputFile) ? readFileSync(inputFile) : undefined;
    if (culprit && (result.failure || result.died) && job.mode === "fuzz") result.savedAs = saveCrasher(job.target, culprit);
    return result;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(scratch, { recursive: true, force: true });
  }
}

function saveCrasher(target: string, input: Uint8Array): string {
  const file = join(CORPUS_DIR, target, `${createHash("sha256").update(input).digest("hex").slice(0, 16)}.bin`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, input);
  return file;
}
