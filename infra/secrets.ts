/**
 * SSM Parameter Store names of ampgate's secrets, per stage: `/ampgate/<stage>/<name>` for every name in
 * SECRET_NAMES (packages/core/src/secrets/secret-source.ts — the one list; nothing here repeats it).
 *
 * The stack never creates these parameters and never sees their values: a value in a Pulumi resource would sit in
 * the stack's state file, and the stack would fight every rotation. It only grants each function `GetParameters`
 * on the exact names it reads (infra/function-needs.ts); `npm run secrets` (scripts/secrets.ts) creates and
 * rotates the values, and the functions pick them up within SECRET_CACHE_TTL_SECONDS.
 *
 * Pure (no SST globals): the secrets CLI imports it too, so both agree on the names.
 */
import type { SecretName } from "@ampgate/core/secrets/secret-source";
import { APP_NAME } from "./names";

/** `/ampgate/<stage>/` — the functions' AMPGATE_SECRETS_PREFIX. */
export const secretsPrefix = (stage: string): string => `/${APP_NAME}/${stage}/`;

export const parameterName = (stage: string, name: SecretName): string => `${secretsPrefix(stage)}${name}`;
