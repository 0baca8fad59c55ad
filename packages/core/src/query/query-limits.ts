/**
 * Guard rails of the query function, each with a clear message (issue #4 item 3):
 * - range: `end - start` of a range query (the cost of a query grows with it; AMP keeps 150 days by default);
 * - points: Prometheus's own rule, `(end - start) / step > 11000` is refused (web/api/v1/api.go), so a dashboard
 *   sees the same error it would get from Prometheus;
 * - response size: what AMP may send us (decoded) and what a Lambda may return (6 MB, base64 included);
 * - time: every AMP call ends inside the Lambda's deadline, and AMP is told the same budget (`timeout=`).
 */
import { badData, queryTimeout } from "./prometheus-errors";
import { describeDuration } from "./prometheus-time";

export interface QueryLimits {
  maxRangeMs: number;
  maxPointsPerSeries: number;
  /** Largest decoded JSON body accepted from AMP. */
  maxResponseBytes: number;
  /** Largest response the function returns, as API Gateway receives it from Lambda (after gzip/base64). */
  maxWireBytes: number;
  /** Upper bound for one AMP call; the Lambda's remaining time lowers it further. */
  timeoutMs: number;
  /** AMP's `max_samples_processed_error_threshold` (query cost cap), when set. */
  maxSamplesProcessed?: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxRangeMs: 150 * 86_400_000,
  maxPointsPerSeries: 11_000,
  maxResponseBytes: 32 * 1024 * 1024,
  // Lambda's synchronous response limit is 6 MiB for the whole JSON result; keep room for headers and framing.
  maxWireBytes: 6_000_000,
  timeoutMs: 25_000,
};

/** Kept back from the deadline to turn AMP's answer (or a timeout) into a response. */
const RESPONSE_BUILD_MS = 300;

/** Environment variables that tune the limits; unset means the default. */
const QUERY_LIMIT_ENV = {
  maxRangeDays: "QUERY_MAX_RANGE_DAYS",
  maxResponseBytes: "QUERY_MAX_RESPONSE_BYTES",
  timeoutSeconds: "QUERY_TIMEOUT_SECONDS",
  maxSamplesProcessed: "QUERY_MAX_SAMPLES_PROCESSED",
} as const;

export function queryLimitsFromEnv(env: Record<string, string | undefined>): QueryLimits {
  const positive = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
    return value;
  };
  const days = positive(QUERY_LIMIT_ENV.maxRangeDays);
  const bytes = positive(QUERY_LIMIT_ENV.maxResponseBytes);
  const seconds = positive(QUERY_LIMIT_ENV.timeoutSeconds);
  const samples = positive(QUERY_LIMIT_ENV.maxSamplesProcessed);
  return {
    ...DEFAULT_QUERY_LIMITS,
    ...(days === undefined ? {} : { maxRangeMs: days * 86_400_000 }),
    ...(bytes === undefined ? {} : { maxResponseBytes: Math.floor(bytes) }),
    ...(seconds === undefined ? {} : { timeoutMs: seconds * 1000 }),
    ...(samples === undefined ? {} : { maxSamplesProcessed: Math.floor(samples) }),
  };
}

/** The checks Prometheus makes on query_range parameters, plus our range cap. */
export function checkRangeQuery(startMs: number, endMs: number, stepMs: number, limits: QueryLimits): void {
  if (endMs < startMs) throw badData("invalid parameter \"end\": end timestamp must not be before start time");
  if (stepMs <= 0) throw badData("zero or negative query resolution step widths are not accepted. Try a positive integer");
  if (endMs - startMs > limits.maxRangeMs) {
    throw badData(`the time range ${describeDuration(endMs - startMs)} is longer than this API's limit of ${describeDuration(limits.maxRangeMs)}; choose a shorter range`);
  }
  if (Math.floor((endMs - startMs) / stepMs) > limits.maxPointsPerSeries) {
    const minStep = Math.ceil((endMs - startMs) / limits.maxPointsPerSeries / 1000);
    throw badData(`exceeded maximum resolution of ${limits.maxPointsPerSeries.toLocaleString("en")} points per timeseries. Try decreasing the query resolution (?step=${minStep} or more)`);
  }
}

/** Milliseconds one AMP call may take now; refuses to start one that could not finish inside the deadline. */
export function upstreamTimeoutMs(deadline: number, now: number, limits: QueryLimits): number {
  const remaining = deadline - now - RESPONSE_BUILD_MS;
  if (remaining < 500) throw queryTimeout("the query function ran out of time before asking AMP; retry with a smaller query");
  return Math.min(limits.timeoutMs, remaining);
}
