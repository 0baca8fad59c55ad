/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The SwitchBot poller's schedule and failure path.
 *
 * EventBridge Scheduler (`sst.aws.CronV2`) invokes the poll function *asynchronously*, so two retry layers exist:
 * - the schedule's retry policy covers delivery (Lambda throttled or unavailable); undeliverable events go to
 *   the dead-letter queue as the original input;
 * - Lambda's own async retries (`AMPGATE_POLL_RETRIES`, 0–2, about 1 and 2 minutes apart) cover a failed run —
 *   AMP down, SwitchBot erroring; after the last one the invocation record goes to the same queue (an
 *   on-failure destination, sent with the function's role).
 * Every retry carries the same event, and the event carries the tick's scheduled time
 * (`<aws.scheduler.scheduled-time>`): the poller re-sends the batch it saved for that time instead of polling
 * again (packages/core/src/switchbot/poll-state.ts), so a retry or a redrive never duplicates or reorders samples.
 *
 * `npm run redrive-poll` (scripts/redrive-poll.ts) replays dead-lettered events once the cause is fixed.
 */
import type { LambdaExtras } from "./lambda";
import { pollDeadLetterQueueName } from "./names";
import type { StageConfig } from "./stage-config";

/** Seconds a failed event may wait for retries before it is dead-lettered (Lambda allows 60–21600). */
const MAX_EVENT_AGE_SECONDS = 3600;
/** SQS's maximum: dead letters wait two weeks for someone to look. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * The poll event (functions/poll.ts `PollEvent`), with Scheduler's context attributes filled in at invocation
 * time: `scheduledTime` stamps the samples and makes retries idempotent; the others are for the logs.
 */
export const POLL_EVENT = {
  scheduledTime: "<aws.scheduler.scheduled-time>",
  executionId: "<aws.scheduler.execution-id>",
  attempt: "<aws.scheduler.attempt-number>",
};

export const scheduleExpression = (rateMinutes: number): `rate(${string})` =>
  rateMinutes === 1 ? "rate(1 minute)" : `rate(${rateMinutes} minutes)`;

export interface DeadLetterQueue {
  queue: aws.sqs.Queue;
  name: string;
}

export function pollDeadLetterQueue(): DeadLetterQueue {
  const name = pollDeadLetterQueueName($app.stage);
  const queue = new aws.sqs.Queue("PollDeadLetters", {
    name,
    messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    sqsManagedSseEnabled: true,
  });
  return { queue, name };
}

/** Settings for the poll function's asynchronous invocations (passed to infra/lambda.ts). */
export function pollInvokeSettings(config: StageConfig, deadLetters: DeadLetterQueue): Pick<LambdaExtras, "retries" | "transform"> {
  return {
    retries: config.poll.retries,
    transform: {
      eventInvokeConfig: (args) => {
        args.maximumEventAgeInSeconds = MAX_EVENT_AGE_SECONDS;
        args.destinationConfig = { onFailure: { destination: deadLetters.queue.arn } };
      },
    },
  };
}

export function pollSchedule(config: StageConfig, poll: sst.aws.Function, deadLetters: DeadLetterQueue): sst.aws.CronV2 {
  return new sst.aws.CronV2("PollSchedule", {
    function: poll.arn,
    schedule: scheduleExpression(config.poll.rateMinutes),
    enabled: config.poll.enabled,
    event: POLL_EVENT,
    retries: 3,
    dlq: deadLetters.queue.arn,
    transform: {
      schedule: (args) => {
        // A delivery retried after the next tick is worthless; give up after one interval.
        args.target = $util.output(args.target).apply((target) => ({
          ...target,
          retryPolicy: {
            ...target.retryPolicy,
            maximumEventAgeInSeconds: Math.max(60, config.poll.rateMinutes * 60),
          },
        }));
      },
    },
  });
}
