/**
 * Structured JSON logs: one JSON object per line on stdout (CloudWatch Logs keeps each line as an event).
 *
 *   const log = createLogger({ fields: { fn: "ingest" } });
 *   log.info("request", { token: "pi-livingroom", series: 12, status: 204 });
 *   // {"time":"2026-…","level":"info","msg":"request","fn":"ingest","token":"pi-livingroom",…}
 *
 * Secrets never belong in fields; as a second line of defence every secret value loaded by the secrets module
 * is registered here and replaced by "[redacted]" in any line that would contain it.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  readonly level: LogLevel;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

type Sink = (line: string) => void;
let sink: Sink = (line) => process.stdout.write(line + "\n");

/** Replace where log lines go (tests capture them; the local runner prefixes them). Returns the previous sink. */
export function setLogSink(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

const secrets = new Set<string>();

/** Register a secret value so it can never appear in a log line. Values shorter than 6 characters are ignored. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) secrets.add(value);
}

function redact(line: string): string {
  for (const secret of secrets) {
    if (line.includes(secret)) line = line.split(secret).join("[redacted]");
  }
  return line;
}

function parseLevel(value: string | undefined): LogLevel {
  const normalised = value?.toLowerCase();
  return normalised && normalised in LEVELS ? (normalised as LogLevel) : "info";
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === "bigint") return value.toString();
  return value;
}

export function createLogger(options: { level?: LogLevel; fields?: LogFields } = {}): Logger {
  const level = options.level ?? parseLevel(process.env.LOG_LEVEL);
  const base = options.fields ?? {};
  const threshold = LEVELS[level];
  const write = (lvl: LogLevel, msg: string, fields?: LogFields) => {
    if (LEVELS[lvl] < threshold) return;
    const record: LogFields = { time: new Date().toISOString(), level: lvl, msg, ...base };
    if (fields) for (const [key, value] of Object.entries(fields)) record[key] = serialise(value);
    sink(redact(JSON.stringify(record)));
  };
  return {
    level,
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger({ level, fields: { ...base, ...fields } }),
  };
}
