/**
 * Physical names the operator CLIs must find without the stack's outputs: the functions and the poll
 * dead-letter queue are named `ampgate-<stage>-…` (not SST's random suffixes), so `npm run redrive-poll --
 * --stage prod` and a log search for `/aws/lambda/ampgate-prod-ingest` need nothing but the stage.
 *
 * Pure (no SST globals). APP_NAME must equal the `name` in sst.config.ts (test/infra checks).
 */
import type { FunctionName } from "../functions/settings";

export const APP_NAME = "ampgate";

export const lambdaName = (stage: string, fn: FunctionName): string => `${APP_NAME}-${stage}-${fn}`;

export const pollDeadLetterQueueName = (stage: string): string => `${APP_NAME}-${stage}-poll-dlq`;
