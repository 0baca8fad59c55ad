/**
 * The simulator's webhook management (reference §2, §6.1) and delivery (§6.2).
 *
 * One URL per account: a second `setupWebhook` answers 190 "webhook is exist" (SBA#393, #196). Management calls
 * answer with `message: ""` (Doc). Deliveries are unsigned JSON POSTs with webhook-style deviceType strings and
 * a 13-digit `timeOfSample`; the emitter can drop, delay, duplicate or mislabel them like the real service does
 * (§6.4).
 */
import { WEBHOOK_EXISTS } from "./faults";
import type { Fields } from "./home";

export interface WebhookConfig {
  url: string;
  createTime: number;
  lastUpdateTime: number;
  deviceList: string;
  enable: boolean;
}

export interface Envelope {
  statusCode: number;
  body: unknown;
  message: string;
}

const ok = (body: unknown = {}): Envelope => ({ statusCode: 100, body, message: "" });
/** Messages for invalid webhook requests are undocumented (Assumption). */
const invalid = (message: string): Envelope => ({ statusCode: 190, body: {}, message });

export class WebhookRegistry {
  config: WebhookConfig | undefined;

  handle(path: string, request: Fields, at: number): Envelope {
    const action = request.action;
    if (path === "/v1.1/webhook/setupWebhook" && action === "setupWebhook") {
      if (typeof request.url !== "string" || !request.url) return invalid("param is invalid");
      if (this.config) return invalid(WEBHOOK_EXISTS);
      this.config = { url: request.url, createTime: at, lastUpdateTime: at, deviceList: String(request.deviceList ?? "ALL"), enable: true };
      return ok();
    }
    if (path === "/v1.1/webhook/queryWebhook" && action === "queryUrl") {
      return ok({ urls: this.config ? [this.config.url] : [] });
    }
    if (path === "/v1.1/webhook/queryWebhook" && action === "queryDetails") {
      const urls = Array.isArray(request.urls) ? request.urls : [];
      return ok(this.config && urls.includes(this.config.url) ? [{ ...this.config }] : []);
    }
    if (path === "/v1.1/webhook/updateWebhook" && action === "updateWebhook") {
      const config = request.config as Fields | undefined;
      if (!this.config || config?.url !== this.config.url) return invalid("webhook not exist");
      if (typeof config.enable === "boolean") this.config.enable = config.enable;
      this.config.lastUpdateTime = at;
      return ok();
    }
    if (path === "/v1.1/webhook/deleteWebhook" && action === "deleteWebhook") {
      if (!this.config || request.url !== this.config.url) return invalid("webhook not exist");
      this.config = undefined;
      return ok();
    }
    return invalid("param is invalid");
  }
}

export interface EmitOptions {
  /** Build the delivery but do not send it (a lost event, SBA#299). */
  drop?: boolean;
  /** Send after this long (SBA#214: up to ~1 min). */
  delayMs?: number;
  /** Send it twice. */
  duplicate?: boolean;
  /** Another `context.deviceType` (SBA#230), or null to leave it out (SBA#266). */
  deviceType?: string | null;
  /** Fields to add or override in `context`. */
  fields?: Fields;
  timeOfSample?: number;
}

export interface Delivery {
  payload: { eventType: string; eventVersion: string; context: Fields };
  /** HTTP statuses of the POSTs made (empty when dropped or not registered/enabled). */
  statuses: number[];
}

export async function deliver(url: string, payload: Delivery["payload"], options: EmitOptions): Promise<number[]> {
  if (options.drop) return [];
  if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  const statuses: number[] = [];
  for (let copy = 0; copy < (options.duplicate ? 2 : 1); copy++) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}
