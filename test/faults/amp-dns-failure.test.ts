/**
 * DNS failure: the AMP workspace host does not resolve (a typo'd region, a resolver outage in the VPC). Driven
 * through the ingest core route with the real writer, signer and node:http transport, pointed at a `.invalid` host
 * (RFC 6761: never resolves, anywhere — so this test needs no network and cannot reach one).
 * The stack cannot be used here: AMP_ENDPOINT accepts only AMP hosts or loopback, and both resolve.
 */
import { describe, expect, it } from "vitest";
import { createAmpWriter } from "@ampgate/core/amp/remote-write-client";
import { createAmpHttpClient } from "@ampgate/core/amp/signed-client";
import { createSigV4Signer } from "@ampgate/core/amp/sigv4-signer";
import { parseWorkspaceEndpoint, type AmpWorkspaceEndpoint } from "@ampgate/core/amp/workspace-endpoint";
import { createLogger, setLogSink } from "@ampgate/core/log/logger";
import { compressSnappyBlock, encodeWriteRequest } from "@ampgate/core/remote-write/index";
import { ingestRoute, pushRequest } from "./support/ingest-route";

const UNRESOLVABLE = "aps-workspaces.ampgate-fault.invalid";

function unresolvableEndpoint(): AmpWorkspaceEndpoint {
  const parsed = parseWorkspaceEndpoint("http://127.0.0.1:9/workspaces/ws-dns", { region: "eu-west-1" });
  return { ...parsed, origin: `http://${UNRESOLVABLE}`, host: UNRESOLVABLE, remoteWriteUrl: `http://${UNRESOLVABLE}/workspaces/ws-dns/api/v1/remote_write` };
}

describe("AMP host does not resolve", () => {
  it("the pusher gets 503 amp_unreachable with Retry-After after ampgate's retries, and the log names ENOTFOUND", async () => {
    const lines: string[] = [];
    const previous = setLogSink((line) => lines.push(line));
    try {
      const log = createLogger({ level: "debug", fields: { fn: "ingest" } });
      const writer = createAmpWriter({
        client: createAmpHttpClient({
          endpoint: unresolvableEndpoint(),
          signer: createSigV4Signer({ region: "eu-west-1", credentials: async () => ({ accessKeyId: "AKIADNSFAULT", secretAccessKey: "dns-fault-secret" }) }),
        }),
        retry: { baseDelayMs: 10, maxDelayMs: 50 },
        log,
      });
      const body = compressSnappyBlock(encodeWriteRequest({
        timeseries: [{ labels: [{ name: "__name__", value: "dns_probe" }], samples: [{ value: 1, timestamp: Date.now() }], exemplars: [], histograms: [] }],
        metadata: [],
      }));
      const response = await ingestRoute({ writer, log })(pushRequest("POST /api/v1/write", { body, headers: { "content-encoding": "snappy" } }));
      expect(response.status).toBe(503);
      expect(Number(response.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(response.body).toMatch(/AMP could not be reached; nothing from this request was acknowledged/);
      const retries = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "amp write retry");
      expect(retries.length).toBe(5); // 6 attempts: the DNS failure is a network error, retried like a reset
      expect(retries.every((l) => String(l.error).includes("ENOTFOUND"))).toBe(true);
    } finally {
      setLogSink(previous);
    }
  });
});
