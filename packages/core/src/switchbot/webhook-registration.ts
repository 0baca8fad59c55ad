/**
 * Registering ampgate's webhook URL with SwitchBot, for the `switchbot-webhook` CLI.
 *
 * SwitchBot keeps **one webhook URL per account** (reference §6.1: a second `setupWebhook` answers 190
 * "webhook is exist", SBA#393, #196). Home Assistant, Homebridge or another tool on the same account may own it,
 * and registering ours silently cuts them off. So:
 * - `register` replaces an older ampgate URL (same path shape, e.g. after rotating the path secret) on its own,
 *   but refuses to replace anyone else's without `force`;
 * - `remove` deletes only a URL that ampgate created (path `/switchbot/webhook/<secret>`) unless `force`.
 * Every call here counts against the 10,000/day quota; each command makes at most five.
 */
import type { SwitchBotClient, WebhookDetails } from "./client";

export class WebhookAdminError extends Error {
  override readonly name = "WebhookAdminError";
}

const AMPGATE_PATH = /\/switchbot\/webhook\/[^/]+$/;

/** Whether `url` has the shape of an ampgate webhook URL (how we recognise a URL we created). */
function isAmpgateWebhookUrl(url: string): boolean {
  try {
    return AMPGATE_PATH.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/** A URL safe to print: path segments of 16+ characters (secrets, webhook ids) are shortened to their first 4. */
export function redactWebhookUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const path = parsed.pathname
      .split("/")
      .map((segment) => (segment.length >= 16 ? `${segment.slice(0, 4)}…` : segment))
      .join("/");
    return `${parsed.origin}${path}${parsed.search ? "?…" : ""}`;
  } catch {
    return "(not a URL)";
  }
}

/** SwitchBot needs a public HTTPS URL with a trusted certificate (§6.1); plain http only for a loopback test. */
function checkWebhookUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookAdminError(`not a URL: ${JSON.stringify(url)}`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) {
    throw new WebhookAdminError("the webhook URL must be https:// (SwitchBot delivers only to public HTTPS endpoints)");
  }
  if (parsed.search) throw new WebhookAdminError("the webhook URL must not have a query string (not confirmed to work, SBA#55)");
  if (!isAmpgateWebhookUrl(url)) {
    throw new WebhookAdminError("the URL must end in /switchbot/webhook/<secret> (the route ampgate serves)");
  }
}

export interface RegisterResult {
  action: "already_registered" | "registered";
  /** URLs deleted to make room (older ampgate URLs; another integration's with `force`). */
  replaced: string[];
}

export async function registerWebhook(api: SwitchBotClient, url: string, options: { force?: boolean } = {}): Promise<RegisterResult> {
  checkWebhookUrl(url);
  const existing = await api.queryWebhookUrls();
  if (existing.includes(url)) {
    const [details] = await api.queryWebhookDetails([url]);
    if (details?.enable === false) await api.updateWebhook(url, true);
    return { action: "already_registered", replaced: [] };
  }
  const others = existing.filter((other) => other !== url);
  const foreign = others.filter((other) => !isAmpgateWebhookUrl(other));
  if (foreign.length > 0 && !options.force) {
    throw new WebhookAdminError(
      `this SwitchBot account already delivers its webhook to ${foreign.map(redactWebhookUrl).join(", ")}, which ampgate ` +
        "did not create. SwitchBot allows one webhook URL per account: registering ampgate's would stop that " +
        "integration (Home Assistant, Homebridge…) receiving events. Re-run with --force to replace it.",
    );
  }
  for (const other of others) await api.deleteWebhook(other);
  await api.setupWebhook(url);
  return { action: "registered", replaced: others };
}

export async function describeWebhooks(api: SwitchBotClient): Promise<WebhookDetails[]> {
  const urls = await api.queryWebhookUrls();
  if (urls.length === 0) return [];
  const details = await api.queryWebhookDetails(urls);
  return urls.map((url) => details.find((detail) => detail.url === url) ?? { url });
}

export async function removeWebhook(api: SwitchBotClient, url: string | undefined, options: { force?: boolean } = {}): Promise<string[]> {
  const existing = await api.queryWebhookUrls();
  const targets = url === undefined ? existing.filter(isAmpgateWebhookUrl) : existing.filter((other) => other === url);
  for (const target of targets) {
    if (!isAmpgateWebhookUrl(target) && !options.force) {
      throw new WebhookAdminError(
        `${redactWebhookUrl(target)} was not created by ampgate; deleting it would cut off the integration that uses it. ` +
          "Re-run with --force if that is what you want.",
      );
    }
  }
  for (const target of targets) await api.deleteWebhook(target);
  return targets;
}
