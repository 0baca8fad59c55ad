/**
 * The real poll handler (functions/poll.ts) wired to a local stack as infra wires it in AWS: the SwitchBot account's
 * credentials in the stack's SSM, the poller's state in a directory of the stack's, its settings in process.env
 * (read on the first poll). `apiUrl` is the SwitchBot simulator, or a fault proxy in front of it.
 *
 *   const poll = await wirePollHandler(stack, { apiUrl: sim.url, token, secret, env: { POLL_INTERVAL_SECONDS: "300" } });
 *   const outcome = await poll({ scheduledTime: "2026-11-21T12:00:00Z" });
 */
import { join } from "node:path";
import type { PollOutcome } from "@ampgate/core/switchbot/poller";
import type { PollEvent } from "../../functions/poll";
import { lambdaContext } from "../../local/lambda-host";
import { LOCAL_SECRETS_PREFIX, type LocalStack } from "../../local/stack";

export interface PollerWiring {
  apiUrl: string;
  token: string;
  secret: string;
  /** More of the poller's settings (POLL_INTERVAL_SECONDS, SWITCHBOT_TIMEOUT_MS, …). */
  env?: Record<string, string>;
}

export async function wirePollHandler(stack: LocalStack, wiring: PollerWiring): Promise<(event: PollEvent) => Promise<PollOutcome>> {
  Object.assign(process.env, { SWITCHBOT_STATE_DIR: join(stack.dataDir, "state"), SWITCHBOT_API_URL: wiring.apiUrl, ...wiring.env });
  stack.ssm.put(`${LOCAL_SECRETS_PREFIX}switchbot-token`, wiring.token);
  stack.ssm.put(`${LOCAL_SECRETS_PREFIX}switchbot-secret`, wiring.secret);
  const { handler } = await import("../../functions/poll");
  return (event) => handler(event, lambdaContext("poll"));
}
