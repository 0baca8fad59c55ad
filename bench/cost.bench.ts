/**
 * Cost (issue #8): Lambda + API Gateway cost per million samples ingested, at Telegraf's default batch (1,000
 * samples per request) and at 10 samples per request, as a percentage of what AMP charges to ingest them.
 *
 * Prices — AWS list prices, us-east-1, as published on the AWS pricing pages in 2025 (not reachable from this
 * machine: check them before relying on the numbers):
 * - Lambda, arm64: $0.20 per 1M requests, $0.0000133334 per GB-second (first 7.5 billion GB-s per month);
 * - API Gateway HTTP API: $1.00 per 1M requests (first 300M per month), metered in 512 KB steps;
 * - AMP ingestion: $0.90 per 10M samples for the first 2 billion samples per month (the first tier; it falls to
 *   $0.35 and then $0.16 per 10M above that, which makes our share larger for very big senders).
 *
 * Duration model: Lambda gives a function CPU in proportion to its memory (1,769 MB = one vCPU), so the
 * handler's CPU time measured here on a whole core is stretched by 1769/memoryMb at ingest's 512 MB; waiting
 * for AMP is not. Billed ms = handler duration on the local stack (AMP stand-in round trip included, from the
 * end-to-end bench) + CPU ms × (1769/memoryMb − 1), rounded up to the millisecond as Lambda bills. Without the
 * end-to-end numbers an AMP round trip of 20 ms is assumed (the note says so).
 */
import { writeErrorToRequestError } from "@ampgate/core/amp/errors";
import type { HttpTransport } from "@ampgate/core/amp/http-transport";
import { createAmpWriter } from "@ampgate/core/amp/remote-write-client";
import { createAmpHttpClient } from "@ampgate/core/amp/signed-client";
import { createSigV4Signer } from "@ampgate/core/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "@ampgate/core/amp/workspace-endpoint";
import { createTokenBucketLimiter } from "@ampgate/core/auth/rate-limit";
import { hashToken } from "@ampgate/core/auth/token-hash";
import { remoteWriteFormat } from "@ampgate/core/formats/remote-write";
import type { CoreRequest } from "@ampgate/core/http";
import { handlePush } from "@ampgate/core/ingest/ingest-pipeline";
import type { Logger } from "@ampgate/core/log/logger";
import { remoteWriteLimits } from "@ampgate/core/remote-write/limits";
import { FUNCTION_SETTINGS } from "../functions/settings";
import type { HandlerDurations } from "./end-to-end.bench";
import { telegrafBatch } from "./fixtures/telegraf-batch";
import { median } from "./lib/measure";
import { result, type BenchResult } from "./lib/results";

export const PRICES = {
  lambdaPerRequest: 0.2 / 1e6,
  lambdaArmPerGbSecond: 0.0000133334,
  apiGatewayHttpPerRequest: 1.0 / 1e6,
  ampPerSampleFirstTier: 0.9 / 1e7,
  /** AWS: "1,769 MB of memory = the equivalent of one vCPU". */
  memoryMbPerVcpu: 1769,
} as const;

const ASSUMED_AMP_ROUND_TRIP_MS = 20;
const TOKEN = "bench-cost-token";

const silent: Logger = { level: "error", debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };

/** Median ms of one ingest request's CPU work — auth, fast path, SigV4 signing, compression — AMP answering at once. */
async function handlerCpuMs(samplesPerRequest: number, runs: number): Promise<number> {
  const endpoint = parseWorkspaceEndpoint("https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-bench");
  const transport: HttpTransport = async () => ({ status: 200, headers: {}, body: new Uint8Array() });
  const signer = createSigV4Signer({ region: endpoint.region, credentials: async () => ({ accessKeyId: "AKIDBENCH", secretAccessKey: "bench-secret" }) });
  const writer = createAmpWriter({ client: createAmpHttpClient({ endpoint, signer, transport }), acceptedParts: false });
  const body = telegrafBatch({ series: samplesPerRequest }).body;
  const deps = {
    tokens: async () => [{ name: "bench", sha256: hashToken(TOKEN), labels: { source: "bench" } }],
    writer, writeErrorToRequestError, limits: remoteWriteLimits(), maxBodyBytes: 4 << 20,
    rateLimiter: createTokenBucketLimiter(), now: Date.now, log: silent,
  };
  const request = (): CoreRequest => ({
    method: "POST", routeKey: "POST /api/v1/write", path: "/api/v1/write",
    headers: { authorization: `Bearer ${TOKEN}`, "content-encoding": "snappy" },
    query: new URLSearchParams(), pathParameters: {}, body, requestId: "bench", sourceIp: "127.0.0.1",
  });
  const times: number[] = [];
  for (let i = 0; i < runs + 10; i++) {
    const started = performance.now();
    const response = await handlePush({ request: request(), format: remoteWriteFormat, deadline: Date.now() + 30_000 }, deps);
    if (response.status !== 204) throw new Error(`bench push answered ${response.status}: ${String(response.body)}`);
    if (i >= 10) times.push(performance.now() - started);
  }
  return median(times);
}

export interface CostInputs {
  quick: boolean;
  /** Handler durations on the local stack, from the end-to-end bench (AMP stand-in round trip included). */
  e2e?: HandlerDurations;
}

export async function benchCost(inputs: CostInputs): Promise<BenchResult[]> {
  const memoryMb = FUNCTION_SETTINGS.ingest.memoryMb;
  const stretch = Math.max(1, PRICES.memoryMbPerVcpu / memoryMb);
  const results: BenchResult[] = [];
  for (const batch of [1_000, 10]) {
    const cpuMs = await handlerCpuMs(batch, inputs.quick ? 40 : 200);
    const localMs = inputs.e2e?.byBatch[batch];
    const billedMs = Math.ceil((localMs ?? cpuMs + ASSUMED_AMP_ROUND_TRIP_MS) + cpuMs * (stretch - 1));
    const requests = 1e6 / batch;
    const lambda = requests * (PRICES.lambdaPerRequest + (billedMs / 1000) * (memoryMb / 1024) * PRICES.lambdaArmPerGbSecond);
    const apiGateway = requests * PRICES.apiGatewayHttpPerRequest;
    const amp = 1e6 * PRICES.ampPerSampleFirstTier;
    const percent = ((lambda + apiGateway) / amp) * 100;
    results.push(result({
      name: `cost per 1M samples at ${batch} samples/request, % of AMP ingest`, unit: "%", measured: percent,
      target: batch === 1_000 ? { kind: "measured ≤", value: 2 } : undefined,
      note: `Lambda $${lambda.toFixed(5)} + API Gateway $${apiGateway.toFixed(5)} vs AMP $${amp.toFixed(3)}; ` +
        `billed ${billedMs} ms/request at ${memoryMb} MB (CPU ${cpuMs.toFixed(2)} ms × ${stretch.toFixed(2)}, ` +
        (localMs === undefined ? `AMP round trip assumed ${ASSUMED_AMP_ROUND_TRIP_MS} ms` : `local handler ${localMs.toFixed(0)} ms incl. stand-in`) + ")",
    }));
  }
  return results;
}
