/**
 * An ingest token's fixed labels, encoded once as the `TimeSeries.labels` entries that fast-ingest.ts splices
 * into every series — the bytes `encodeWriteRequest` would write for them.
 *
 *   const stamps = encodedStamps(token.labels, limits); // undefined: let stampLabels/validation decide
 */
import { isReservedLabelName, isValidLabelName } from "./names";
import type { RemoteWriteLimits } from "./limits";
import { utf8Length } from "./utf8-length";
import { Field, tag, WireType, Writer } from "./wire";

export interface EncodedStamp {
  /** The label name's UTF-8 bytes (ASCII: valid names only), for comparing with the sender's names. */
  name: Uint8Array;
  /** The whole `TimeSeries.labels` field: tag, length, Label{name, value}. */
  entry: Uint8Array;
  /** UTF-8 bytes of name and value, towards the per-series label-bytes limit. */
  labelBytes: number;
}

const LABELS_TAG = tag(Field.TimeSeries.labels, WireType.LENGTH_DELIMITED);
const NAME_TAG = tag(Field.Label.name, WireType.LENGTH_DELIMITED);
const VALUE_TAG = tag(Field.Label.value, WireType.LENGTH_DELIMITED);

/** Token label objects are parsed once per secret refresh, so the encoding is kept per object. */
const cache = new WeakMap<object, { limits: RemoteWriteLimits; stamps: EncodedStamp[] | undefined }>();

/**
 * The stamps sorted by name, or `undefined` when the general path must handle them: stampLabels refuses the
 * label (a configuration error), or a value breaks a limit or is not encodable (validation names the series).
 */
export function encodedStamps(fixed: Readonly<Record<string, string>>, limits: RemoteWriteLimits): EncodedStamp[] | undefined {
  const cached = cache.get(fixed);
  if (cached?.limits === limits) return cached.stamps;
  const stamps = encode(fixed, limits);
  cache.set(fixed, { limits, stamps });
  return stamps;
}

function encode(fixed: Readonly<Record<string, string>>, limits: RemoteWriteLimits): EncodedStamp[] | undefined {
  const stamps: EncodedStamp[] = [];
  const names = Object.keys(fixed).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const utf8 = new TextEncoder();
  for (const name of names) {
    const value = fixed[name]!;
    const valueBytes = utf8Length(value); // -1: a lone surrogate, which validation names
    if (!isValidLabelName(name) || isReservedLabelName(name) || value === "" || valueBytes < 0) return undefined;
    if (name.length > limits.maxLabelNameLength || valueBytes > limits.maxLabelValueLength) return undefined;
    const encoded = Writer.create().uint32(LABELS_TAG).fork().uint32(NAME_TAG).string(name).uint32(VALUE_TAG).string(value).ldelim().finish();
    const entry = new Uint8Array(encoded); // protobufjs hands out Buffers; the fast path reads plain Uint8Arrays
    stamps.push({ name: utf8.encode(name), entry, labelBytes: name.length + valueBytes });
  }
  return stamps;
}
