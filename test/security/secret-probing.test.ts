/**
 * Probing a secret by its answers or their timing. The webhook path secret and the bearer tokens are compared as
 * SHA-256 digests in constant time (auth/token-hash.ts), so a wrong guess that shares a long prefix with the secret
 * must get exactly the answer, and take the same time, as one that shares nothing — and a wrong webhook secret must
 * look exactly like a path with no route at all.
 *
 * Timing is measured in-process on the real receiver and ingest route (network jitter would hide everything), with
 * the classes interleaved and compared by median; the bound is generous (±25 %), so what it catches is a real
 * shortcut — an early return before hashing, a character-by-character compare that stops at the first difference
 * on a long value, a lookup that skips work — not nanoseconds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeErrorToRequestError } from "@ampgate/core/amp/errors";
import { createLogger } from "@ampgate/core/log/logger";
import { createFirstTimeFilter } from "@ampgate/core/switchbot/log-once";
import { handleSwitchbotWebhook } from "@ampgate/core/switchbot/webhook-receiver";
import type { LocalStack } from "../../local/stack";
import { ingestRoute, pushRequest, recordingWriter, ROUTE_TOKEN } from "../faults/support/ingest-route";
import { reportFigures, type FigureRow } from "../faults/support/report-figures";
import { startTestStack } from "../support/local-stack";
import { webhookRequest } from "./support/webhook-request";

const SECRET = "wh-Pq7Rt2Vx5Zb8Dd1Fg4Hj6Km9Np3Qs0Tv";
const figures: FigureRow[] = [];

/** Wrong guesses: sharing all but the last character, sharing nothing, shorter, empty. */
function guesses(secret: string): Record<string, string> {
  return {
    "all but the last character": `${secret.slice(0, -1)}${secret.endsWith("x") ? "y" : "x"}`,
    "nothing in common": "Z".repeat(secret.length),
    "a short guess": secret.slice(0, 4),
    "the empty string": "",
  };
}

/** Median time (µs) of `run` per class, the classes interleaved so drift hits all alike. */
async function medianMicros(classes: Record<string, () => Promise<unknown>>, rounds: number): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(classes).map((name) => [name, []]));
  for (let warmup = 0; warmup < 200; warmup++) for (const run of Object.values(classes)) await run();
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(classes)) {
      const started = process.hrtime.bigint();
      await run();
      samples[name]!.push(Number(process.hrtime.bigint() - started) / 1000);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!]));
}

function expectAlike(medians: Record<string, number>): void {
  const values = Object.values(medians);
  const low = Math.min(...values);
  const high = Math.max(...values);
  expect(high / low, JSON.stringify(medians)).toBeLessThan(1.25);
}

const PROBE_BODY = '{"eventType":"changeReport","eventVersion":"1","context":{"deviceMac":"C271111EC0AB"}}';

const webhookDeps = {
  pathSecret: async () => SECRET,
  devices: { byId: async () => new Map() },
  writer: { write: async () => undefined },
  writeErrorToRequestError,
  log: createLogger({ level: "error" }),
  firstTime: createFirstTimeFilter(),
};

describe("the webhook path secret cannot be probed", () => {
  it("every wrong secret gets byte-for-byte the same 404 as a path with no route", async () => {
    const answers = await Promise.all(Object.values(guesses(SECRET)).map((guess) => handleSwitchbotWebhook(webhookRequest(guess, PROBE_BODY), webhookDeps, { deadline: Date.now() + 5_000 })));
    for (const answer of answers) expect(answer).toEqual({ status: 404, headers: { "content-type": "application/json" }, body: '{"message":"Not Found"}' });
  });

  it("and in the same time, whatever the guess shares with the secret", async () => {
    const classes = Object.fromEntries(Object.entries(guesses(SECRET)).map(([name, guess]) => [name, () => handleSwitchbotWebhook(webhookRequest(guess, PROBE_BODY), webhookDeps, { deadline: Date.now() + 5_000 })]));
    const medians = await medianMicros(classes, 3_000);
    figures.push({ secret: "webhook path secret", ...Object.fromEntries(Object.entries(medians).map(([k, v]) => [`${k} (µs)`, Math.round(v * 100) / 100])) });
    expectAlike(medians);
  }, 60_000);
});

describe("ingest tokens cannot be probed", () => {
  it("a wrong token gets the same 401 and takes the same time, whatever it shares with the real one", async () => {
    const route = ingestRoute({ writer: recordingWriter() });
    const request = (token: string) => pushRequest("POST /api/v1/write", { headers: { authorization: `Bearer ${token}`, "content-encoding": "snappy" }, body: new Uint8Array([1, 0]) });
    const answers = await Promise.all(Object.values(guesses(ROUTE_TOKEN)).filter(Boolean).map((guess) => route(request(guess))));
    for (const answer of answers) expect({ status: answer.status, body: answer.body }).toEqual({ status: 401, body: "invalid ingest token" });
    const classes = Object.fromEntries(Object.entries(guesses(ROUTE_TOKEN)).filter(([, guess]) => guess).map(([name, guess]) => [name, () => route(request(guess))]));
    const medians = await medianMicros(classes, 3_000);
    figures.push({ secret: "ingest token", ...Object.fromEntries(Object.entries(medians).map(([k, v]) => [`${k} (µs)`, Math.round(v * 100) / 100])) });
    expectAlike(medians);
  }, 60_000);
});

describe("through the local stack (API Gateway event shape)", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startTestStack("probing");
  });
  afterAll(() => stack?.stop());

  it("a wrong webhook secret, a prefix of it, and a path with no route answer identically", async () => {
    const answer = async (path: string) => {
      const response = await fetch(`${stack.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      return { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() };
    };
    const noRoute = await answer("/switchbot/hooks/anything");
    expect(noRoute).toEqual({ status: 404, contentType: "application/json", body: '{"message":"Not Found"}' });
    for (const guess of Object.values(guesses(stack.webhookPathSecret)).filter(Boolean)) {
      expect(await answer(`/switchbot/webhook/${encodeURIComponent(guess)}`)).toEqual(noRoute);
    }
  });
});

afterAll(() => reportFigures("secret-probing", figures));
