/**
 * Route matching with API Gateway HTTP API semantics, over the one route table (functions/routes.ts):
 * a literal path beats one with `{params}`, which beats a greedy `{name+}`; a specific method beats `ANY`.
 * Paths the table does not have are 404 here as they are in AWS (API Gateway answers `{"message":"Not Found"}`).
 */
import { ROUTES, routeKey, type HttpRoute } from "../functions/routes";

export interface RouteMatch {
  route: HttpRoute;
  routeKey: string;
  pathParameters: Record<string, string>;
}

interface CompiledRoute {
  route: HttpRoute;
  segments: string[];
  greedy: boolean;
  /** Lower sorts first: literal segments count most. */
  rank: number;
}

function compile(route: HttpRoute): CompiledRoute {
  const segments = route.path.split("/").filter(Boolean);
  const greedy = segments.at(-1)?.endsWith("+}") ?? false;
  const params = segments.filter((s) => s.startsWith("{")).length;
  const rank = (greedy ? 1_000_000 : 0) + params * 1000 - segments.length + (route.method === "ANY" ? 1 : 0);
  return { route, segments, greedy, rank };
}

const compiled = ROUTES.map(compile).sort((a, b) => a.rank - b.rank);

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function matchRoute(method: string, rawPath: string): RouteMatch | undefined {
  const parts = rawPath.split("/").filter(Boolean);
  for (const { route, segments, greedy } of compiled) {
    if (route.method !== "ANY" && route.method !== method.toUpperCase()) continue;
    const fixed = greedy ? segments.length - 1 : segments.length;
    if (greedy ? parts.length < segments.length : parts.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < fixed && ok; i++) {
      const pattern = segments[i]!;
      if (pattern.startsWith("{")) {
        const value = decode(parts[i]!);
        if (value === undefined) ok = false;
        else pathParameters[pattern.slice(1, -1)] = value;
      } else if (pattern !== parts[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (greedy) {
      const rest = decode(parts.slice(fixed).join("/"));
      if (rest === undefined) continue;
      pathParameters[segments.at(-1)!.slice(1, -2)] = rest;
    }
    return { route, routeKey: routeKey(route), pathParameters };
  }
  return undefined;
}

/** Every route key the local runner serves (for the parity test against the deployed API). */
export function localRouteKeys(): string[] {
  return compiled.map((c) => routeKey(c.route));
}
