/// <reference path="../.sst/platform/config.d.ts" />
/**
 * CloudWatch alarms for the three things an operator must hear about, all to one SNS topic (and an e-mail
 * subscription when AMPGATE_ALARM_EMAIL is set):
 *
 * - poll dead letters: anything in the queue means polls were lost for good unless someone redrives them;
 * - poll failures: the poll function failed in two consecutive intervals (one transient failure that its retry
 *   fixed is not worth a page);
 * - ingest 5xx rate: > 5% of ingest requests answered 5xx in 2 of 3 five-minute periods, once there are at least
 *   20 requests (AMP down, secrets unreadable, a bug). Counted from the API's access log — the one place that
 *   sees every ingest route's status, including API Gateway's own 5xx — with metric filters over the ingest route
 *   keys of functions/routes.ts, so a new push route is counted without touching this file.
 */
import { ROUTES, routeKey } from "../functions/routes";
import type { StageConfig } from "./stage-config";

/** CloudWatch Logs caps a filter pattern at 1024 characters. */
export const MAX_FILTER_PATTERN_LENGTH = 1024;

export function ingestRoutesFilter(): string {
  const keys = ROUTES.filter((route) => route.fn === "ingest").map((route) => `$.routeKey = ${JSON.stringify(routeKey(route))}`);
  return `(${keys.join(" || ")})`;
}

function filterPattern(condition: string): string {
  const pattern = `{ ${condition} }`;
  if (pattern.length > MAX_FILTER_PATTERN_LENGTH) {
    throw new Error(`ingest alarm: metric filter pattern is ${pattern.length} characters, CloudWatch allows ${MAX_FILTER_PATTERN_LENGTH}; group the ingest routes`);
  }
  return pattern;
}

export interface AlarmTargets {
  accessLogGroupName: $util.Input<string>;
  pollFunctionName: $util.Input<string>;
  deadLetterQueueName: $util.Input<string>;
}

export function alarms(config: StageConfig, targets: AlarmTargets) {
  const topic = new aws.sns.Topic("Alarms", {});
  if (config.alarmEmail) {
    new aws.sns.TopicSubscription("AlarmsEmail", { topic: topic.arn, protocol: "email", endpoint: config.alarmEmail });
  }
  const actions = { alarmActions: [topic.arn], okActions: [topic.arn] };
  const namespace = `ampgate/${$app.stage}`;

  new aws.cloudwatch.MetricAlarm("PollDeadLettersAlarm", {
    alarmDescription: "Poll events were dead-lettered: run `npm run redrive-poll` once the cause is fixed (docs/deploy.md).",
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: targets.deadLetterQueueName },
    statistic: "Maximum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    ...actions,
  });

  new aws.cloudwatch.MetricAlarm("PollFailuresAlarm", {
    alarmDescription: "The SwitchBot poll function failed in two consecutive intervals: see its log group.",
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: { FunctionName: targets.pollFunctionName },
    statistic: "Sum",
    period: Math.max(5, config.poll.rateMinutes) * 60,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    ...actions,
  });

  const ingest = ingestRoutesFilter();
  const counted = (name: string, pattern: string) =>
    new aws.cloudwatch.LogMetricFilter(`${name}Filter`, {
      logGroupName: targets.accessLogGroupName,
      pattern: filterPattern(pattern),
      metricTransformation: { namespace, name, value: "1", defaultValue: "0", unit: "Count" },
    });
  counted("IngestRequests", ingest);
  counted("Ingest5xx", `${ingest} && $.status >= 500`);

  const metric = (id: string, name: string) => ({
    id,
    returnData: false,
    metric: { namespace, metricName: name, period: 300, stat: "Sum" },
  });
  new aws.cloudwatch.MetricAlarm("Ingest5xxRateAlarm", {
    alarmDescription: "More than 5% of ingest requests answered 5xx: check AMP, the ingest log group and SSM.",
    metricQueries: [
      metric("requests", "IngestRequests"),
      metric("errors", "Ingest5xx"),
      { id: "rate", expression: "IF(requests >= 20, 100 * errors / requests, 0)", label: "ingest 5xx %", returnData: true },
    ],
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    threshold: 5,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
    ...actions,
  });

  return { topicArn: topic.arn };
}
