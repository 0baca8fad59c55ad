/// <reference path="../.sst/platform/config.d.ts" />
/**
 * The whole stack, composed: AMP workspace → state bucket and dead-letter queue → the four functions → API and
 * schedule → alarms. Returns the stack outputs `sst deploy` prints (and writes to .sst/outputs.json).
 */
import { alarms } from "./alarms";
import { ampWorkspace } from "./amp";
import { httpApi } from "./api";
import { ampgateFunction } from "./lambda";
import { lambdaName } from "./names";
import { pollDeadLetterQueue, pollInvokeSettings, pollSchedule } from "./poller";
import { secretsPrefix } from "./secrets";
import { readStageConfig } from "./stage-config";
import { stateStore } from "./state";

export function ampgateStack() {
  const config = readStageConfig($app.stage, process.env);
  const amp = ampWorkspace(config);
  const state = stateStore();
  const deadLetters = pollDeadLetterQueue();

  const context = { config, amp, state };
  const ingest = ampgateFunction("ingest", context);
  const query = ampgateFunction("query", context, { environment: config.tariff ? { TARIFF: config.tariff } : {} });
  const webhook = ampgateFunction("webhook", context);
  const poll = ampgateFunction(
    "poll",
    { ...context, deadLetterQueueArn: deadLetters.queue.arn },
    {
      ...pollInvokeSettings(config, deadLetters),
      // packages/core/src/switchbot/poll-config.ts: the quota budget is computed from the schedule's period.
      environment: { POLL_INTERVAL_SECONDS: String(config.poll.rateMinutes * 60), ...config.poll.tuning },
    },
  );

  const { api, url } = httpApi(config, { ingest, query, webhook });
  pollSchedule(config, poll, deadLetters);
  const { topicArn } = alarms(config, {
    accessLogGroupName: api.nodes.logGroup.name,
    pollFunctionName: lambdaName($app.stage, "poll"),
    deadLetterQueueName: deadLetters.name,
  });

  return {
    /** Grafana's Prometheus data source URL, and the base of every push route. */
    apiUrl: url,
    remoteWriteUrl: $interpolate`${url}/api/v1/write`,
    chartPageUrl: $interpolate`${url}/`,
    ampWorkspaceArn: amp.arn,
    ampRemoteWriteUrl: amp.remoteWriteUrl,
    ampQueryUrl: amp.queryUrl,
    secretsPrefix: secretsPrefix($app.stage),
    pollFunctionName: lambdaName($app.stage, "poll"),
    pollDeadLetterQueueUrl: deadLetters.queue.url,
    alarmTopicArn: topicArn,
  };
}
