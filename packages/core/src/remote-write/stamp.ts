/**
 * Sets an ingest token's fixed labels (e.g. `source="pi-livingroom"`) on every series of a request.
 *
 *   validateWriteRequest(stampLabels(request, token.labels), limits);
 *
 * The token's value always wins over a value the sender put there, so a pusher cannot write under another
 * token's name. Works in place and returns the same request. Labels already sorted by name stay sorted (a
 * missing label is inserted at its place); unsorted input stays unsorted for validation to sort or reject.
 * Runs before validation so that the label limits count the stamped labels too.
 */
import { isReservedLabelName, isValidLabelName } from "./names";
import type { Label, WriteRequest } from "./types";

export function stampLabels(request: WriteRequest, fixed: Readonly<Record<string, string>>): WriteRequest {
  const stamps = fixedLabels(fixed);
  if (stamps.length === 0) return request;
  for (const series of request.timeseries) {
    for (const stamp of stamps) setLabel(series.labels, stamp);
  }
  return request;
}

/**
 * The fixed labels as a sorted list, refusing names a token must not set. This is configuration, not input:
 * a bad name is a programming/config error (plain Error → 500), never the sender's fault.
 */
function fixedLabels(fixed: Readonly<Record<string, string>>): Label[] {
  const labels = Object.entries(fixed).map(([name, value]) => ({ name, value }));
  for (const { name, value } of labels) {
    if (!isValidLabelName(name) || isReservedLabelName(name) || value === "") {
      throw new Error(`ingest token label ${JSON.stringify(name)}=${JSON.stringify(value)} is not allowed: names must be valid, not "__"-prefixed, values non-empty`);
    }
  }
  return labels.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function setLabel(labels: Label[], stamp: Label): void {
  let insertAt = labels.length;
  let found = false;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label.name === stamp.name) {
      labels[i] = stamp; // replaced, not mutated: Label objects are treated as immutable and may be shared
      found = true;
    } else if (!found && insertAt === labels.length && label.name > stamp.name) insertAt = i;
  }
  if (!found) labels.splice(insertAt, 0, stamp);
}
