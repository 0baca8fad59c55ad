/**
 * Cuts an encoded WriteRequest into parts of at most `maxEncodedBytes` at TimeSeries boundaries — the parts
 * `splitWriteRequest` makes from the decoded request (same greedy packing, same order), as views of the one
 * buffer, without decoding or copying.
 *
 *   const parts = splitEncodedEntries(batch.protobuf, batch.entryEnds, limits.maxRequestBytes)
 *     ?? splitWriteRequest(decodeWriteRequest(batch.protobuf), limits.maxRequestBytes).map(encodeWriteRequest);
 *
 * A WriteRequest has no envelope, so any run of consecutive entries is itself a valid encoded WriteRequest.
 * Returns `undefined` when a single entry is over the limit: that series must be cut between samples, which
 * only the model-level splitter does.
 */
export function splitEncodedEntries(protobuf: Uint8Array, entryEnds: readonly number[], maxEncodedBytes: number): Uint8Array[] | undefined {
  if (protobuf.length <= maxEncodedBytes) return protobuf.length === 0 ? [] : [protobuf];
  const parts: Uint8Array[] = [];
  let partStart = 0;
  let entryStart = 0;
  for (const entryEnd of entryEnds) {
    if (entryEnd - entryStart > maxEncodedBytes) return undefined;
    // As PartPacker.makeRoom: a new part when this entry would overflow a part that already holds something.
    if (entryEnd - partStart > maxEncodedBytes && entryStart > partStart) {
      parts.push(protobuf.subarray(partStart, entryStart));
      partStart = entryStart;
    }
    entryStart = entryEnd;
  }
  if (entryStart > partStart) parts.push(protobuf.subarray(partStart, entryStart));
  return parts;
}
