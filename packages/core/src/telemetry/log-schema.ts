/**
 * The log schema of docs/logs.md as valibot schemas: what every line has, and the one request line each function
 * writes per request or invocation. Tests parse captured lines with these, so the document, the code that
 * writes the lines and the queries operators save in CloudWatch Logs Insights cannot drift apart.
 *
 * Stability: fields listed here keep their name and type; new optional fields may be added. Lines that are not
 * request lines (retries, warnings, debug) share the envelope and are free-form beyond it.
 */
import * as v from "valibot";

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const milliseconds = v.pipe(v.number(), v.minValue(0));
const httpStatus = v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599));
const text = v.pipe(v.string(), v.minLength(1));
const isoTime = v.pipe(v.string(), v.isoTimestamp());

/** Fields of every line. */
const ENVELOPE = {
  time: isoTime,
  level: v.picklist(["debug", "info", "warn", "error"]),
  msg: text,
  /** The Lambda that wrote the line; shared components without one (the SSM secret cache) set `component`. */
  fn: v.optional(v.picklist(["ingest", "query", "poll", "webhook"])),
  component: v.optional(text),
  /** Every line written while handling a request or invocation. */
  requestId: v.optional(text),
};

const LOG_LINE = v.pipe(
  v.looseObject(ENVELOPE),
  v.check((line) => line.fn !== undefined || line.component !== undefined, "a line names its fn or its component"),
);

/** Present on every request line. */
const REQUEST = { ...ENVELOPE, requestId: text, durationMs: milliseconds };

/**
 * When the answer is an error, the line says why: the stable `reason` code and the one-line message — or, for a
 * partial write (the rest was written), how many items were rejected.
 */
const explainsErrors = <L extends { status: number; reason?: string; error?: string; rejectedItems?: number }>(line: L) =>
  line.status < 400 || (line.reason !== undefined && line.error !== undefined) || (line.rejectedItems ?? 0) > 0;

export const PUSH_LINE = v.pipe(
  v.looseObject({
    ...REQUEST,
    fn: v.literal("ingest"),
    msg: v.literal("push"),
    route: text,
    format: text,
    bytes: count,
    status: httpStatus,
    /** The ingest token's name (never the token). */
    token: v.optional(text),
    series: v.optional(count),
    samples: v.optional(count),
    histograms: v.optional(count),
    exemplars: v.optional(count),
    rejectedItems: v.optional(count),
    ampStatus: v.optional(httpStatus),
    ampAttempts: v.optional(count),
    /** AMP's `x-amzn-requestid` of every request that carried this batch, in order. */
    ampRequestIds: v.optional(v.array(text)),
    reason: v.optional(text),
    error: v.optional(text),
    cause: v.optional(text),
  }),
  v.check(explainsErrors, "an error answer has reason and error"),
);

export const QUERY_LINE = v.looseObject({
  ...REQUEST,
  fn: v.literal("query"),
  msg: v.literal("query"),
  endpoint: text,
  status: httpStatus,
  token: v.optional(text),
  ampMs: v.optional(milliseconds),
  bytes: v.optional(count),
  error: v.optional(v.string()),
});

export const WEBHOOK_LINE = v.pipe(
  v.looseObject({
    ...REQUEST,
    fn: v.literal("webhook"),
    msg: v.picklist(["webhook delivery", "webhook delivery refused"]),
    status: httpStatus,
    deviceId: v.optional(text),
    readings: v.optional(count),
    reason: v.optional(text),
    error: v.optional(text),
  }),
  v.check(explainsErrors, "an error answer has reason and error"),
);

export const POLL_LINE = v.looseObject({
  ...REQUEST,
  fn: v.literal("poll"),
  msg: v.literal("poll"),
  scheduledTime: isoTime,
  outcome: v.picklist(["ok", "failed"]),
  action: v.optional(v.picklist(["polled", "flush_only", "too_old"])),
  written: v.optional(count),
  dropped: v.optional(count),
  pending: v.optional(count),
  error: v.optional(text),
});

/** The request line of each function, by `msg`. */
const REQUEST_LINES = {
  push: PUSH_LINE,
  query: QUERY_LINE,
  "webhook delivery": WEBHOOK_LINE,
  "webhook delivery refused": WEBHOOK_LINE,
  poll: POLL_LINE,
} as const;

export type LogLineCheck = { ok: true; line: Record<string, unknown>; requestLine: boolean } | { ok: false; problems: string[] };

/** Parses one line and checks it against the envelope and, for a request line, its function's schema. */
export function checkLogLine(raw: string): LogLineCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, problems: ["not JSON"] };
  }
  const envelope = v.safeParse(LOG_LINE, parsed);
  if (!envelope.success) return { ok: false, problems: envelope.issues.map(describeIssue) };
  const schema = (REQUEST_LINES as Record<string, (typeof REQUEST_LINES)[keyof typeof REQUEST_LINES]>)[envelope.output.msg];
  if (!schema) return { ok: true, line: envelope.output, requestLine: false };
  const request = v.safeParse(schema, parsed);
  return request.success ? { ok: true, line: envelope.output, requestLine: true } : { ok: false, problems: request.issues.map(describeIssue) };
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue);
  return path ? `${path}: ${issue.message}` : issue.message;
}
