// The whole write path with real parts: a real Prometheus agent scrapes a target and remote-writes with a bearer
// token to the local stack's ingest route; the series, stamped with the token's labels, are then found through
// the SigV4-verifying AMP stand-in's query API. An agent with a wrong token writes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack";
import { startPrometheus, type PrometheusProcess } from "../../local/prometheus-process";
import { ampQuerier } from "../support/amp-query";
import { startTestStack } from "../support/local-stack";
import { startScrapeTarget, type ScrapeTarget } from "../support/scrape-target";
import { waitFor } from "../support/wait-for";

const INGEST_TOKEN = "ag_test-ingest-token-0123456789abcdefghijklmnop";
let stack: LocalStack;
let target: ScrapeTarget;
const agents: PrometheusProcess[] = [];

function agentConfig(token: string, job: string): string {
  return `
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: ${job}
    static_configs: [ { targets: ['${target.address}'] } ]
remote_write:
  - url: ${stack.url}/api/v1/write
    authorization:
      credentials: ${token}
    queue_config: { batch_send_deadline: 1s, min_backoff: 50ms, max_backoff: 500ms }
    metadata_config: { send: true, send_interval: 2s }
`;
}

beforeAll(async () => {
  stack = await startTestStack("e2e", { env: { INGEST_TOKEN } });
  target = await startScrapeTarget(() => [
    "# HELP room_temperature_celsius Temperature.",
    "# TYPE room_temperature_celsius gauge",
    'room_temperature_celsius{room="living room",sensor="ß-1"} 21.5',
    "# TYPE door_opens_total counter",
    "door_opens_total 7",
    "",
  ].join("\n"));
});

afterAll(async () => {
  for (const agent of agents) await agent.stop();
  await target?.close();
  await stack?.stop();
});

describe("Prometheus agent → ingest → AMP stand-in", () => {
  it("lands the agent's series with the token's labels stamped on, queryable through the signed query API", async () => {
    agents.push(await startPrometheus({ mode: "agent", config: agentConfig(INGEST_TOKEN, "pi") }));
    const query = ampQuerier(stack.ampEndpoint);
    const series = await waitFor("room_temperature_celsius in the stand-in", async () => {
      const result = await query('room_temperature_celsius{job="pi"}');
      return result.length ? result : undefined;
    });
    expect(series).toHaveLength(1);
    expect(series[0]!.metric).toMatchObject({
      __name__: "room_temperature_celsius",
      job: "pi",
      room: "living room",
      sensor: "ß-1",
      source: "local",
    });
    expect(series[0]!.value[1]).toBe("21.5");
    const counter = await waitFor("door_opens_total", async () => (await query('door_opens_total{source="local"}'))[0]);
    expect(counter.value[1]).toBe("7");
    // The agent's own `up` series went through the same path.
    expect((await query('up{job="pi",source="local"}'))[0]?.value[1]).toBe("1");
  });

  it("writes nothing for an agent with a wrong token, and the agent sees its sends fail", async () => {
    const agent = await startPrometheus({ mode: "agent", config: agentConfig("ag_wrong-token-0000000000000000000000", "intruder") });
    agents.push(agent);
    await waitFor("the agent to record failed sends", async () => {
      const metrics = await (await fetch(`${agent.url}/metrics`)).text();
      const failed = metrics.match(/^prometheus_remote_storage_samples_failed_total\{[^}]*\} (\d+(?:\.\d+)?(?:e\+\d+)?)$/m);
      return failed && Number(failed[1]) > 0 ? true : undefined;
    });
    const query = ampQuerier(stack.ampEndpoint);
    expect(await query('{job="intruder"}')).toEqual([]);
  });
});
