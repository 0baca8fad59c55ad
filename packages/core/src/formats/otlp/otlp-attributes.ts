/**
 * OTLP attributes → Prometheus labels, as the Collector's `prometheusremotewrite` exporter builds them
 * (`createAttributes` in pkg/translator/prometheusremotewrite):
 *
 * - data-point attributes become labels with normalised names (otlp-names.ts); keys are visited in sorted order
 *   and, when two keys normalise to one name, their different values are joined with `;` (`a.b=1`, `a_b=2` →
 *   `a_b="1;2"`);
 * - resource attributes are *not* copied onto every series; `service.namespace` + `service.name` become `job`
 *   (`<namespace>/<name>`) and `service.instance.id` becomes `instance`, overriding same-named attributes; the
 *   rest are published once per resource in `target_info` (otlp-to-write-request.ts);
 * - values are rendered as pdata's `AsString()` does: strings as-is, booleans `true`/`false`, integers in
 *   decimal, doubles as ECMAScript prints numbers, bytes in base64, arrays and maps as JSON.
 */
import type { Label } from "../../remote-write/types";
import type { AnyValue, KeyValue } from "./otlp-model";
import { prometheusLabelName } from "./otlp-names";

const SERVICE_NAME = "service.name";
const SERVICE_NAMESPACE = "service.namespace";
const SERVICE_INSTANCE_ID = "service.instance.id";
export const IDENTIFYING_RESOURCE_ATTRIBUTES: readonly string[] = [SERVICE_NAMESPACE, SERVICE_NAME, SERVICE_INSTANCE_ID];

function rawValue(value: AnyValue | undefined): unknown {
  switch (value?.value) {
    case "stringValue": return value.stringValue;
    case "boolValue": return value.boolValue;
    case "intValue": return Number(value.intValue);
    case "doubleValue": return value.doubleValue;
    case "bytesValue": return Buffer.from(value.bytesValue!).toString("base64");
    case "arrayValue": return (value.arrayValue?.values ?? []).map(rawValue);
    case "kvlistValue": return Object.fromEntries((value.kvlistValue?.values ?? []).map((kv) => [kv.key, rawValue(kv.value)]));
    default: return null;
  }
}

function anyValueAsString(value: AnyValue | undefined): string {
  switch (value?.value) {
    case undefined: return "";
    case "stringValue": return value.stringValue ?? "";
    case "boolValue": return String(value.boolValue);
    case "intValue": return value.intValue ?? "0"; // decimal string: exact even beyond 2^53
    case "doubleValue": return String(value.doubleValue);
    default: return JSON.stringify(rawValue(value));
  }
}

function attributeValue(attributes: readonly KeyValue[], key: string): string | undefined {
  const found = attributes.find((attribute) => attribute.key === key);
  return found === undefined ? undefined : anyValueAsString(found.value);
}

/** `job` and `instance` from a resource's service attributes (absent when the resource has none). */
export function resourceIdentity(resourceAttributes: readonly KeyValue[]): Label[] {
  const labels: Label[] = [];
  const name = attributeValue(resourceAttributes, SERVICE_NAME);
  if (name !== undefined) {
    const namespace = attributeValue(resourceAttributes, SERVICE_NAMESPACE);
    labels.push({ name: "job", value: namespace === undefined ? name : `${namespace}/${name}` });
  }
  const instance = attributeValue(resourceAttributes, SERVICE_INSTANCE_ID);
  if (instance !== undefined) labels.push({ name: "instance", value: instance });
  return labels;
}

/**
 * Labels for one series: `attributes` (minus `ignore`d keys) normalised and merged, then `overrides`
 * (job/instance, `__name__`, `le`, `quantile`) replacing same-named labels.
 */
export function attributesToLabels(
  attributes: readonly KeyValue[],
  overrides: readonly Label[],
  ignore: readonly string[] = [],
): Label[] {
  const byName = new Map<string, string>();
  const sorted = attributes
    .filter((attribute) => !ignore.includes(attribute.key))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const attribute of sorted) {
    const name = prometheusLabelName(attribute.key);
    const value = anyValueAsString(attribute.value);
    const existing = byName.get(name);
    if (existing === undefined) byName.set(name, value);
    else if (existing !== value) byName.set(name, `${existing};${value}`);
  }
  for (const label of overrides) byName.set(label.name, label.value);
  return [...byName].map(([name, value]) => ({ name, value }));
}
