/**
 * Replays dead-lettered SwitchBot poll events once their cause is fixed (AMP back, credentials corrected):
 *
 *   npm run redrive-poll -- --stage prod [--dry-run] [--max 50] [--region eu-west-1]
 *
 * The queue `ampgate-<stage>-poll-dlq` receives two kinds of message (infra/poller.ts):
 * - from EventBridge Scheduler, when it could not deliver a tick: the body is the poll event itself;
 * - from Lambda, when a run failed after its retries: the body is an invocation record whose `requestPayload`
 *   is the poll event.
 * Each event is replayed by invoking `ampgate-<stage>-poll` synchronously with the original event — same
 * `scheduledTime`, so the poller re-sends the batch it saved for that tick, or only flushes if a later run
 * already did (packages/core/src/switchbot/poll-state.ts): nothing is polled twice, nothing duplicated. A message
 * is deleted only after its replay succeeded; the first failure stops the run (the cause is evidently not fixed)
 * and leaves that message in the queue, visible again after its visibility timeout.
 *
 * `--endpoint-sqs` / `--endpoint-lambda` (or AMPGATE_SQS_ENDPOINT / AMPGATE_LAMBDA_ENDPOINT) point the clients
 * at local endpoints (tests).
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DeleteMessageCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { lambdaName, pollDeadLetterQueueName } from "../infra/names";

const USAGE = `usage: npm run redrive-poll -- --stage <stage> [--dry-run] [--max <n>] [--region <region>]
  replays the poll events in ampgate-<stage>-poll-dlq through ampgate-<stage>-poll, oldest first;
  --dry-run lists them without replaying; --max stops after n messages (default 100)`;

/** Longer than the poll function's timeout (functions/settings.ts), so a message is not redelivered mid-replay. */
const VISIBILITY_TIMEOUT_SECONDS = 300;
/** A dry run only looks; its messages are visible again shortly (not at once, so one run sees more than ten). */
const DRY_RUN_VISIBILITY_SECONDS = 30;

export interface DeadLetter {
  /** The poll event to replay. */
  event: Record<string, unknown>;
  /** Where it came from, for the report. */
  origin: "scheduler" | "lambda";
  /** Why it was dead-lettered (Scheduler's ERROR_CODE attribute, or the function's error), when known. */
  reason?: string;
}

/** A dead-letter message body → the original poll event, or undefined for a message that is neither shape. */
export function deadLetterOf(message: Pick<Message, "Body" | "MessageAttributes">): DeadLetter | undefined {
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? "");
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  if (record.requestContext && typeof record.requestPayload === "object" && record.requestPayload !== null) {
    const response = record.responsePayload as { errorType?: string; errorMessage?: string } | undefined;
    const condition = (record.requestContext as { condition?: string }).condition;
    const reason = [condition, response?.errorType, response?.errorMessage].filter(Boolean).join(": ");
    return { event: record.requestPayload as Record<string, unknown>, origin: "lambda", ...(reason ? { reason } : {}) };
  }
  const code = message.MessageAttributes?.ERROR_CODE?.StringValue;
  return { event: record, origin: "scheduler", ...(code ? { reason: code } : {}) };
}

export interface RedriveOptions {
  stage: string;
  dryRun: boolean;
  max: number;
}

export interface RedriveReport {
  replayed: number;
  failed: number;
  unreadable: number;
  listed: number;
}

export async function redrivePoll(
  options: RedriveOptions,
  clients: { sqs: SQSClient; lambda: LambdaClient },
  say: (line: string) => void,
): Promise<RedriveReport> {
  const report: RedriveReport = { replayed: 0, failed: 0, unreadable: 0, listed: 0 };
  const queue = pollDeadLetterQueueName(options.stage);
  const functionName = lambdaName(options.stage, "poll");
  const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
  const seen = new Set<string>();

  const handled = () => report.listed + report.replayed + report.failed + report.unreadable;
  while (handled() < options.max) {
    const { Messages = [] } = await clients.sqs.send(new ReceiveMessageCommand({
      QueueUrl,
      MaxNumberOfMessages: Math.min(10, options.max - handled()),
      VisibilityTimeout: options.dryRun ? DRY_RUN_VISIBILITY_SECONDS : VISIBILITY_TIMEOUT_SECONDS,
      WaitTimeSeconds: 1,
      MessageAttributeNames: ["All"],
    }));
    const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
    if (fresh.length === 0) break;
    for (const message of fresh.slice(0, options.max - handled())) {
      seen.add(message.MessageId!);
      const letter = deadLetterOf(message);
      if (!letter) {
        report.unreadable++;
        say(`skipped ${message.MessageId}: not a poll event (left in the queue)`);
        continue;
      }
      const tick = String(letter.event.scheduledTime ?? letter.event.time ?? "unknown time");
      const why = letter.reason ? ` (${letter.reason})` : "";
      if (options.dryRun) {
        report.listed++;
        say(`${tick}  from ${letter.origin}${why}`);
        continue;
      }
      const result = await clients.lambda.send(new InvokeCommand({
        FunctionName: functionName,
        InvocationType: "RequestResponse",
        Payload: new TextEncoder().encode(JSON.stringify(letter.event)),
      }));
      if (result.FunctionError) {
        report.failed++;
        const payload = result.Payload ? new TextDecoder().decode(result.Payload) : "";
        say(`replay of ${tick} failed again (${result.FunctionError}): ${payload.slice(0, 300)}`);
        say("stopped: fix the cause (see the poll function's log group), then run this again");
        return report;
      }
      await clients.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      report.replayed++;
      say(`replayed ${tick}${why}`);
    }
  }
  return report;
}

function parseArgs(argv: string[], env: Record<string, string | undefined>) {
  const args = { stage: env.SST_STAGE, dryRun: false, max: 100, region: undefined as string | undefined, sqs: env.AMPGATE_SQS_ENDPOINT, lambda: env.AMPGATE_LAMBDA_ENDPOINT };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i] ?? "";
    if (arg === "--stage") args.stage = value();
    else if (arg === "--dry-run") args.dryRun = true;
    else if (arg === "--max") args.max = Number(value());
    else if (arg === "--region") args.region = value();
    else if (arg === "--endpoint-sqs") args.sqs = value();
    else if (arg === "--endpoint-lambda") args.lambda = value();
    else return undefined;
  }
  if (!args.stage || !/^[a-z][a-z0-9-]{0,23}$/.test(args.stage) || !Number.isInteger(args.max) || args.max < 1) return undefined;
  return args as typeof args & { stage: string };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = parseArgs(process.argv.slice(2), process.env);
  if (!args) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const region = args.region ? { region: args.region } : {};
  const sqs = new SQSClient({ ...region, ...(args.sqs ? { endpoint: args.sqs } : {}) });
  const lambda = new LambdaClient({ ...region, ...(args.lambda ? { endpoint: args.lambda } : {}) });
  const say = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const report = await redrivePoll({ stage: args.stage, dryRun: args.dryRun, max: args.max }, { sqs, lambda }, say);
    say(args.dryRun
      ? `${report.listed} dead-lettered poll event(s), ${report.unreadable} unreadable`
      : `replayed ${report.replayed}, failed ${report.failed}, unreadable ${report.unreadable}`);
    process.exit(report.failed > 0 ? 1 : 0);
  } catch (error) {
    process.stderr.write(`${(error as Error).name}: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
