/**
 * Every way a SwitchBot API call can fail, as one typed error.
 *
 * Application errors arrive as HTTP 200 with a non-100 `statusCode` in the body (reference §2.1, SBA#319);
 * gateway errors are HTTP 401/403/429/5xx with a bare `{"message": …}`. Status 190 is a catch-all whose meaning is
 * only in `message` (§2.2, pitfall 4), so it is split by message here and nowhere else.
 *
 * What the poller does with an error is decided by three flags, all derived from the tables below:
 * - `retryable`: the same request may succeed if sent again soon (500, 300 "Hub is busy", timeouts, network),
 *   the only cases the reference calls safe to retry (§2.3 "Client policy", pitfall 7);
 * - `deviceUnavailable`: this one device cannot be read now (161/171 offline, 174 cloud service off); the rest of
 *   the poll goes on;
 * - `stopsRun`: every further call would fail the same way (401 credentials, 190 daily limit), so the run stops
 *   calling the API instead of burning calls and log lines.
 */
import { oneLine } from "../one-line";

export type SwitchBotErrorReason =
  | "unauthorized"
  | "forbidden"
  | "rate_limited"
  | "server_error"
  | "http_error"
  | "timeout"
  | "network"
  | "bad_response"
  | "invalid_device_id"
  | "device_type_error"
  | "device_not_found"
  | "command_not_supported"
  | "device_offline"
  | "hub_offline"
  | "cloud_service_off"
  | "daily_limit"
  | "too_many_requests"
  | "webhook_exists"
  | "internal_error"
  | "hub_busy"
  | "unknown_status";

interface ReasonTraits {
  retryable?: boolean;
  deviceUnavailable?: boolean;
  stopsRun?: boolean;
  /** Human wording used in the error message. */
  meaning: string;
}

const TRAITS: Record<SwitchBotErrorReason, ReasonTraits> = {
  unauthorized: { stopsRun: true, meaning: "credentials rejected (wrong or rotated token/secret, or clock skew)" },
  forbidden: { meaning: "forbidden (unknown API path or method)" },
  rate_limited: { stopsRun: true, meaning: "rate limited by the API gateway" },
  server_error: { retryable: true, meaning: "SwitchBot server error" },
  http_error: { meaning: "unexpected HTTP status" },
  timeout: { retryable: true, meaning: "no response in time" },
  network: { retryable: true, meaning: "network error" },
  bad_response: { meaning: "response is not a SwitchBot envelope" },
  // A listed deviceId that cannot go into a URL path: that one device fails, the run goes on (and no request
  // path is ever built from it — the API host and path stay ours).
  invalid_device_id: { meaning: "the device list gave an id that is not a SwitchBot device id" },
  device_type_error: { meaning: "device type error" },
  device_not_found: { deviceUnavailable: true, meaning: "device not found" },
  command_not_supported: { meaning: "command not supported" },
  device_offline: { deviceUnavailable: true, meaning: "device offline" },
  hub_offline: { deviceUnavailable: true, meaning: "hub offline" },
  cloud_service_off: { deviceUnavailable: true, meaning: "cloud service disabled for the device" },
  daily_limit: { stopsRun: true, meaning: "daily request quota exhausted" },
  too_many_requests: { stopsRun: true, meaning: "too many requests in a short time" },
  webhook_exists: { meaning: "a webhook URL is already registered for this account" },
  internal_error: { meaning: "device internal error or invalid request" },
  hub_busy: { retryable: true, meaning: "hub busy" },
  unknown_status: { meaning: "undocumented status code" },
};

/** In-body `statusCode` → reason (§2.2). 190 is resolved further by `message` below. */
const STATUS_CODE_REASONS: Record<number, SwitchBotErrorReason> = {
  151: "device_type_error",
  152: "device_not_found",
  160: "command_not_supported",
  161: "device_offline",
  // A Wi-Fi Plug Mini (JP) reports offline as 171 (py-switchbot-api), so 161 and 171 are treated alike.
  171: "hub_offline",
  // Undocumented; seen when the device's cloud service is disabled (AdyRock/com.switchbot#31).
  174: "cloud_service_off",
  190: "internal_error",
  // Undocumented "Hub is busy" (SBA#249): transient.
  300: "hub_busy",
};

/** The observed messages of status 190 (§2.2): quota (SBA#162, #365), burst (SBA#213), webhook (SBA#393). */
const STATUS_190_MESSAGES: ReadonlyArray<{ pattern: RegExp; reason: SwitchBotErrorReason }> = [
  { pattern: /daily limit/i, reason: "daily_limit" },
  { pattern: /too many request/i, reason: "too_many_requests" },
  { pattern: /webhook is exist/i, reason: "webhook_exists" },
];

export function reasonForStatusCode(statusCode: number, message: string): SwitchBotErrorReason {
  if (statusCode === 190) {
    return STATUS_190_MESSAGES.find(({ pattern }) => pattern.test(message))?.reason ?? "internal_error";
  }
  return STATUS_CODE_REASONS[statusCode] ?? "unknown_status";
}

export function reasonForHttpStatus(status: number): SwitchBotErrorReason {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server_error";
  return "http_error";
}

export class SwitchBotError extends Error {
  override readonly name = "SwitchBotError";
  readonly retryable: boolean;
  readonly deviceUnavailable: boolean;
  readonly stopsRun: boolean;

  constructor(
    readonly reason: SwitchBotErrorReason,
    /** Metric-safe code: the in-body statusCode (`"161"`), `"http_401"`, `"timeout"`, `"network"`, `"bad_response"`. */
    readonly code: string,
    /** `GET /v1.1/devices/C271111EC0AB/status` — never contains credentials. */
    readonly operation: string,
    /** The server's own message, verbatim but flattened (empty when there was none). */
    readonly serverMessage = "",
  ) {
    const traits = TRAITS[reason];
    // Server-provided text is untrusted: one short line of it.
    super(`SwitchBot ${operation}: ${code} ${traits.meaning}${serverMessage ? `: "${oneLine(serverMessage, 200)}"` : ""}`);
    this.retryable = traits.retryable ?? false;
    this.deviceUnavailable = traits.deviceUnavailable ?? false;
    this.stopsRun = traits.stopsRun ?? false;
  }
}
