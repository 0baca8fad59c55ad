/**
 * The poll redrive (scripts/redrive-poll.ts) with the real SQS and Lambda SDK clients against local endpoints
 * that speak their wire protocols. Dead letters are shaped as AWS sends them: Scheduler's (the poll event with
 * ERROR_CODE attributes) and Lambda's on-failure destination records (`requestPayload`).
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deadLetterOf, redrivePoll } from "../../scripts/redrive-poll";
import { runScript } from "../support/run-script";
import { startLambdaStandIn, type LambdaStandIn } from "./support/lambda-standin";
import { startSqsStandIn, type SqsStandIn } from "./support/sqs-standin";

const QUEUE = "ampgate-prod-poll-dlq";
const FUNCTION = "ampgate-prod-poll";
const credentials = { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-secret-key" };

const schedulerLetter = (time: string) => JSON.stringify({ scheduledTime: time, executionId: `exec-${time}`, attempt: "1" });
const lambdaLetter = (time: string) => JSON.stringify({
  version: "1.0",
  timestamp: time,
  requestContext: { requestId: "req-1", functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${FUNCTION}:$LATEST`, condition: "RetriesExhausted", approximateInvokeCount: 3 },
  requestPayload: { scheduledTime: time, executionId: `exec-${time}`, attempt: "1" },
  responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
  responsePayload: { errorType: "AmpWriteError", errorMessage: "AMP answered 503" },
});

let sqs: SqsStandIn;
let lambda: LambdaStandIn;
let failing = false;

beforeEach(async () => {
  failing = false;
  sqs = await startSqsStandIn([QUEUE]);
  lambda = await startLambdaStandIn({
    [FUNCTION]: () => {
      if (failing) throw Object.assign(new Error("AMP answered 503"), { name: "AmpWriteError" });
      return { status: "ok" };
    },
  });
});
afterEach(async () => {
  await sqs.close();
  await lambda.close();
});

const clients = () => ({
  sqs: new SQSClient({ endpoint: sqs.url, region: "eu-west-1", credentials }),
  lambda: new LambdaClient({ endpoint: lambda.url, region: "eu-west-1", credentials, maxAttempts: 1 }),
});

describe("redrivePoll", () => {
  it("replays both kinds of dead letter with their original events, synchronously, and deletes them", async () => {
    sqs.send(QUEUE, schedulerLetter("2026-11-21T10:05:00Z"), { ERROR_CODE: "Lambda.TooManyRequestsException" });
    sqs.send(QUEUE, lambdaLetter("2026-11-21T10:10:00Z"));
    const lines: string[] = [];
    const report = await redrivePoll({ stage: "prod", dryRun: false, max: 100 }, clients(), (line) => lines.push(line));

    expect(report).toEqual({ replayed: 2, failed: 0, unreadable: 0, listed: 0 });
    expect(lambda.invocations.map((i) => [i.functionName, i.invocationType, (i.payload as { scheduledTime: string }).scheduledTime])).toEqual([
      [FUNCTION, "RequestResponse", "2026-11-21T10:05:00Z"],
      [FUNCTION, "RequestResponse", "2026-11-21T10:10:00Z"],
    ]);
    expect(lambda.invocations[1]!.payload).toEqual({ scheduledTime: "2026-11-21T10:10:00Z", executionId: "exec-2026-11-21T10:10:00Z", attempt: "1" });
    expect(sqs.messages(QUEUE)).toEqual([]);
    expect(lines.join("\n")).toContain("Lambda.TooManyRequestsException");
  });

  it("stops at the first replay that fails again and keeps that message and the rest", async () => {
    for (const minute of ["05", "10", "15"]) sqs.send(QUEUE, schedulerLetter(`2026-11-21T10:${minute}:00Z`));
    failing = true;
    const lines: string[] = [];
    const report = await redrivePoll({ stage: "prod", dryRun: false, max: 100 }, clients(), (line) => lines.push(line));
    expect(report).toMatchObject({ replayed: 0, failed: 1 });
    expect(lambda.invocations).toHaveLength(1);
    expect(sqs.messages(QUEUE)).toHaveLength(3);
    expect(lines.join("\n")).toMatch(/failed again \(Unhandled\).*AMP answered 503/);
  });

  it("a dry run lists without invoking or deleting", async () => {
    sqs.send(QUEUE, lambdaLetter("2026-11-21T11:00:00Z"));
    const lines: string[] = [];
    const report = await redrivePoll({ stage: "prod", dryRun: true, max: 100 }, clients(), (line) => lines.push(line));
    expect(report).toMatchObject({ listed: 1, replayed: 0 });
    expect(lambda.invocations).toEqual([]);
    expect(sqs.messages(QUEUE)).toHaveLength(1);
    expect(lines[0]).toContain("2026-11-21T11:00:00Z  from lambda (RetriesExhausted: AmpWriteError: AMP answered 503)");
  });

  it("leaves a message that is not a poll event in the queue, and honours --max", async () => {
    sqs.send(QUEUE, "not json");
    for (const minute of ["05", "10", "15"]) sqs.send(QUEUE, schedulerLetter(`2026-11-21T12:${minute}:00Z`));
    const report = await redrivePoll({ stage: "prod", dryRun: false, max: 3 }, clients(), () => undefined);
    expect(report).toEqual({ replayed: 2, failed: 0, unreadable: 1, listed: 0 });
    expect(sqs.messages(QUEUE).map((m) => m.body)).toEqual(["not json", schedulerLetter("2026-11-21T12:15:00Z")]);
  });

  it("names the missing queue when the stage was never deployed", async () => {
    await expect(redrivePoll({ stage: "nosuch", dryRun: false, max: 1 }, clients(), () => undefined)).rejects.toThrow(/queue does not exist/i);
  });
});

describe("deadLetterOf", () => {
  it("takes Lambda's requestPayload, or Scheduler's body as the event", () => {
    expect(deadLetterOf({ Body: lambdaLetter("t1") })).toMatchObject({ origin: "lambda", event: { scheduledTime: "t1" } });
    expect(deadLetterOf({ Body: schedulerLetter("t2") })).toMatchObject({ origin: "scheduler", event: { scheduledTime: "t2" } });
    expect(deadLetterOf({ Body: "[1,2]" })).toBeUndefined();
    expect(deadLetterOf({ Body: "" })).toBeUndefined();
  });
});

it("runs as `npm run redrive-poll` with endpoints from the environment, exiting 1 when a replay fails", async () => {
  sqs.send(QUEUE, schedulerLetter("2026-11-21T13:00:00Z"));
  failing = true;
  const { status, stdout } = await runScript("redrive-poll", ["--stage", "prod", "--region", "eu-west-1"], {
    env: { ...process.env, AMPGATE_SQS_ENDPOINT: sqs.url, AMPGATE_LAMBDA_ENDPOINT: lambda.url, AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" },
  });
  expect(status).toBe(1);
  expect(stdout).toContain("replayed 0, failed 1, unreadable 0");
  expect(sqs.messages(QUEUE)).toHaveLength(1);
}, 60_000);
