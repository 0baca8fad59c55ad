/**
 * `npm start`: the local stack in the foreground. Ctrl-C stops every child process before returning.
 *
 * Configuration (environment): PORT (8787), AMP_ENDPOINT (a real workspace; default: embedded Prometheus
 * stand-in), AWS_REGION, INGEST_TOKEN / READ_TOKEN (default: generated once, kept in .local/tokens.json),
 * SWITCHBOT_TOKEN / SWITCHBOT_SECRET (default: the SwitchBot simulator), POLL_INTERVAL_SECONDS (60),
 * AMPGATE_SELF_METRICS_INTERVAL_SECONDS (15: the pipeline-health dashboard fills within a minute; `off` disables).
 */
import { lambdaContext, loadHandler } from "./lambda-host";
import { LOCAL_SECRETS_PREFIX, startLocalStack } from "./stack";
import { startLocalSwitchbot } from "./switchbot-simulator/local-switchbot";

const port = Number(process.env.PORT ?? "8787");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be a TCP port number, got ${JSON.stringify(process.env.PORT)}\n`);
  process.exit(2);
}

const stack = await startLocalStack({
  port,
  selfMetricsIntervalSeconds: process.env.AMPGATE_SELF_METRICS_INTERVAL_SECONDS ?? 15,
  ...(process.env.AMP_ENDPOINT ? { ampEndpoint: process.env.AMP_ENDPOINT } : {}),
}).catch((error: Error) => {
  process.stderr.write(`ampgate: could not start the local stack: ${error.message}\n`);
  process.exit(1);
});

// SwitchBot: the simulator unless SWITCHBOT_TOKEN/SWITCHBOT_SECRET are set; the poll schedule either way.
const switchbot = await startLocalSwitchbot({
  env: process.env,
  dataDir: stack.dataDir,
  putSecret: (name, value) => stack.ssm.put(`${LOCAL_SECRETS_PREFIX}${name}`, value),
  invokePoll: async (event) => (await loadHandler("poll"))(event, lambdaContext("poll")),
  webhookUrl: `${stack.url}/switchbot/webhook/${stack.webhookPathSecret}`,
}).catch(async (error: Error) => {
  process.stderr.write(`ampgate: could not start the SwitchBot poller: ${error.message}\n`);
  await stack.stop();
  process.exit(1);
});

const lines = [
  "",
  `ampgate is running at ${stack.url}`,
  stack.prometheus
    ? `  AMP stand-in: ${stack.ampEndpoint} (SigV4-verified) → Prometheus ${stack.prometheus.url}`
    : `  AMP workspace: ${stack.ampEndpoint}`,
  `  remote write:  ${stack.url}/api/v1/write`,
  `  ingest token:  ${stack.generatedTokens.includes("ingestToken") ? stack.ingestToken + "   (generated; saved in .local/tokens.json)" : "from INGEST_TOKEN"}`,
  `  read token:    ${stack.generatedTokens.includes("readToken") ? stack.readToken + "   (generated; saved in .local/tokens.json)" : "from READ_TOKEN"}`,
  `  SwitchBot:     ${switchbot.mode === "simulator" ? `simulator at ${switchbot.apiUrl} (set SWITCHBOT_TOKEN/SWITCHBOT_SECRET for a real account)` : "real account (SWITCHBOT_TOKEN)"}, polled every ${switchbot.intervalSeconds} s`,
  "Press Ctrl-C to stop.",
  "",
];
process.stderr.write(lines.join("\n") + "\n");

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`\n${signal}: stopping…\n`);
  await switchbot.stop();
  await stack.stop();
  process.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(signal));
