/**
 * Everything a process writes — structured log lines through the logger's sink, and anything else on stdout,
 * stderr or the console — captured, then searched for secret values.
 *
 *   const capture = captureOutput();  …traffic…  capture.stop();
 *   const findings = scanForSecrets(capture.lines, { "ingest token": token, … });
 */
import { setLogSink } from "@ampgate/core/log/logger";

export interface OutputCapture {
  readonly lines: string[];
  stop(): void;
}

export function captureOutput(): OutputCapture {
  const lines: string[] = [];
  const previousSink = setLogSink((line) => lines.push(line));
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tap = (chunk: unknown) => void lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => (tap(chunk), writes.out(chunk as string, ...(rest as [])))) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => (tap(chunk), writes.err(chunk as string, ...(rest as [])))) as typeof process.stderr.write;
  const consoleMethods = ["log", "info", "warn", "error", "debug"] as const;
  const originals = consoleMethods.map((name) => console[name]);
  for (const name of consoleMethods) console[name] = (...args: unknown[]) => void lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  return {
    lines,
    stop() {
      setLogSink(previousSink);
      process.stdout.write = writes.out as typeof process.stdout.write;
      process.stderr.write = writes.err as typeof process.stderr.write;
      consoleMethods.forEach((name, i) => (console[name] = originals[i]!));
    },
  };
}

export interface SecretFinding {
  secret: string;
  line: string;
}

/**
 * Every line containing a secret value — as written, lower-cased (hex) and upper-cased (base64 signatures
 * compared case-insensitively), JSON-escaped, and URL-encoded (a token in a logged query string).
 */
export function scanForSecrets(lines: readonly string[], secrets: Readonly<Record<string, string>>): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const forms = Object.entries(secrets)
    .filter(([, value]) => value.length >= 8)
    .map(([name, value]) => ({ name, forms: [...new Set([value, value.toLowerCase(), value.toUpperCase(), JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])] }));
  for (const line of lines) {
    for (const { name, forms: variants } of forms) {
      if (variants.some((variant) => line.includes(variant))) findings.push({ secret: name, line: line.slice(0, 300) });
    }
  }
  return findings;
}
