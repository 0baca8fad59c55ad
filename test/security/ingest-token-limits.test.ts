// Per-token limits through the whole stack (API Gateway event → ingest handler → SSM token list): a token's
// maxRequestsPerMinute answers 429 with Retry-After once spent, its maxBodyBytes answers 413, neither affects
// another token, and a refused request forwards nothing to AMP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "@ampgate/core/auth/token-hash";
import { LOCAL_SECRETS_PREFIX, type LocalStack } from "../../local/stack";
import { startTestStack } from "../support/local-stack";
import { postRemoteWrite, remoteWriteBody } from "../support/remote-write";

const LIMITED = "ag_limited-token-0123456789abcdefghijklmnopqrstu";
const SMALL = "ag_small-body-token-0123456789abcdefghijklmnopqr";
const OTHER = "ag_unlimited-token-0123456789abcdefghijklmnopqrs";
let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack("limits");
  // Before the first request, so the handler's first (cached) read sees these tokens.
  stack.ssm.put(`${LOCAL_SECRETS_PREFIX}ingest-tokens`, JSON.stringify([
    { name: "limited", sha256: hashToken(LIMITED), maxRequestsPerMinute: 3 },
    { name: "small", sha256: hashToken(SMALL), maxBodyBytes: 200 },
    { name: "other", sha256: hashToken(OTHER) },
  ]));
});
afterAll(() => stack?.stop());

let clock = Date.now() - 60_000;
function body(series: number): Uint8Array {
  clock += 10;
  return remoteWriteBody({
    timeseries: Array.from({ length: series }, (_, i) => ({
      labels: [{ name: "__name__", value: "limit_probe" }, { name: "i", value: String(i).padStart(4, "0") }],
      samples: [{ value: i, timestamp: clock }],
      exemplars: [],
      histograms: [],
    })),
    metadata: [],
  });
}

const push = (token: string, payload: Uint8Array) => postRemoteWrite(`${stack.url}/api/v1/write`, payload, { authorization: `Bearer ${token}` });

describe("per-token limits", () => {
  it("maxRequestsPerMinute: the 4th request in a minute is 429 with Retry-After, nothing forwarded; other tokens unaffected", async () => {
    for (let i = 0; i < 3; i++) expect((await push(LIMITED, body(1))).status).toBe(204);
    const writes = stack.standin!.stats.writesAccepted;
    const refused = await push(LIMITED, body(1));
    expect(refused.status).toBe(429);
    // 3 per minute refill one every 20 s.
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(await refused.text()).toMatch(/"limited" is limited to 3 requests per minute/);
    expect(stack.standin!.stats.writesAccepted).toBe(writes);
    expect((await push(OTHER, body(1))).status).toBe(204);
  });

  it("maxBodyBytes: a body over the token's own limit is 413 naming the limit; the same body from another token is accepted", async () => {
    const large = body(40);
    expect(large.byteLength).toBeGreaterThan(200);
    const refused = await push(SMALL, large);
    expect(refused.status).toBe(413);
    expect(await refused.text()).toMatch(/limit is 200/);
    expect((await push(SMALL, body(1))).status).toBe(204);
    expect((await push(OTHER, large)).status).toBe(204);
  });
});
