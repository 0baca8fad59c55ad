/**
 * The Pushgateway's URL grammar for a push's grouping key (prometheus/pushgateway README, "URL"):
 *
 *   /metrics/job/<JOB>{/<LABEL_NAME>/<LABEL_VALUE>}
 *
 * - `<JOB>` and label values are URL-escaped path segments;
 * - a value that contains `/` (or is empty) is sent base64url-encoded (RFC 4648 §5, padding optional) by
 *   suffixing its name with `@base64`: `/metrics/job@base64/<b64>`, `/…/path@base64/L3Zhci90bXA`; an empty
 *   value is `@base64/=`;
 * - the job must not be empty, label names must be valid Prometheus label names, and no name may repeat.
 *
 * The grouping key becomes labels on every pushed sample, overriding labels of the same name in the body.
 */
import { badRequest } from "../../errors";
import type { Label } from "../../remote-write/types";
import { isReservedLabelName, isValidLabelName, LABEL_NAME_RULE } from "../../remote-write/names";

const BASE64_SUFFIX = "@base64";
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

const invalid = (message: string) => badRequest("invalid_grouping_key", message);

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalid(`path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}

function decodeBase64Value(encoded: string, name: string): string {
  // "=" alone is the documented spelling of an empty value.
  if (!BASE64URL.test(encoded) || encoded.replace(/=+$/, "").length % 4 === 1) {
    throw invalid(`value of ${name}@base64 is not base64url: ${JSON.stringify(encoded)}`);
  }
  try {
    return strictUtf8.decode(Buffer.from(encoded, "base64url"));
  } catch {
    throw invalid(`value of ${name}@base64 does not decode to UTF-8 text`);
  }
}

/**
 * The grouping key from a request path containing `/metrics/job…`. Any prefix before `/metrics/` (an API
 * Gateway stage name) is ignored; the path is the raw, still percent-encoded one.
 */
export function parseGroupingKey(rawPath: string): Label[] {
  const start = rawPath.search(/\/metrics\/job(?:@base64)?\//);
  if (start < 0) throw invalid("push URL must be /metrics/job/<job>{/<label>/<value>}");
  const segments = rawPath.slice(start + "/metrics/".length).replace(/\/$/, "").split("/");
  if (segments.length % 2 !== 0) {
    throw invalid(`label ${JSON.stringify(decodeSegment(segments[segments.length - 1]!))} has no value: the path must alternate /<label>/<value>`);
  }
  const labels: Label[] = [];
  for (let i = 0; i < segments.length; i += 2) {
    const rawName = decodeSegment(segments[i]!);
    const base64 = rawName.endsWith(BASE64_SUFFIX);
    const name = base64 ? rawName.slice(0, -BASE64_SUFFIX.length) : rawName;
    if (!isValidLabelName(name) || isReservedLabelName(name)) {
      throw invalid(`${JSON.stringify(name)} is not a valid grouping label name (${LABEL_NAME_RULE}, not starting with __)`);
    }
    if (labels.some((label) => label.name === name)) throw invalid(`grouping label ${JSON.stringify(name)} appears twice`);
    const value = base64 ? decodeBase64Value(segments[i + 1]!, name) : decodeSegment(segments[i + 1]!);
    if (name === "job" && value === "") throw invalid("job name must not be empty");
    labels.push({ name, value });
  }
  return labels;
}
