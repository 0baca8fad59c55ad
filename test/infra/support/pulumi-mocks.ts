/**
 * Pulumi runtime mocks (`pulumi.runtime.setMocks`) standing in for the AWS provider: every resource the program
 * registers is recorded with its resolved inputs, and answered with the outputs the real provider would compute
 * (ARNs, URLs, names) in one fictional account and region, so ARNs composed by our code and by SST's can be
 * compared exactly. Invokes (data sources) are answered from a table; an invoke not in it fails the evaluation,
 * so a component that starts depending on a new lookup is noticed.
 */
export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const WORKSPACE_ID = "ws-0a1b2c3d-4e5f-6789-abcd-ef0123456789";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** What the mock answered: inputs plus computed outputs. */
  state: Record<string, any>;
  id: string;
}

export interface RecordedInvoke {
  token: string;
  inputs: Record<string, any>;
}

type Computed = (name: string, inputs: Record<string, any>, id: string) => Record<string, unknown>;

const arn = (service: string, resource: string, region = REGION) => `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;

/** Outputs the provider computes, by resource type (only those our assertions or SST's code read). */
const COMPUTED: Record<string, Computed> = {
  "aws:lambda/function:Function": (name, inputs) => {
    const fnName = inputs.name ?? `${name}-fn`;
    return {
      name: fnName,
      arn: arn("lambda", `function:${fnName}`),
      qualifiedArn: arn("lambda", `function:${fnName}:$LATEST`),
      invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn("lambda", `function:${fnName}`)}/invocations`,
      version: "$LATEST",
    };
  },
  "aws:iam/role:Role": (name) => ({ name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, uniqueId: `AROA${name.toUpperCase()}` }),
  "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => ({ name: inputs.name ?? name, arn: arn("logs", `log-group:${inputs.name ?? name}`) }),
  "aws:apigatewayv2/api:Api": (_name, _inputs, id) => ({
    apiEndpoint: `https://${id}.execute-api.${REGION}.amazonaws.com`,
    executionArn: arn("execute-api", id),
    arn: `arn:aws:apigateway:${REGION}::/apis/${id}`,
  }),
  "aws:sqs/queue:Queue": (name, inputs) => {
    const queueName = inputs.name ?? name;
    return { name: queueName, arn: arn("sqs", queueName), url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${queueName}` };
  },
  "aws:s3/bucket:Bucket": (name, inputs) => {
    const bucket = inputs.bucket ?? `${name.toLowerCase()}-standin`;
    return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${REGION}.amazonaws.com` };
  },
  "aws:amp/workspace:Workspace": () => ({
    arn: arn("aps", `workspace/${WORKSPACE_ID}`),
    prometheusEndpoint: `https://aps-workspaces.${REGION}.amazonaws.com/workspaces/${WORKSPACE_ID}/`,
  }),
  "aws:sns/topic:Topic": (name) => ({ arn: arn("sns", name), name }),
  "aws:scheduler/schedule:Schedule": (name) => ({ arn: arn("scheduler", `schedule/default/${name}`) }),
  "random:index/randomBytes:RandomBytes": () => ({ base64: Buffer.alloc(32, 7).toString("base64"), hex: "07".repeat(32) }),
};

/** Ids the provider would assign; the workspace's is the one its ARN carries. */
const IDS: Record<string, (name: string) => string> = {
  "aws:amp/workspace:Workspace": () => WORKSPACE_ID,
  "aws:apigatewayv2/api:Api": () => "a1b2c3d4e5",
};

interface PolicyStatementInput {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** `aws.iam.getPolicyDocument`, rendered as the provider renders it (lists kept as lists). */
function renderPolicyDocument(inputs: { statements?: PolicyStatementInput[] }) {
  const document = {
    Version: "2012-10-17",
    Statement: (inputs.statements ?? []).map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? "Allow",
      ...(s.actions ? { Action: s.actions } : {}),
      ...(s.resources ? { Resource: s.resources } : {}),
      ...(s.principals ? { Principal: Object.fromEntries(s.principals.map((p) => [p.type, p.identifiers])) } : {}),
      ...(s.conditions?.length
        ? {
            Condition: s.conditions.reduce<Record<string, Record<string, string[]>>>((all, c) => {
              (all[c.test] ??= {})[c.variable] = c.values;
              return all;
            }, {}),
          }
        : {}),
    })),
  };
  return { json: JSON.stringify(document), minifiedJson: JSON.stringify(document), statements: inputs.statements ?? [], id: "policy" };
}

const INVOKES: Record<string, (inputs: any) => Record<string, unknown>> = {
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" }),
  "aws:index/getRegion:getRegion": () => ({ region: REGION, name: REGION, endpoint: `ec2.${REGION}.amazonaws.com`, id: REGION }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/deployer`, userId: "AIDADEPLOYER", id: ACCOUNT }),
  "aws:iam/getPolicyDocument:getPolicyDocument": renderPolicyDocument,
};

export function createMocks() {
  const resources: RecordedResource[] = [];
  const invokes: RecordedInvoke[] = [];
  return {
    resources,
    invokes,
    mocks: {
      newResource(args: { type: string; name: string; inputs: Record<string, any> }) {
        const id = IDS[args.type]?.(args.name) ?? `${args.name}-id`;
        const state = { ...args.inputs, ...COMPUTED[args.type]?.(args.name, args.inputs, id) };
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, state, id });
        return { id, state };
      },
      call(args: { token: string; inputs: Record<string, any> }) {
        invokes.push({ token: args.token, inputs: args.inputs });
        const answer = INVOKES[args.token];
        if (!answer) throw new Error(`unmocked invoke ${args.token}`);
        return answer(args.inputs);
      },
    },
  };
}
