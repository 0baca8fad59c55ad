/**
 * SwitchBot Cloud API v1.1 client: signed requests, the `statusCode` envelope, bounded timeouts and retries.
 *
 *   const api = createSwitchBotClient({ token, secret, onCall: (call) => calls++ });
 *   const { deviceList } = await api.listDevices({ deadline });
 *   const status = await api.deviceStatus("C271111EC0AB", { deadline });
 *
 * - Each HTTP attempt is signed afresh (new `t` and nonce, reference §1.4) and reported to `onCall`, because each
 *   attempt counts against the 10,000/day quota (§3).
 * - Only GETs are retried, and only for what the reference calls transient (500, 300 "Hub is busy", timeouts,
 *   network errors), at most `maxRetries` times with jittered exponential backoff and never past `deadline`.
 *   Webhook management POSTs are not retried: a setup that succeeded behind a 500 would turn into
 *   190 "webhook is exist" on the retry.
 * - The token and secret are registered with the logger's redaction on construction; errors name the operation
 *   (method + path), never a header.
 */
import { isJsonObject } from "../json-object";
import { registerSecret } from "../log/logger";
import { reasonForHttpStatus, reasonForStatusCode, SwitchBotError } from "./errors";
import { signedHeaders } from "./signing";

export const SWITCHBOT_API_URL = "https://api.switch-bot.com";

/** A device as `GET /v1.1/devices` lists it (§5.1); fields beyond these are kept but not typed. */
export interface ListedDevice {
  deviceId: string;
  deviceName: string;
  deviceType?: string;
  enableCloudService?: boolean;
  hubDeviceId?: string;
  [field: string]: unknown;
}

export interface ListedRemote {
  deviceId: string;
  deviceName: string;
  remoteType: string;
  hubDeviceId?: string;
}

export interface DeviceListBody {
  deviceList: ListedDevice[];
  infraredRemoteList: ListedRemote[];
}

export type DeviceStatusBody = Record<string, unknown>;

export interface WebhookDetails {
  url: string;
  createTime?: number;
  lastUpdateTime?: number;
  deviceList?: string;
  enable?: boolean;
}

/** Which quota-consuming endpoint a call hit; a low-cardinality label for `switchbot_api_calls_total`. */
export type SwitchBotEndpoint = "devices" | "status" | "webhook";

export interface SwitchBotCall {
  endpoint: SwitchBotEndpoint;
  /** Undefined when the call succeeded. */
  error?: SwitchBotError;
}

export interface SwitchBotClientOptions {
  token: string;
  secret: string;
  /** Default https://api.switch-bot.com; the simulator's URL locally. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  now?: () => number;
  nonce?: () => string;
  /** Per attempt. Default 8 s (pitfall 7: one slow call must not eat the Lambda's budget). */
  timeoutMs?: number;
  /** Retries of a transient GET failure. Default 2 (§2.3). */
  maxRetries?: number;
  /** First backoff; doubles per retry, with jitter. Default 400 ms. */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told about every HTTP attempt, successful or not. */
  onCall?: (call: SwitchBotCall) => void;
}

export interface CallOptions {
  /** Epoch ms after which no attempt is started or awaited. */
  deadline?: number;
}

export interface SwitchBotClient {
  listDevices(options?: CallOptions): Promise<DeviceListBody>;
  deviceStatus(deviceId: string, options?: CallOptions): Promise<DeviceStatusBody>;
  setupWebhook(url: string, options?: CallOptions): Promise<void>;
  queryWebhookUrls(options?: CallOptions): Promise<string[]>;
  queryWebhookDetails(urls: string[], options?: CallOptions): Promise<WebhookDetails[]>;
  updateWebhook(url: string, enable: boolean, options?: CallOptions): Promise<void>;
  deleteWebhook(url: string, options?: CallOptions): Promise<void>;
}

/** SwitchBot device ids: 12 hex digits (a MAC), or IR remote ids like `02-202008110034-13`. */
const DEVICE_ID = /^[0-9A-Za-z-]{1,64}$/;

/**
 * The largest SwitchBot answer read. A device list of a few hundred devices is ~100 KB; anything far larger is not
 * SwitchBot's API, and reading it whole (then JSON.parse) could exhaust the poll function's memory.
 */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

async function readBoundedText(response: Response, maxBytes: number, operation: string): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new SwitchBotError("bad_response", "response_too_large", operation, `response larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

interface Request {
  method: "GET" | "POST";
  path: string;
  endpoint: SwitchBotEndpoint;
  body?: unknown;
}

export function createSwitchBotClient(options: SwitchBotClientOptions): SwitchBotClient {
  registerSecret(options.token);
  registerSecret(options.secret);
  const baseUrl = (options.baseUrl ?? SWITCHBOT_API_URL).replace(/\/+$/, "");
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 8_000;
  const maxRetries = options.maxRetries ?? 2;
  const backoffMs = options.backoffMs ?? 400;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const credentials = { token: options.token, secret: options.secret };

  async function attempt(request: Request, deadline: number): Promise<unknown> {
    const operation = `${request.method} ${request.path}`;
    const budget = Math.min(timeoutMs, deadline - now());
    const headers = signedHeaders(credentials, now(), options.nonce?.());
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(baseUrl + request.path, {
        method: request.method,
        headers: { ...headers },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(budget),
      });
      text = await readBoundedText(response, MAX_RESPONSE_BYTES, operation);
    } catch (error) {
      if (error instanceof SwitchBotError) throw error;
      const name = (error as Error)?.name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new SwitchBotError("timeout", "timeout", operation, `no response within ${budget} ms`);
      }
      // undici says only "fetch failed"; the system error (ENOTFOUND, ECONNRESET, ECONNREFUSED) is in `cause`.
      const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
      const detail = (error as Error)?.message ?? String(error);
      throw new SwitchBotError("network", "network", operation, typeof cause === "string" ? `${detail} (${cause})` : detail);
    }
    const json = parseJson(text);
    const serverMessage = typeof json?.message === "string" ? json.message : "";
    if (response.status < 200 || response.status > 299) {
      throw new SwitchBotError(reasonForHttpStatus(response.status), `http_${response.status}`, operation, serverMessage);
    }
    if (typeof json?.statusCode !== "number") {
      throw new SwitchBotError("bad_response", "bad_response", operation, text.slice(0, 120));
    }
    if (json.statusCode !== 100) {
      throw new SwitchBotError(
        reasonForStatusCode(json.statusCode, serverMessage),
        String(json.statusCode),
        operation,
        serverMessage,
      );
    }
    return json.body;
  }

  async function call(request: Request, callOptions: CallOptions = {}): Promise<unknown> {
    const deadline = callOptions.deadline ?? Number.POSITIVE_INFINITY;
    const retries = request.method === "GET" ? maxRetries : 0;
    for (let retry = 0; ; retry++) {
      if (deadline - now() < 1) {
        // Not sent, so not counted against the quota.
        throw new SwitchBotError("timeout", "timeout", `${request.method} ${request.path}`, "deadline reached before the call");
      }
      try {
        const body = await attempt(request, deadline);
        options.onCall?.({ endpoint: request.endpoint });
        return body;
      } catch (error) {
        if (!(error instanceof SwitchBotError)) throw error;
        options.onCall?.({ endpoint: request.endpoint, error });
        const pause = backoffMs * 2 ** retry * (0.5 + random() / 2);
        if (!error.retryable || retry >= retries || now() + pause + 1_000 >= deadline) throw error;
        await sleep(pause);
      }
    }
  }

  function checkedId(deviceId: string): string {
    if (!DEVICE_ID.test(deviceId)) {
      throw new SwitchBotError("invalid_device_id", "invalid_device_id", "GET /v1.1/devices/{deviceId}/status", JSON.stringify(deviceId).slice(0, 80));
    }
    return deviceId;
  }

  return {
    async listDevices(callOptions) {
      const body = asObject(await call({ method: "GET", path: "/v1.1/devices", endpoint: "devices" }, callOptions));
      return {
        deviceList: Array.isArray(body.deviceList) ? (body.deviceList as ListedDevice[]) : [],
        infraredRemoteList: Array.isArray(body.infraredRemoteList) ? (body.infraredRemoteList as ListedRemote[]) : [],
      };
    },
    async deviceStatus(deviceId, callOptions) {
      const path = `/v1.1/devices/${checkedId(deviceId)}/status`;
      return asObject(await call({ method: "GET", path, endpoint: "status" }, callOptions));
    },
    async setupWebhook(url, callOptions) {
      const body = { action: "setupWebhook", url, deviceList: "ALL" };
      await call({ method: "POST", path: "/v1.1/webhook/setupWebhook", endpoint: "webhook", body }, callOptions);
    },
    async queryWebhookUrls(callOptions) {
      const body = { action: "queryUrl" };
      const result = asObject(
        await call({ method: "POST", path: "/v1.1/webhook/queryWebhook", endpoint: "webhook", body }, callOptions),
      );
      return Array.isArray(result.urls) ? result.urls.filter((u): u is string => typeof u === "string") : [];
    },
    async queryWebhookDetails(urls, callOptions) {
      const body = { action: "queryDetails", urls };
      const result = await call({ method: "POST", path: "/v1.1/webhook/queryWebhook", endpoint: "webhook", body }, callOptions);
      return Array.isArray(result) ? (result as WebhookDetails[]) : [];
    },
    async updateWebhook(url, enable, callOptions) {
      const body = { action: "updateWebhook", config: { url, enable } };
      await call({ method: "POST", path: "/v1.1/webhook/updateWebhook", endpoint: "webhook", body }, callOptions);
    },
    async deleteWebhook(url, callOptions) {
      const body = { action: "deleteWebhook", url };
      await call({ method: "POST", path: "/v1.1/webhook/deleteWebhook", endpoint: "webhook", body }, callOptions);
    },
  };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isJsonObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return isJsonObject(value) ? value : {};
}
