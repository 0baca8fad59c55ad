/**
 * PromQL → syntax tree with `@prometheus-io/lezer-promql`, Prometheus's own grammar for its editor.
 *
 * lezer is error-tolerant: it always returns a tree and marks what it could not parse with error nodes (⚠). A
 * query with any error node is refused here (400 bad_data) — enforcement must never work on a guessed structure.
 * Size and nesting are bounded so that a hostile query cannot exhaust the stack of the recursive printer.
 */
import type { SyntaxNode, Tree } from "@lezer/common";
import { parser } from "@prometheus-io/lezer-promql";
import { badData } from "../prometheus-errors";

/** Long enough for any dashboard query (Grafana's own editor warns far earlier). */
const MAX_QUERY_LENGTH = 64 * 1024;
/** Nesting of syntax nodes, far beyond hand-written queries, far below the JS stack limit. */
const MAX_QUERY_DEPTH = 400;

export interface ParsedPromql {
  source: string;
  tree: Tree;
  /** The one expression under the `PromQL` top node. */
  expr: SyntaxNode;
}

/** `what` names the parameter in messages: `query`, `match[]`. */
export function parsePromql(source: string, what = "query"): ParsedPromql {
  if (source.length > MAX_QUERY_LENGTH) {
    throw badData(`${what} is ${source.length} characters long; the limit is ${MAX_QUERY_LENGTH}`);
  }
  if (source.trim() === "") throw badData(`${what} is empty: no expression found`);
  const tree = parser.parse(source);
  let depth = 0;
  let deepest = 0;
  let error: { from: number; to: number } | undefined;
  tree.iterate({
    enter(node) {
      if (node.type.isError && !error) error = { from: node.from, to: node.to };
      depth++;
      if (depth > deepest) deepest = depth;
    },
    leave() {
      depth--;
    },
  });
  if (error) throw badData(`${what}: parse error at character ${error.from + 1}: ${describe(source, error)}`);
  if (deepest > MAX_QUERY_DEPTH) throw badData(`${what} nests more than ${MAX_QUERY_DEPTH} levels deep`);
  const expressions = children(tree.topNode);
  if (expressions.length !== 1) throw badData(`${what}: expected exactly one expression`);
  return { source, tree, expr: expressions[0]! };
}

function describe(source: string, error: { from: number; to: number }): string {
  if (error.from >= source.length) return "unexpected end of input";
  const text = source.slice(error.from, Math.max(error.to, error.from + 1)).slice(0, 30);
  return `unexpected ${JSON.stringify(text)}`;
}

/** Children that carry meaning: comments are skipped everywhere. */
export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name !== "LineComment") out.push(child);
  }
  return out;
}
