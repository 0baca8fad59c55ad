/**
 * Fault injection on the query path: Grafana's Prometheus data source asks the query Lambda (local stack, read
 * token), which asks the SigV4 stand-in through the fault proxy. For each AMP fault: Grafana gets a Prometheus error
 * envelope with a status it parses (422 or 503, reference grafana-json §4.4) naming the cause, never a 500 or a hang,
 * within the query time limit; and the very next query, with AMP healthy again, returns the data (nothing wedged).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FaultProxy } from "../../local/fault-proxy/fault-proxy";
import { AMP_FAULTS, type AmpFaultName } from "../../local/fault-proxy/faults";
import type { LocalStack } from "../../local/stack";
import { remoteWriteBatch } from "./support/push-batches";
import { reportFigures, type FigureRow } from "./support/report-figures";
import { startStackBehindProxy } from "./support/stack-behind-proxy";

const INGEST_TOKEN = "ag_query-faults-ingest-0123456789abcdefghijklmn";
const READ_TOKEN = "ag_query-faults-read-0123456789abcdefghijklmnop";
const QUERY_PATH = "/workspaces/ws-local/api/v1/query";
/** Short query budget so that stalls cost seconds (QUERY_TIMEOUT_SECONDS, read by the query Lambda on first use). */
const QUERY_TIMEOUT_SECONDS = 2;

let stack: LocalStack;
let ampProxy: FaultProxy;
let stopStack: (() => Promise<void>) | undefined;
const figures: FigureRow[] = [];

beforeAll(async () => {
  process.env.QUERY_TIMEOUT_SECONDS = String(QUERY_TIMEOUT_SECONDS);
  ({ stack, ampProxy, stop: stopStack } = await startStackBehindProxy("query-faults", { env: { INGEST_TOKEN, READ_TOKEN } }));
  const batch = remoteWriteBatch("seed", stack.url, INGEST_TOKEN, [{ spec: { name: "query_fault_probe", labels: { room: "hall" } }, samples: [{ timestamp: Date.now() - 5_000, value: 21.5 }] }]);
  expect((await fetch(batch.request.url, batch.request.init)).status).toBe(204);
});
afterAll(async () => {
  reportFigures("faults-query", figures);
  await stopStack?.();
  delete process.env.QUERY_TIMEOUT_SECONDS;
});
afterEach(() => ampProxy.clearFaults());

async function grafanaQuery() {
  const started = Date.now();
  const response = await fetch(`${stack.url}/api/v1/query?query=${encodeURIComponent("query_fault_probe")}`, {
    headers: { authorization: `Bearer ${READ_TOKEN}`, accept: "application/json" },
  });
  const text = await response.text();
  return { status: response.status, text, retryAfter: response.headers.get("retry-after"), contentType: response.headers.get("content-type"), ms: Date.now() - started };
}

const CASES: Array<[AmpFaultName, 400 | 422 | 503]> = [
  ["500", 503],
  ["502", 503],
  ["503", 503],
  ["429", 503],
  ["429+retry-after", 503],
  ["403 signature", 503],
  // AMP's 413 means our query request was over its 1 MB limit: Grafana's user must shorten the query.
  ["413", 400],
  ["400 out-of-order", 422],
  ["reset before answer", 503],
  ["reset mid-response", 503],
  ["stall", 503],
  ["slow drip", 503],
];

describe("AMP faults on queries: Grafana gets an envelope it can show, and the next query works", () => {
  it("healthy: the series is there", async () => {
    const answer = await grafanaQuery();
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("query_fault_probe");
  });

  for (const [name, status] of CASES) {
    it(`${name} → ${status}`, async () => {
      ampProxy.inject({ name, fault: AMP_FAULTS[name].fault, times: 1, pathPrefix: QUERY_PATH });
      const failed = await grafanaQuery();
      const envelope = JSON.parse(failed.text) as { status: string; errorType: string; error: string };
      figures.push({ fault: name, grafanaSaw: failed.status, errorType: envelope.errorType, retryAfter: failed.retryAfter ?? "", ms: failed.ms, error: envelope.error.slice(0, 70) });
      expect(failed.status).toBe(status);
      expect(failed.contentType).toMatch(/application\/json/);
      expect(envelope).toMatchObject({ status: "error", errorType: expect.any(String), error: expect.stringMatching(/\S/) });
      expect(envelope.error).not.toMatch(/\n/);
      // AMP's `user=<account>_<workspace>:` prefix and IAM texts name our AWS account: never shown to Grafana.
      expect(envelope.error).not.toMatch(/user=|arn:aws|000000000000/);
      // Within the query budget plus the Lambda's own overhead: never an API Gateway 504.
      expect(failed.ms).toBeLessThan(QUERY_TIMEOUT_SECONDS * 1000 + 5_000);
      expect(ampProxy.stats.faults[name]).toBeGreaterThanOrEqual(1);

      const next = await grafanaQuery();
      expect(next.status).toBe(200);
      expect(next.text).toContain("21.5");
    }, 30_000);
  }
});
