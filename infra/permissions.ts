/**
 * Least-privilege IAM statements for one function, from its row in FUNCTION_NEEDS and the exact ARNs of what it
 * touches. Every resource is a full ARN; the only wildcards are ones AWS leaves no choice about, each narrowed by
 * a condition to exactly our resources:
 *
 * - `kms:Decrypt` on `key/*`: SecureStrings are encrypted with the account's AWS-managed `aws/ssm` key, whose id
 *   is not known before the first SecureString exists (AWS creates the key lazily, so a deploy-time lookup would
 *   fail on a fresh account). `kms:ViaService` limits use to SSM in this region and `kms:EncryptionContext:
 *   PARAMETER_ARN` to this function's own parameters (SSM passes the parameter ARN as encryption context — AWS
 *   Systems Manager user guide, "How AWS Systems Manager Parameter Store uses AWS KMS").
 * - `logs:*` on `log-group:<name>:*`: the `:*` is the log streams inside our one group, which Lambda names itself.
 *
 * Pure: resources are whatever the caller passes (strings in tests, Pulumi Outputs in infra/lambda.ts).
 */
import type { SecretName } from "@ampgate/core/secrets/secret-source";
import { AMP_ACTIONS, type FunctionNeeds, type StateDocument } from "./function-needs";

export interface Condition<R> {
  test: string;
  variable: string;
  values: R[];
}

export interface Statement<R> {
  actions: string[];
  resources: R[];
  conditions?: Condition<R>[];
}

/** The exact ARNs (or ARN-valued Outputs) a function's statements may name. */
export interface PermissionTargets<R> {
  workspaceArn: R;
  parameterArn: (name: SecretName) => R;
  /** `arn:<partition>:kms:<region>:<account>:key/*` */
  kmsKeysArn: R;
  /** `ssm.<region>.amazonaws.com` */
  ssmService: R;
  /** `arn:…:log-group:/aws/lambda/<function>:*` — the function's own log streams. */
  logStreamsArn: R;
  stateBucketArn?: R;
  stateObjectArn?: (document: StateDocument) => R;
  deadLetterQueueArn?: R;
}

export function functionStatements<R>(needs: FunctionNeeds, targets: PermissionTargets<R>): Statement<R>[] {
  const statements: Statement<R>[] = [
    { actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [targets.logStreamsArn] },
    { actions: needs.amp.flatMap((access) => AMP_ACTIONS[access]), resources: [targets.workspaceArn] },
  ];

  if (needs.secrets.length > 0) {
    const parameters = needs.secrets.map(targets.parameterArn);
    statements.push(
      { actions: ["ssm:GetParameters", "ssm:GetParameter"], resources: parameters },
      {
        actions: ["kms:Decrypt"],
        resources: [targets.kmsKeysArn],
        conditions: [
          { test: "StringEquals", variable: "kms:ViaService", values: [targets.ssmService] },
          { test: "StringEquals", variable: "kms:EncryptionContext:PARAMETER_ARN", values: parameters },
        ],
      },
    );
  }

  if (needs.stateRead.length + needs.stateWrite.length > 0) {
    const { stateBucketArn, stateObjectArn } = targets;
    if (!stateBucketArn || !stateObjectArn) {
      throw new Error(`${needs.description}: needs state documents but no state bucket was given`);
    }
    statements.push({ actions: ["s3:GetObject"], resources: needs.stateRead.map(stateObjectArn) });
    if (needs.stateWrite.length > 0) {
      statements.push({ actions: ["s3:PutObject"], resources: needs.stateWrite.map(stateObjectArn) });
    }
    // Without ListBucket, S3 answers 403 instead of 404 for a document that does not exist yet (every first
    // run). Not narrowed by an `s3:prefix` condition: that key describes ListObjects requests, and S3 does not
    // document it for the implicit check behind a GetObject miss. The bucket holds nothing but these documents.
    statements.push({ actions: ["s3:ListBucket"], resources: [stateBucketArn] });
  }

  if (needs.deadLetters) {
    if (!targets.deadLetterQueueArn) throw new Error(`${needs.description}: needs a dead-letter queue but none was given`);
    statements.push({ actions: ["sqs:SendMessage"], resources: [targets.deadLetterQueueArn] });
  }
  return statements;
}
