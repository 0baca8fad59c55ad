/**
 * Read-side helpers over an evaluated program's recorded resources: find resources, follow an API route to its
 * function, and parse IAM policy documents into comparable statements.
 */
import type { RecordedResource } from "./pulumi-mocks";

export interface PolicyStatement {
  effect: string;
  actions: string[];
  resources: string[];
  principals?: Record<string, string[]>;
  conditions?: Record<string, Record<string, string[]>>;
}

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

/** A policy document (JSON text or object) → statements with every list normalised to a sorted array. */
export function parsePolicy(document: unknown): PolicyStatement[] {
  const parsed = (typeof document === "string" ? JSON.parse(document) : document) as { Statement: Record<string, unknown>[] };
  return parsed.Statement.map((s) => {
    const statement: PolicyStatement = {
      effect: String(s.Effect),
      actions: list(s.Action).sort(),
      resources: list(s.Resource).sort(),
    };
    if (s.Principal) {
      statement.principals = Object.fromEntries(
        Object.entries(s.Principal as Record<string, unknown>).map(([type, ids]) => [type, list(ids).sort()]),
      );
    }
    if (s.Condition) {
      statement.conditions = Object.fromEntries(
        Object.entries(s.Condition as Record<string, Record<string, unknown>>).map(([test, vars]) => [
          test,
          Object.fromEntries(Object.entries(vars).map(([variable, values]) => [variable, list(values).sort()])),
        ]),
      );
    }
    return statement;
  });
}

export class Graph {
  constructor(readonly resources: RecordedResource[]) {}

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  one(type: string, predicate: (r: RecordedResource) => boolean = () => true): RecordedResource {
    const found = this.ofType(type).filter(predicate);
    if (found.length !== 1) throw new Error(`expected exactly one ${type} matching, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    return found[0]!;
  }

  named(name: string): RecordedResource {
    const found = this.resources.filter((r) => r.name === name && !r.type.startsWith("sst:"));
    if (found.length !== 1) throw new Error(`expected exactly one resource named ${name}, found ${found.length}`);
    return found[0]!;
  }

  lambdaByName(functionName: string): RecordedResource {
    return this.one("aws:lambda/function:Function", (r) => r.inputs.name === functionName);
  }

  /** The IAM role a Lambda runs as (matched through the role ARN the mock answered). */
  roleOf(fn: RecordedResource): RecordedResource {
    return this.one("aws:iam/role:Role", (r) => r.state.arn === fn.inputs.role);
  }

  /** All statements of a role's inline policies. */
  inlineStatements(role: RecordedResource): PolicyStatement[] {
    return (role.inputs.inlinePolicies as { policy: string }[] | undefined ?? []).flatMap((p) => parsePolicy(p.policy));
  }

  /** Every API route: its key, and the Lambda its integration invokes. */
  apiRoutes(): { routeKey: string; route: RecordedResource; integration: RecordedResource; functionName: string | undefined }[] {
    return this.ofType("aws:apigatewayv2/route:Route").map((route) => {
      const integrationId = String(route.inputs.target).replace(/^integrations\//, "");
      const integration = this.one("aws:apigatewayv2/integration:Integration", (i) => i.id === integrationId);
      const fn = this.ofType("aws:lambda/function:Function").find((f) => f.state.arn === integration.inputs.integrationUri);
      return { routeKey: String(route.inputs.routeKey), route, integration, functionName: fn?.inputs.name as string | undefined };
    });
  }
}
