/**
 * Shared set-up for the push-format integration tests: the local stack (API Gateway event shape → ingest
 * handler → SigV4-verifying AMP stand-in → real Prometheus), a `push` over real HTTP, signed PromQL queries,
 * and the stand-in's count of accepted writes (to prove that bad input forwarded nothing).
 */
import type { LocalStack } from "../../local/stack";
import { ampQuerier, type InstantSample } from "../support/amp-query";
import { startTestStack } from "../support/local-stack";
import { waitFor } from "../support/wait-for";

export const INGEST_TOKEN = "ag_formats-test-token-abcdefghijklmnopqrstuvwxyz";

export interface PushResult {
  status: number;
  headers: Headers;
  text: string;
  bytes: Uint8Array;
}

export interface FormatsHarness {
  readonly stack: LocalStack;
  push(path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array }): Promise<PushResult>;
  /** The series matching `promql`, waiting until at least one is there. */
  series(promql: string): Promise<InstantSample[]>;
  query(promql: string): Promise<InstantSample[]>;
  writesAccepted(): number;
  stop(): Promise<void>;
}

export async function startFormatsHarness(name: string): Promise<FormatsHarness> {
  const stack = await startTestStack(name, { env: { INGEST_TOKEN } });
  const query = ampQuerier(stack.ampEndpoint);
  return {
    stack,
    async push(path, init) {
      const response = await fetch(`${stack.url}${path}`, {
        method: init.method ?? "POST",
        headers: { authorization: `Bearer ${INGEST_TOKEN}`, ...init.headers },
        body: init.body,
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, headers: response.headers, bytes, text: Buffer.from(bytes).toString("utf8") };
    },
    series: (promql) => waitFor(promql, async () => {
      const result = await query(promql);
      return result.length > 0 ? result : undefined;
    }),
    query,
    writesAccepted: () => stack.standin!.stats.writesAccepted,
    stop: () => stack.stop(),
  };
}

/** `{name: value}` of instant-query results, keyed by a chosen label, for compact assertions. */
export function valuesBy(samples: readonly InstantSample[], label: string): Record<string, string> {
  return Object.fromEntries(samples.map((s) => [s.metric[label] ?? "", s.value[1]]));
}
