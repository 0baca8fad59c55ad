/**
 * A local SwitchBot Cloud API v1.1 server that behaves like the real one (reference §9 checklist), for tests and
 * for `npm start` without real credentials.
 *
 *   const sim = await startSwitchbotSimulator({ token, secret });
 *   // SWITCHBOT_API_URL = sim.url
 *   sim.inject({ fault: { type: "status", statusCode: 161, message: "device offline" }, deviceId: LIVING_METER });
 *   await sim.emitEvent(LIVING_METER);          // POSTs a changeReport to the registered webhook URL
 *   sim.callsToday;                             // the quota counter
 *   await sim.stop();
 *
 * Behaviour:
 * - Auth (§1): `Authorization`, `sign`, `t`, `nonce` required; the HMAC is recomputed here independently of the
 *   client's code and compared case-insensitively (§1.3; `signCase` makes it strict); |now − t| beyond
 *   `skewMs` (default 5 min, an Assumption) is refused; `strictHeaderCase` refuses capitalised `Sign/T/Nonce`
 *   (SBA#217). Failure: HTTP 401 `{"message":"Unauthorized"}`, no envelope, not counted.
 * - Quota (§3): every authenticated call counts; past `dailyLimit` (10,000) every call answers HTTP 200 +
 *   190 "Requests reached the daily limit" until the reset at `resetHourUtc` (default 00:00 UTC).
 * - Routes (§2): devices, status, commands, scenes, webhook management; unknown path/method → HTTP 403 with the
 *   AWS gateway text (SBA#336); unknown deviceId → 200 + 152.
 * - Control: in-process methods, and the same over HTTP under `/_simulator/` (no auth; loopback only) for
 *   `npm start` and curl: `GET /_simulator/state`, `POST /_simulator/faults`, `DELETE /_simulator/faults`,
 *   `POST /_simulator/events/<deviceId>`, `POST /_simulator/quota {"used": n}`.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { listenOnLoopback } from "../listen";
import { readBody } from "../read-body";
import { DAILY_LIMIT, FaultTable, type ActiveFault, type FaultRule, type SimEndpoint } from "./faults";
import { createHome, type Fields, type SimDevice, type SimRemote } from "./home";
import { deliver, WebhookRegistry, type Delivery, type EmitOptions, type Envelope } from "./webhooks";

export interface SwitchbotSimulatorOptions {
  token: string;
  secret: string;
  /** Default 0: a free port. */
  port?: number;
  /** The simulator's clock (epoch ms); tests drive quota resets, skew and loads with it. Default Date.now. */
  now?: () => number;
  /** Accepted |now − t|. Default 5 minutes. */
  skewMs?: number;
  /** Default 10,000. */
  dailyLimit?: number;
  /** Hour (UTC) at which the quota resets. Default 0. */
  resetHourUtc?: number;
  /** Refuse capitalised `Sign`, `T`, `Nonce` header names. Default false. */
  strictHeaderCase?: boolean;
  /** How `sign` is compared: case-insensitively (default), or only the plain / upper-cased base64. */
  signCase?: "insensitive" | "plain" | "upper";
  /** Replace the default home. */
  home?: { devices: SimDevice[]; remotes: SimRemote[] };
}

export interface SimulatorRequest {
  at: number;
  method: string;
  path: string;
  endpoint?: SimEndpoint;
  deviceId?: string;
  httpStatus: number;
  statusCode?: number;
}

export interface SwitchbotSimulator {
  readonly url: string;
  readonly devices: readonly SimDevice[];
  readonly remotes: readonly SimRemote[];
  /** Authenticated calls counted against today's quota. */
  readonly callsToday: number;
  /** Every request answered, newest last (at most 2,000). */
  readonly requests: readonly SimulatorRequest[];
  clearRequests(): void;
  readonly webhook: WebhookRegistry;
  inject(rule: FaultRule): number;
  removeFault(id: number): void;
  clearFaults(): void;
  faults(): readonly ActiveFault[];
  /** Set today's quota counter (e.g. to just under the limit). */
  setCallsToday(used: number): void;
  /** The status body `/status` would return for the device now (quirks applied), or undefined. */
  statusBody(deviceId: string, at?: number): Fields | undefined;
  /** Build a changeReport for the device and POST it to the registered webhook URL (if any and enabled). */
  emitEvent(deviceId: string, options?: EmitOptions): Promise<Delivery>;
  stop(): Promise<void>;
}

const UNAUTHORIZED = { message: "Unauthorized" };
/** What AWS API Gateway answers for an unknown path/method (SBA#336). */
const GATEWAY_FORBIDDEN = (authorization: string) => ({
  message: `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization.slice(0, 8)}`,
});
const DEVICE_STATUS = /^\/v1\.1\/devices\/([^/]+)\/status$/;
const DEVICE_COMMANDS = /^\/v1\.1\/devices\/([^/]+)\/commands$/;
const MAX_REQUEST_LOG = 2_000;
const DAY_MS = 86_400_000;

export async function startSwitchbotSimulator(options: SwitchbotSimulatorOptions): Promise<SwitchbotSimulator> {
  const now = options.now ?? Date.now;
  const skewMs = options.skewMs ?? 5 * 60_000;
  const dailyLimit = options.dailyLimit ?? 10_000;
  const resetHourUtc = options.resetHourUtc ?? 0;
  const home = options.home ?? createHome();
  const byId = new Map(home.devices.map((device) => [device.deviceId, device]));
  const faults = new FaultTable();
  const webhook = new WebhookRegistry();
  const requests: SimulatorRequest[] = [];
  const quota = { day: -1, used: 0 };

  const quotaDay = (at: number) => Math.floor((at - resetHourUtc * 3_600_000) / DAY_MS);
  const rollQuota = () => {
    const day = quotaDay(now());
    if (day !== quota.day) Object.assign(quota, { day, used: 0 });
  };

  function authenticate(request: IncomingMessage): boolean {
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === "string" ? value : undefined;
    };
    const token = header("authorization");
    const sign = header("sign");
    const t = header("t");
    const nonce = header("nonce");
    if (!token || !sign || !t || !nonce) return false;
    if (options.strictHeaderCase) {
      const names = request.rawHeaders.filter((_, index) => index % 2 === 0);
      if (names.some((name) => ["sign", "t", "nonce"].includes(name.toLowerCase()) && name !== name.toLowerCase())) return false;
    }
    if (!/^\d{13}$/.test(t) || Math.abs(now() - Number(t)) > skewMs) return false;
    const expected = createHmac("sha256", options.secret).update(options.token + t + nonce).digest("base64");
    const compare = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
    const signCase = options.signCase ?? "insensitive";
    const signOk =
      signCase === "plain" ? compare(sign, expected)
      : signCase === "upper" ? compare(sign, expected.toUpperCase())
      : compare(sign.toUpperCase(), expected.toUpperCase());
    return signOk && compare(token, options.token);
  }

  function withQuirks(device: SimDevice): { type: string; quirks: ActiveFault[] } {
    const quirks = faults.quirks(device.deviceId);
    const typeQuirk = quirks.find((rule) => rule.fault.type === "deviceType")?.fault;
    return { type: typeQuirk?.type === "deviceType" ? typeQuirk.deviceType : device.deviceType, quirks };
  }

  function statusBody(deviceId: string, at = now()): Fields | undefined {
    const device = byId.get(deviceId);
    if (!device?.status) return undefined;
    const { type, quirks } = withQuirks(device);
    const has = (kind: string) => quirks.find((rule) => rule.fault.type === kind);
    const stale = has("stale");
    const fields: Fields = { ...device.status(stale ? stale.injectedAt : at) };
    if (has("zeros")) Object.assign(fields, { temperature: 0, humidity: 0, battery: 0 });
    if (has("legacyCurrent") && typeof fields.electricCurrent === "number") {
      // mA → units of 0.1 A: divide by 100.
      fields.electricCurrent = Math.round(fields.electricCurrent) / 100;
    }
    return { ...fields, deviceId, deviceType: type, hubDeviceId: device.statusHubDeviceId, version: device.version };
  }

  function deviceList(): Fields {
    return {
      deviceList: home.devices.map((device) => {
        const { type, quirks } = withQuirks(device);
        const omitCloud = quirks.some((rule) => rule.fault.type === "omitCloudFlag");
        return {
          deviceId: device.deviceId,
          deviceName: device.deviceName,
          deviceType: type,
          ...(device.enableCloudService === undefined || omitCloud ? {} : { enableCloudService: device.enableCloudService }),
          hubDeviceId: device.hubDeviceId,
          ...device.listExtras,
        };
      }),
      infraredRemoteList: home.remotes.map((remote) => ({ ...remote })),
    };
  }

  const success = (body: unknown, message = "success"): Envelope => ({ statusCode: 100, body, message });
  const failure = (statusCode: number, message: string): Envelope => ({ statusCode, body: {}, message });

  /** The envelope for an authenticated, routed API call. */
  function route(method: string, path: string, body: Fields): { endpoint?: SimEndpoint; deviceId?: string; answer: () => Envelope } | undefined {
    if (method === "GET" && path === "/v1.1/devices") return { endpoint: "devices", answer: () => success(deviceList()) };
    const status = DEVICE_STATUS.exec(path);
    if (method === "GET" && status) {
      const deviceId = decodeURIComponent(status[1]!);
      return {
        endpoint: "status",
        deviceId,
        answer: () => {
          const device = byId.get(deviceId);
          if (!device) {
            return home.remotes.some((remote) => remote.deviceId === deviceId)
              ? failure(151, "device type error")
              : failure(152, "device not found");
          }
          // Cloud service off: status fails (pitfall 2; 174 per AdyRock/com.switchbot#31).
          if (device.enableCloudService === false) return failure(174, "cloud service is not enabled");
          return success(statusBody(deviceId));
        },
      };
    }
    const command = DEVICE_COMMANDS.exec(path);
    if (method === "POST" && command) {
      const deviceId = decodeURIComponent(command[1]!);
      return { endpoint: "commands", deviceId, answer: () => (byId.has(deviceId) ? success({}) : failure(152, "device not found")) };
    }
    if (method === "GET" && path === "/v1.1/scenes") return { endpoint: "scenes", answer: () => success([]) };
    if (method === "POST" && path.startsWith("/v1.1/webhook/")) {
      return { endpoint: "webhook", answer: () => webhook.handle(path, body, now()) };
    }
    return undefined;
  }

  async function serveApi(request: IncomingMessage, response: ServerResponse, path: string, raw: Buffer): Promise<void> {
    const method = request.method ?? "GET";
    const record = (entry: Omit<SimulatorRequest, "at" | "method" | "path">) => {
      requests.push({ at: now(), method, path, ...entry });
      if (requests.length > MAX_REQUEST_LOG) requests.shift();
    };
    if (!authenticate(request)) {
      record({ httpStatus: 401 });
      return send(response, 401, UNAUTHORIZED);
    }
    let body: Fields = {};
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8")) as Fields;
      } catch {
        body = {};
      }
    }
    const routed = route(method, path, body);
    if (!routed) {
      record({ httpStatus: 403 });
      return send(response, 403, GATEWAY_FORBIDDEN(String(request.headers.authorization ?? "")));
    }
    const { endpoint, deviceId } = routed;
    rollQuota();
    quota.used++;
    if (quota.used > dailyLimit) {
      record({ endpoint, deviceId, httpStatus: 200, statusCode: 190 });
      return send(response, 200, failure(190, DAILY_LIMIT));
    }
    for (const rule of faults.take(endpoint!, deviceId)) {
      const fault = rule.fault;
      if (fault.type === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
      if (fault.type === "http") {
        record({ endpoint, deviceId, httpStatus: fault.status });
        const message = fault.message ?? (fault.status === 401 ? "Unauthorized" : fault.status === 429 ? "Too Many Requests" : "Internal server error");
        return send(response, fault.status, { message });
      }
      if (fault.type === "status") {
        record({ endpoint, deviceId, httpStatus: 200, statusCode: fault.statusCode });
        return send(response, 200, failure(fault.statusCode, fault.message));
      }
    }
    const envelope = routed.answer();
    record({ endpoint, deviceId, httpStatus: 200, statusCode: envelope.statusCode });
    return send(response, 200, envelope);
  }

  async function emitEvent(deviceId: string, emit: EmitOptions = {}): Promise<Delivery> {
    const device = byId.get(deviceId);
    if (!device?.event || !device.webhookType) throw new Error(`simulated device ${deviceId} sends no webhook events`);
    const at = emit.timeOfSample ?? now();
    const context: Fields = {
      ...(emit.deviceType === null ? {} : { deviceType: emit.deviceType ?? device.webhookType }),
      deviceMac: deviceId,
      ...device.event(at),
      timeOfSample: at,
      ...emit.fields,
    };
    const payload = { eventType: "changeReport", eventVersion: "1", context };
    const target = webhook.config?.enable ? webhook.config.url : undefined;
    return { payload, statuses: target ? await deliver(target, payload, emit) : [] };
  }

  async function serveControl(request: IncomingMessage, response: ServerResponse, path: string, raw: Buffer): Promise<void> {
    const body = raw.length > 0 ? (JSON.parse(raw.toString("utf8")) as Fields) : {};
    const method = request.method ?? "GET";
    if (method === "GET" && path === "/_simulator/state") {
      rollQuota();
      return send(response, 200, { callsToday: quota.used, dailyLimit, webhook: webhook.config ?? null, faults: faults.list(), devices: deviceList() });
    }
    if (method === "POST" && path === "/_simulator/faults") return send(response, 200, { id: faults.inject(body as unknown as FaultRule, now()) });
    if (method === "DELETE" && path === "/_simulator/faults") {
      faults.clear();
      return send(response, 200, {});
    }
    if (method === "POST" && path === "/_simulator/quota") {
      rollQuota();
      quota.used = Number(body.used ?? 0);
      return send(response, 200, { callsToday: quota.used });
    }
    const event = /^\/_simulator\/events\/([^/]+)$/.exec(path);
    if (method === "POST" && event) return send(response, 200, await emitEvent(decodeURIComponent(event[1]!), body as EmitOptions));
    return send(response, 404, { message: "unknown simulator control path" });
  }

  const server: Server = createServer((request, response) => {
    void readBody(request).then((raw) => {
      const path = new URL(request.url ?? "/", "http://simulator").pathname;
      const serve = path.startsWith("/_simulator/") ? serveControl : serveApi;
      return serve(request, response, path, raw);
    }).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { message: (error as Error).message });
    });
  });
  const { url, close } = await listenOnLoopback(server, options.port);

  return {
    url,
    devices: home.devices,
    remotes: home.remotes,
    get callsToday() {
      rollQuota();
      return quota.used;
    },
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    webhook,
    inject: (rule) => faults.inject(rule, now()),
    removeFault: (id) => faults.remove(id),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    setCallsToday: (used) => {
      rollQuota();
      quota.used = used;
    },
    statusBody,
    emitEvent,
    stop: close,
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}
