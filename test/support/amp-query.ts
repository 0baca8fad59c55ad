/**
 * Queries against an AMP-shaped endpoint (the local stand-in), signed like every other AMP call with the default
 * credential chain — so a test that "finds the series in AMP" also proves the stand-in's signature checks let real
 * clients through.
 */
import { createAmpHttpClient } from "@ampgate/core/amp/signed-client";
import { createSigV4Signer } from "@ampgate/core/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "@ampgate/core/amp/workspace-endpoint";

export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A series as a query API answers it: `value` for an instant vector, `values` for a range vector or matrix. */
export interface PromSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

/** `get(path, params)`: a signed GET of one of the workspace's query APIs, returning `data.result`. */
export function ampQueryApi(ampEndpoint: string, region = process.env.AWS_REGION ?? "us-east-1") {
  const endpoint = parseWorkspaceEndpoint(ampEndpoint, { region });
  const client = createAmpHttpClient({ endpoint, signer: createSigV4Signer({ region: endpoint.region }) });
  return async function get<T = PromSeries>(path: "/api/v1/query" | "/api/v1/query_range", params: Record<string, string>, timeoutMs = 10_000): Promise<T[]> {
    const response = await client.request({ method: "GET", path, query: new URLSearchParams(params), timeoutMs });
    const text = Buffer.from(response.body).toString("utf8");
    if (response.status !== 200) throw new Error(`${path} ${params.query} → ${response.status}: ${text}`);
    return (JSON.parse(text) as { data: { result: T[] } }).data.result;
  };
}

/** `query(promql)`: an instant query at the stand-in's now. */
export function ampQuerier(ampEndpoint: string, region?: string) {
  const get = ampQueryApi(ampEndpoint, region);
  return (promql: string): Promise<InstantSample[]> => get<InstantSample>("/api/v1/query", { query: promql });
}
