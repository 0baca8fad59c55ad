/**
 * Register, show or delete the SwitchBot webhook URL that delivers device events to ampgate.
 *
 *   npm run switchbot-webhook -- query
 *   npm run switchbot-webhook -- register https://<api-id>.execute-api.<region>.amazonaws.com/switchbot/webhook/<secret>
 *   npm run switchbot-webhook -- delete [<url>] [--force]
 *
 * SwitchBot keeps ONE webhook URL per account. If Home Assistant, Homebridge or another tool already receives
 * this account's events, registering ampgate's URL stops theirs: `register` refuses unless you pass --force, and
 * `delete` refuses to remove a URL ampgate did not create (path /switchbot/webhook/<secret>) without --force.
 * Each command makes at most five API calls, counted against the account's 10,000/day quota.
 *
 * Credentials: SWITCHBOT_TOKEN and SWITCHBOT_SECRET (SwitchBot app → Profile → Preferences → About → tap
 * App Version 10× → Developer Options). SWITCHBOT_API_URL points at another server (the local simulator).
 * The path secret is the SSM parameter `webhook-path-secret`; printed URLs show only its first characters.
 */
import { createSwitchBotClient } from "@ampgate/core/switchbot/client";
import { SwitchBotError } from "@ampgate/core/switchbot/errors";
import {
  describeWebhooks,
  redactWebhookUrl,
  registerWebhook,
  removeWebhook,
  WebhookAdminError,
} from "@ampgate/core/switchbot/webhook-registration";

const USAGE = `usage: npm run switchbot-webhook -- <command>
  query                          show the account's webhook URL and whether it is enabled
  register <url> [--force]       deliver events to <url> (…/switchbot/webhook/<secret>); --force replaces
                                 another integration's URL (it stops receiving events)
  delete [<url>] [--force]       delete ampgate's URL (or <url>; --force for a URL ampgate did not create)
environment: SWITCHBOT_TOKEN, SWITCHBOT_SECRET, optional SWITCHBOT_API_URL`;

async function main(argv: string[]): Promise<number> {
  const force = argv.includes("--force");
  const [command, url, ...rest] = argv.filter((arg) => arg !== "--force");
  if (!command || rest.length > 0 || command === "--help" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const token = process.env.SWITCHBOT_TOKEN;
  const secret = process.env.SWITCHBOT_SECRET;
  if (!token || !secret) {
    process.stderr.write("SWITCHBOT_TOKEN and SWITCHBOT_SECRET must be set (see the header of scripts/switchbot-webhook.ts)\n");
    return 2;
  }
  const api = createSwitchBotClient({ token, secret, ...(process.env.SWITCHBOT_API_URL ? { baseUrl: process.env.SWITCHBOT_API_URL } : {}) });
  const say = (line: string) => process.stdout.write(`${line}\n`);

  switch (command) {
    case "query": {
      const hooks = await describeWebhooks(api);
      if (hooks.length === 0) say("no webhook URL is registered for this account");
      for (const hook of hooks) {
        const state = hook.enable === false ? "disabled" : hook.enable === true ? "enabled" : "state unknown";
        say(`${redactWebhookUrl(hook.url)}  (${state}, devices: ${hook.deviceList ?? "?"})`);
      }
      return 0;
    }
    case "register": {
      if (!url) break;
      const result = await registerWebhook(api, url, { force });
      for (const old of result.replaced) say(`deleted ${redactWebhookUrl(old)}`);
      say(result.action === "already_registered" ? `already registered: ${redactWebhookUrl(url)}` : `registered ${redactWebhookUrl(url)}`);
      return 0;
    }
    case "delete": {
      const deleted = await removeWebhook(api, url, { force });
      if (deleted.length === 0) say("nothing to delete");
      for (const gone of deleted) say(`deleted ${redactWebhookUrl(gone)}`);
      return 0;
    }
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof WebhookAdminError || error instanceof SwitchBotError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  },
);
