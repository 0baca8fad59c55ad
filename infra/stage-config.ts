import { parseTariff } from "@ampgate/core/query/energy/tariff";
import { pollConfigFromEnv } from "@ampgate/core/switchbot/poll-config";
import { selfMetricsIntervalMs } from "@ampgate/core/telemetry/self-metrics-config";

/**
 * Per-stage settings of the deployed stack, read from environment variables when `sst deploy` evaluates the
 * program. SST loads `.env` and `.env.<stage>` next to sst.config.ts into the environment first, so a stage's
 * settings live in `.env.prod`, `.env.dev`, … (none of them secret: secrets go to SSM through `npm run secrets`).
 *
 * Pure: no SST globals, so the rules are unit-tested without the platform (test/infra/stage-config.test.ts).
 * A bad value stops the deploy with a one-line message naming the variable, before anything is created.
 */

/**
 * Log retention choices in days, spelled as SST's `RETENTION` table spells them
 * (.sst/platform/src/components/aws/logging.ts), so the same words configure SST's access log and our log groups.
 */
export const LOG_RETENTION_DAYS = {
  "1 day": 1, "3 days": 3, "5 days": 5, "1 week": 7, "2 weeks": 14, "1 month": 30, "2 months": 60,
  "3 months": 90, "6 months": 180, "1 year": 365, "13 months": 400, "18 months": 545, "2 years": 731,
} as const;
export type LogRetention = keyof typeof LOG_RETENTION_DAYS;
const LOG_RETENTIONS = Object.keys(LOG_RETENTION_DAYS) as LogRetention[];

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where AMP data goes: a workspace this stack creates, or one the user already has. */
export type WorkspaceChoice =
  | { mode: "create"; retentionDays: number; outOfOrderWindowSeconds: number }
  /** `region`/`accountId` are known only when the user gave an ARN; otherwise the stack's own are used. */
  | { mode: "existing"; workspaceId: string; region?: string; accountId?: string };

export interface StageConfig {
  stage: string;
  workspace: WorkspaceChoice;
  poll: {
    enabled: boolean;
    rateMinutes: number;
    /** Lambda's own retries of a failed poll invocation (asynchronous invoke; 0–2). */
    retries: number;
    /** SWITCHBOT_* quota/concurrency tuning passed to the poll function as set (POLL_TUNING). */
    tuning: Record<string, string>;
  };
  logLevel: LogLevel;
  logRetention: LogRetention;
  accessLogRetention: LogRetention;
  secretCacheTtlSeconds: number;
  api: {
    /** Steady-state requests per second across the whole API (API Gateway stage throttling). */
    rateLimit: number;
    burstLimit: number;
    /** Extra browser origins allowed by CORS. The chart page is served by the API itself: same origin, none needed. */
    corsOrigins: string[];
  };
  /** Subscribed to the alarm topic (AWS sends a confirmation mail first). */
  alarmEmail?: string;
  /** The query function's TARIFF JSON (packages/core/src/query/energy/tariff.ts); unset = energy priced at 0. */
  tariff?: string;
  /** AMPGATE_SELF_METRICS_INTERVAL_SECONDS for every function (core telemetry/self-metrics-config.ts). */
  selfMetricsInterval?: string;
}

export class StageConfigError extends Error {
  override readonly name = "StageConfigError";
}

type Env = Record<string, string | undefined>;

/**
 * Stage names become part of resource names (`ampgate-<stage>-ingest`, 64 characters at most for Lambda) and of
 * the SSM path (`/ampgate/<stage>/…`), so they are kept short and path-safe.
 */
const STAGE_NAME = /^[a-z][a-z0-9-]{0,23}$/;

/** `ws-` ids as the AMP console shows them; the API allows `[0-9A-Za-z][-.0-9A-Z_a-z]*`. */
const WORKSPACE_ID = /^[0-9A-Za-z][-.0-9A-Z_a-z]{0,63}$/;
const WORKSPACE_ARN = /^arn:(aws|aws-cn|aws-us-gov):aps:([a-z0-9-]+):(\d{12}):workspace\/([0-9A-Za-z][-.0-9A-Z_a-z]{0,63})$/;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StageConfigError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new StageConfigError(`${name} must be one of ${choices.map((c) => JSON.stringify(c)).join(", ")}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (["on", "true", "1", "yes"].includes(raw)) return true;
  if (["off", "false", "0", "no"].includes(raw)) return false;
  throw new StageConfigError(`${name} must be on or off, got ${JSON.stringify(raw)}`);
}

/**
 * The poller's tuning variables (packages/core/src/switchbot/poll-config.ts) a stage may set. An allow-list, not
 * a `SWITCHBOT_*` prefix: SWITCHBOT_TOKEN/SECRET in a deployer's shell must never become Lambda environment.
 */
export const POLL_TUNING = [
  "SWITCHBOT_QUOTA_DAILY_LIMIT", "SWITCHBOT_QUOTA_SHARE", "SWITCHBOT_MAX_DEVICE_INTERVAL_SECONDS",
  "SWITCHBOT_DEVICE_LIST_TTL_HOURS", "SWITCHBOT_CONCURRENCY", "SWITCHBOT_TIMEOUT_MS",
] as const;

function pollTuning(env: Env, rateMinutes: number): Record<string, string> {
  const tuning: Record<string, string> = {};
  for (const name of POLL_TUNING) {
    const value = env[name]?.trim();
    if (value) tuning[name] = value;
  }
  try {
    // The poller's own parser, so a value it would refuse at run time stops the deploy instead.
    pollConfigFromEnv({ ...tuning, POLL_INTERVAL_SECONDS: String(rateMinutes * 60) });
  } catch (error) {
    throw new StageConfigError((error as Error).message);
  }
  return tuning;
}

function workspaceChoice(env: Env): WorkspaceChoice {
  const raw = env.AMPGATE_AMP_WORKSPACE?.trim();
  if (!raw) {
    return {
      mode: "create",
      // AMP's own default is 150 days; a year of energy history is what the cost questions need (storage is
      // billed per GB-month and a home's series compress to little).
      retentionDays: integer(env, "AMPGATE_AMP_RETENTION_DAYS", 400, 1, 1095),
      // AMP accepts up to 600 s (reference §4.4). The widest window lets a sender's retried batch and the
      // webhook's immediate samples interleave with the poller's without "out of order sample" rejections.
      outOfOrderWindowSeconds: integer(env, "AMPGATE_AMP_OUT_OF_ORDER_SECONDS", 600, 0, 600),
    };
  }
  const arn = WORKSPACE_ARN.exec(raw);
  if (arn) return { mode: "existing", region: arn[2]!, accountId: arn[3]!, workspaceId: arn[4]! };
  if (WORKSPACE_ID.test(raw) && !raw.startsWith("arn:")) return { mode: "existing", workspaceId: raw };
  throw new StageConfigError(
    `AMPGATE_AMP_WORKSPACE must be a workspace id (ws-…) or ARN (arn:aws:aps:<region>:<account>:workspace/ws-…), got ${JSON.stringify(raw)}`,
  );
}

function corsOrigins(env: Env): string[] {
  const raw = env.AMPGATE_CORS_ORIGINS?.trim();
  if (!raw) return [];
  return raw.split(",").map((entry) => entry.trim()).filter(Boolean).map((origin) => {
    // An origin is scheme://host[:port] and nothing else; "*" would let any page read with a pasted token.
    const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
    if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      throw new StageConfigError(`AMPGATE_CORS_ORIGINS entries must be origins like https://grafana.example.com, got ${JSON.stringify(origin)}`);
    }
    return origin;
  });
}

const optional = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : { [key]: value } as Record<K, string>);

/** `env[name]`, checked with the parser of the code that will read it, so a deploy fails where the function would. */
function checkedWith(env: Env, name: string, parse: (value: string) => unknown): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  try {
    parse(value);
  } catch (error) {
    const message = (error as Error).message;
    throw new StageConfigError(message.startsWith(name) ? message : `${name}: ${message}`);
  }
  return value;
}

export function readStageConfig(stage: string, env: Env): StageConfig {
  if (!STAGE_NAME.test(stage)) {
    throw new StageConfigError(`stage name must be 1-24 of a-z 0-9 - starting with a letter, got ${JSON.stringify(stage)}`);
  }
  const alarmEmail = env.AMPGATE_ALARM_EMAIL?.trim();
  if (alarmEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail)) {
    throw new StageConfigError(`AMPGATE_ALARM_EMAIL must be an e-mail address, got ${JSON.stringify(alarmEmail)}`);
  }
  const rateLimit = integer(env, "AMPGATE_API_RATE_LIMIT", 50, 1, 10_000);
  const rateMinutes = integer(env, "AMPGATE_POLL_RATE_MINUTES", 5, 1, 1440);
  return {
    stage,
    workspace: workspaceChoice(env),
    poll: {
      enabled: flag(env, "AMPGATE_POLL", true),
      rateMinutes,
      retries: integer(env, "AMPGATE_POLL_RETRIES", 2, 0, 2),
      tuning: pollTuning(env, rateMinutes),
    },
    logLevel: oneOf(env, "AMPGATE_LOG_LEVEL", LOG_LEVELS, "info"),
    logRetention: oneOf(env, "AMPGATE_LOG_RETENTION", LOG_RETENTIONS, "1 month"),
    accessLogRetention: oneOf(env, "AMPGATE_ACCESS_LOG_RETENTION", LOG_RETENTIONS, "2 weeks"),
    secretCacheTtlSeconds: integer(env, "AMPGATE_SECRET_CACHE_TTL_SECONDS", 60, 0, 3600),
    api: {
      rateLimit,
      burstLimit: integer(env, "AMPGATE_API_BURST_LIMIT", rateLimit * 2, 1, 20_000),
      corsOrigins: corsOrigins(env),
    },
    ...(alarmEmail ? { alarmEmail } : {}),
    ...optional("tariff", checkedWith(env, "AMPGATE_TARIFF", parseTariff)),
    ...optional("selfMetricsInterval", checkedWith(env, "AMPGATE_SELF_METRICS_INTERVAL_SECONDS",
      (value) => selfMetricsIntervalMs({ AMPGATE_SELF_METRICS_INTERVAL_SECONDS: value }))),
  };
}
