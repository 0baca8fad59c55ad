/**
 * Instant queries against an AMP-shaped endpoint (the local stand-in), signed like every other AMP call —
 * so a test that "finds the series in AMP" also proves the stand-in's signature checks let real clients through.
 */
import { createAmpHttpClient } from "@ampgate/core/amp/signed-client";
import { createSigV4Signer } from "@ampgate/core/amp/sigv4-signer";
import { parseWorkspaceEndpoint } from "@ampgate/core/amp/workspace-endpoint";

export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

export function ampQuerier(ampEndpoint: string, region = process.env.AWS_REGION ?? "us-east-1") {
  const endpoint = parseWorkspaceEndpoint(ampEndpoint, { region });
  const client = createAmpHttpClient({ endpoint, signer: createSigV4Signer({ region: endpoint.region }) });
  return async function query(promql: string): Promise<InstantSample[]> {
    const response = await client.request({
      method: "GET",
      path: "/api/v1/query",
      query: new URLSearchParams({ query: promql }),
      timeoutMs: 10_000,
    });
    const text = Buffer.from(response.body).toString("utf8");
    if (response.status !== 200) throw new Error(`query ${promql} → ${response.status}: ${text}`);
    return (JSON.parse(text) as { data: { result: InstantSample[] } }).data.result;
  };
}
