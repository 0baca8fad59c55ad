/**
 * The SwitchBot part of `npm start`: a SwitchBot account to poll, the poller's configuration, and the schedule.
 *
 *   const switchbot = await startLocalSwitchbot({ env: process.env, dataDir, putSecret, invokePoll, webhookUrl });
 *   …
 *   await switchbot.stop();
 *
 * - Without SWITCHBOT_TOKEN/SWITCHBOT_SECRET: starts the simulator (a made-up token/secret for a simulated
 *   account), points the poller at it (SWITCHBOT_API_URL), registers the local webhook URL with it and emits a
 *   changeReport every `eventEverySeconds`, so webhooks flow too. The simulated account gets a larger daily quota
 *   (100,000) so its 8 pollable devices can be read every tick of a 60 s schedule; a real account keeps 10,000
 *   and the poller spreads devices over runs instead (see core quota-budget.ts).
 * - With SWITCHBOT_TOKEN/SWITCHBOT_SECRET: the real API (api.switch-bot.com); nothing is registered — use
 *   `npm run switchbot-webhook` for that, it needs a public HTTPS URL.
 * Either way the token and secret go into the local SSM as `switchbot-token`/`switchbot-secret`, exactly where
 * the Lambda reads them in AWS, and the schedule invokes the real poll handler: first right after start, then
 * every POLL_INTERVAL_SECONDS (default 60), with `scheduledTime` as EventBridge Scheduler would send it. Runs never
 * overlap; a failed run (AMP down) is logged and its batch waits in the state for the next run.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createHome } from "./home";
import { startSwitchbotSimulator, type SwitchbotSimulator } from "./simulator";

export interface LocalSwitchbotOptions {
  env: NodeJS.ProcessEnv;
  /** The local stack's data directory; the poller state goes to `<dataDir>/switchbot-state`. */
  dataDir: string;
  putSecret: (name: "switchbot-token" | "switchbot-secret", value: string) => void;
  /** Invoke the poll Lambda handler with a schedule event. */
  invokePoll: (event: { scheduledTime: string }) => Promise<unknown>;
  /** The local webhook URL to register with the simulator (simulated account only). */
  webhookUrl?: string;
  /** Simulated webhook deliveries; 0 disables. Default 30. */
  eventEverySeconds?: number;
  log?: (line: string) => void;
}

export interface LocalSwitchbot {
  readonly mode: "simulator" | "real";
  readonly apiUrl: string;
  readonly intervalSeconds: number;
  readonly simulator?: SwitchbotSimulator;
  stop(): Promise<void>;
}

const SIMULATED_DAILY_LIMIT = 100_000;

export async function startLocalSwitchbot(options: LocalSwitchbotOptions): Promise<LocalSwitchbot> {
  const { env } = options;
  const log = options.log ?? ((line: string) => process.stderr.write(`[switchbot] ${line}\n`));
  const intervalSeconds = Number(env.POLL_INTERVAL_SECONDS ?? "60");
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 1) {
    throw new Error(`POLL_INTERVAL_SECONDS must be a whole number of seconds ≥ 1, got ${JSON.stringify(env.POLL_INTERVAL_SECONDS)}`);
  }
  const real = Boolean(env.SWITCHBOT_TOKEN && env.SWITCHBOT_SECRET);
  let simulator: SwitchbotSimulator | undefined;
  let token = env.SWITCHBOT_TOKEN ?? "";
  let secret = env.SWITCHBOT_SECRET ?? "";
  if (!real) {
    token = randomBytes(48).toString("hex");
    secret = randomBytes(16).toString("hex");
    simulator = await startSwitchbotSimulator({ token, secret, dailyLimit: SIMULATED_DAILY_LIMIT, home: createHome() });
    process.env.SWITCHBOT_API_URL = simulator.url;
    process.env.SWITCHBOT_QUOTA_DAILY_LIMIT = String(SIMULATED_DAILY_LIMIT);
    if (options.webhookUrl) {
      simulator.webhook.handle("/v1.1/webhook/setupWebhook", { action: "setupWebhook", url: options.webhookUrl, deviceList: "ALL" }, Date.now());
    }
  }
  options.putSecret("switchbot-token", token);
  options.putSecret("switchbot-secret", secret);
  process.env.POLL_INTERVAL_SECONDS = String(intervalSeconds);
  process.env.SWITCHBOT_STATE_DIR ??= join(options.dataDir, "switchbot-state");

  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let eventTimer: NodeJS.Timeout | undefined;
  const started = Date.now();

  const runAt = (scheduledTime: number) => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        const outcome = (await options.invokePoll({ scheduledTime: new Date(scheduledTime).toISOString() })) as {
          summary?: { read: number; due: number; devices: number };
          written?: number[];
        };
        const summary = outcome.summary;
        log(`poll ${new Date(scheduledTime).toISOString()}: ${summary ? `${summary.read}/${summary.due} due devices read (${summary.devices} listed)` : "nothing polled"}, ${outcome.written?.length ?? 0} batch(es) written`);
      } catch (error) {
        log(`poll ${new Date(scheduledTime).toISOString()} failed: ${(error as Error).message}`);
      }
    });
  };
  // Ticks at start + k × interval, so a slow run does not shift the schedule (as with EventBridge).
  const tick = (k: number) => {
    if (stopped) return;
    runAt(started + k * intervalSeconds * 1000);
    timer = setTimeout(() => tick(k + 1), Math.max(0, started + (k + 1) * intervalSeconds * 1000 - Date.now()));
  };
  tick(0);

  const eventEvery = options.eventEverySeconds ?? 30;
  if (simulator && options.webhookUrl && eventEvery > 0) {
    const senders = simulator.devices.filter((device) => device.event && device.webhookType && device.enableCloudService !== false);
    let next = 0;
    eventTimer = setInterval(() => {
      const device = senders[next++ % senders.length];
      if (!device) return;
      simulator!.emitEvent(device.deviceId).catch((error: Error) => log(`webhook delivery failed: ${error.message}`));
    }, eventEvery * 1000);
  }

  return {
    mode: real ? "real" : "simulator",
    apiUrl: simulator?.url ?? env.SWITCHBOT_API_URL ?? "https://api.switch-bot.com",
    intervalSeconds,
    ...(simulator ? { simulator } : {}),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (eventTimer) clearInterval(eventTimer);
      await running;
      await simulator?.stop();
    },
  };
}
