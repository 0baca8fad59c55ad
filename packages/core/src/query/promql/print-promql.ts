/**
 * Syntax tree → PromQL text, with a hook that rewrites every series selector on the way.
 *
 * This is how label enforcement stays sound (prom-label-proxy does the same with Prometheus's Go parser:
 * parse, rewrite every VectorSelector, print `expr.String()`): the text sent to AMP is printed entirely from the
 * tree. Nothing from the user's text reaches the output unexamined — keywords and operators come from tables,
 * strings are decoded and re-encoded, names are checked against their token grammar, and only selector-free
 * leaves (numbers, durations) are copied, after their subtree is checked to hold nothing else. A node kind this
 * printer does not know is refused (fail closed), so a new grammar construct cannot smuggle a selector past it.
 */
import type { SyntaxNode } from "@lezer/common";
import { isValidLabelName, isValidMetricName } from "../../remote-write/names";
import { badData } from "../prometheus-errors";
import { children, type ParsedPromql } from "./parse-promql";
import { decodeStringLiteral, encodeStringLiteral, StringLiteralError } from "./string-literal";
import { formatLabelName, formatSelector, type LabelMatcher, type MatchOp } from "./label-matcher";

/** A series selector as written: `metric{…}` has a metric name, `{…}` has none. */
export interface SeriesSelector {
  metricName?: string;
  matchers: LabelMatcher[];
}

export type SelectorRewrite = (selector: SeriesSelector) => SeriesSelector;

const BINARY_OPERATORS: Record<string, string> = {
  Pow: "^", Mul: "*", Div: "/", Mod: "%", Atan2: "atan2", Add: "+", Sub: "-", Eql: "==", Gte: ">=", Gtr: ">",
  TrimUpper: "</", TrimLower: ">/", Lte: "<=", Lss: "<", Neq: "!=", And: "and", Unless: "unless", Or: "or",
};

const AGGREGATE_OPERATORS: Record<string, string> = {
  Avg: "avg", Bottomk: "bottomk", Count: "count", CountValues: "count_values", Group: "group", Max: "max", Min: "min",
  Quantile: "quantile", LimitK: "limitk", LimitRatio: "limit_ratio", Stddev: "stddev", Stdvar: "stdvar", Sum: "sum",
  Topk: "topk",
};

const MATCH_OPERATORS: Record<string, MatchOp> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };

const KEYWORDS: Record<string, string> = {
  By: "by", Without: "without", On: "on", Ignoring: "ignoring", GroupLeft: "group_left", GroupRight: "group_right",
  Fill: "fill", FillLeft: "fill_left", FillRight: "fill_right", AtStart: "start()", AtEnd: "end()",
};

/** Node kinds a duration (range, subquery resolution, offset) may be built from: none of them can select series. */
const DURATION_NODES = new Set([
  "DurationExpr", "OffsetDurationExpr", "NumberDurationLiteralInDurationContext", "UnaryOp", "Pow", "Mul", "Div",
  "Mod", "Add", "Sub", "DurationStep", "DurationRange", "DurationMinOf", "DurationMaxOf", "LineComment",
]);
const NUMBER_NODES = new Set(["NumberDurationLiteral", "LineComment"]);
const FUNCTION_NAME = /^[a-z_][a-z0-9_]*$/;
const NUMBER_TEXT = /^[-+]?[0-9A-Za-z_.]+(?:[eE][-+]?[0-9_]+)?$/;

export function printPromql(parsed: ParsedPromql, rewrite: SelectorRewrite = (s) => s): string {
  const { source } = parsed;
  const text = (node: SyntaxNode) => source.slice(node.from, node.to);
  const unsupported = (node: SyntaxNode): never => {
    throw badData(`unsupported PromQL construct ${node.name} at character ${node.from + 1}`);
  };

  /** Source text of a selector-free subtree, comments dropped and whitespace collapsed. */
  const leafText = (node: SyntaxNode, allowed: Set<string>): string => {
    if (!allowed.has(node.name)) unsupported(node);
    let out = "";
    let at = node.from;
    const walk = (parent: SyntaxNode) => {
      for (let child = parent.firstChild; child; child = child.nextSibling) {
        if (!allowed.has(child.name)) unsupported(child);
        if (child.name === "LineComment") {
          out += source.slice(at, child.from);
          at = child.to;
        } else walk(child);
      }
    };
    walk(node);
    out += source.slice(at, node.to);
    return out.replace(/\s+/g, " ").trim();
  };

  const stringValue = (node: SyntaxNode): string => {
    try {
      return decodeStringLiteral(text(node));
    } catch (error) {
      if (error instanceof StringLiteralError) throw badData(`invalid string at character ${node.from + 1}: ${error.message}`);
      throw error;
    }
  };

  const labelName = (node: SyntaxNode): string => {
    if (node.name === "LabelName") return text(node);
    if (node.name === "QuotedLabelName") return stringValue(only(node, "StringLiteral"));
    return unsupported(node);
  };

  const only = (node: SyntaxNode, name: string): SyntaxNode => {
    const kids = children(node);
    if (kids.length !== 1 || kids[0]!.name !== name) unsupported(node);
    return kids[0]!;
  };

  const groupingLabels = (node: SyntaxNode): string => {
    if (node.name !== "GroupingLabels") unsupported(node);
    return `(${children(node).map((label) => formatLabelName(labelName(label))).join(", ")})`;
  };

  const number = (node: SyntaxNode): string => {
    const value = leafText(node, NUMBER_NODES).replace(/\s+/g, "");
    if (!NUMBER_TEXT.test(value)) unsupported(node);
    return value;
  };

  const duration = (node: SyntaxNode): string => leafText(node, DURATION_NODES);

  const selector = (node: SyntaxNode): string => {
    let metricName: string | undefined;
    const matchers: LabelMatcher[] = [];
    for (const part of children(node)) {
      if (part.name === "Identifier") {
        metricName = text(part);
        if (!isValidMetricName(metricName)) unsupported(part);
      } else if (part.name === "LabelMatchers") {
        for (const m of children(part)) {
          if (m.name === "QuotedLabelName") {
            // `{"my.metric"}`: Prometheus 3's quoted metric name.
            matchers.push({ name: "__name__", op: "=", value: stringValue(only(m, "StringLiteral")) });
            continue;
          }
          if (m.name !== "UnquotedLabelMatcher" && m.name !== "QuotedLabelMatcher") unsupported(m);
          const [name, op, value] = children(m);
          if (!name || !op || !value || op.name !== "MatchOp" || value.name !== "StringLiteral") return unsupported(m);
          const opKind = children(op)[0]?.name ?? "";
          const matchOp = MATCH_OPERATORS[opKind] ?? unsupported(op);
          const label = labelName(name);
          if (name.name === "LabelName" && !isValidLabelName(label)) unsupported(name);
          matchers.push({ name: label, op: matchOp, value: stringValue(value) });
        }
      } else unsupported(part);
    }
    const rewritten = rewrite({ metricName, matchers });
    return formatSelector(rewritten.metricName, rewritten.matchers);
  };

  const expr = (node: SyntaxNode): string => {
    const kids = children(node);
    switch (node.name) {
      case "VectorSelector":
        return selector(node);
      case "MatrixSelector":
        return `${expr(kids[0]!)}[${duration(kids[1] ?? unsupported(node))}]`;
      case "SubqueryExpr": {
        const [inner, range, resolution] = kids;
        if (!inner || !range) return unsupported(node);
        return `${expr(inner)}[${duration(range)}:${resolution ? duration(resolution) : ""}]`;
      }
      case "OffsetExpr": {
        const [inner, keyword, amount] = kids;
        if (!inner || keyword?.name !== "Offset" || !amount) return unsupported(node);
        return `${expr(inner)} offset ${duration(amount)}`;
      }
      case "StepInvariantExpr": {
        const [inner, at, when] = kids;
        if (!inner || at?.name !== "At" || !when) return unsupported(node);
        const time = when.name === "NumberDurationLiteral" ? number(when)
          : when.name === "AtModifierPreprocessors" ? KEYWORDS[children(when)[0]?.name ?? ""] ?? unsupported(when)
            : unsupported(when);
        return `${expr(inner)} @ ${time}`;
      }
      case "AnchoredExpr":
        return `${expr(kids[0] ?? unsupported(node))} anchored`;
      case "SmoothedExpr":
        return `${expr(kids[0] ?? unsupported(node))} smoothed`;
      case "ParenExpr":
        return `(${expr(kids.length === 1 ? kids[0]! : unsupported(node))})`;
      case "UnaryExpr": {
        const [op, operand] = kids;
        if (op?.name !== "UnaryOp" || !operand) return unsupported(node);
        const sign = text(op).trim();
        if (sign !== "-" && sign !== "+") return unsupported(op);
        const printed = expr(operand);
        return `${sign}${/^[-+]/.test(printed) ? " " : ""}${printed}`;
      }
      case "BinaryExpr":
        return binary(node, kids);
      case "AggregateExpr":
        return aggregate(node, kids);
      case "FunctionCall": {
        const [name, body] = kids;
        if (name?.name !== "FunctionIdentifier" || body?.name !== "FunctionCallBody") return unsupported(node);
        const fn = text(name);
        if (!FUNCTION_NAME.test(fn)) unsupported(name);
        return `${fn}${callBody(body)}`;
      }
      case "NumberDurationLiteral":
        return number(node);
      case "StringLiteral":
        return encodeStringLiteral(stringValue(node));
      default:
        return unsupported(node);
    }
  };

  const callBody = (node: SyntaxNode): string => `(${children(node).map(expr).join(", ")})`;

  const binary = (node: SyntaxNode, kids: SyntaxNode[]): string => {
    const lhs = kids[0];
    const rhs = kids[kids.length - 1];
    const operator = kids[1];
    if (!lhs || !rhs || !operator || kids.length < 3) return unsupported(node);
    const symbol = BINARY_OPERATORS[operator.name] ?? unsupported(operator);
    const modifiers = kids.slice(2, -1).map((modifier) => {
      switch (modifier.name) {
        case "BoolModifier":
          return "bool";
        case "MatchingModifierClause":
          return children(modifier).map((part) => part.name === "GroupingLabels" ? groupingLabels(part) : KEYWORDS[part.name] ?? unsupported(part)).join(" ");
        case "FillModifier":
          return children(modifier).map((clause) => {
            const [keyword, value] = children(clause);
            if (!keyword || !value) return unsupported(clause);
            return `${KEYWORDS[keyword.name] ?? unsupported(keyword)}(${number(value)})`;
          }).join(" ");
        default:
          return unsupported(modifier);
      }
    });
    return [expr(lhs), symbol, ...modifiers, expr(rhs)].join(" ");
  };

  const aggregate = (node: SyntaxNode, kids: SyntaxNode[]): string => {
    let op: string | undefined;
    let modifier = "";
    let body: string | undefined;
    for (const part of kids) {
      if (part.name === "AggregateOp") op = AGGREGATE_OPERATORS[children(part)[0]?.name ?? ""] ?? unsupported(part);
      else if (part.name === "AggregateModifier") {
        const [keyword, labels] = children(part);
        if (!keyword || !labels) return unsupported(part);
        modifier = ` ${KEYWORDS[keyword.name] ?? unsupported(keyword)} ${groupingLabels(labels)} `;
      } else if (part.name === "FunctionCallBody") body = callBody(part);
      else unsupported(part);
    }
    if (!op || !body) return unsupported(node);
    return `${op}${modifier}${body}`;
  };

  return expr(parsed.expr);
}
