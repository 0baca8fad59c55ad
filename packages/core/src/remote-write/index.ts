/**
 * Remote Write 1.0 for ampgate: the WriteRequest model every input format converts to, and the steps a batch
 * goes through on its way to AMP —
 *
 *   decompressSnappyBlock → decodeWriteRequest → stampLabels → validateWriteRequest
 *     → splitWriteRequest → encodeWriteRequest → compressSnappyBlock
 */
export * from "./types";
export { decodeWriteRequest, encodeWriteRequest, emptyHistogram } from "./codec";
export { compressSnappyBlock, decompressSnappyBlock } from "./snappy";
export { DEFAULT_LIMITS, remoteWriteLimits, type RemoteWriteLimits } from "./limits";
export { validateWriteRequest } from "./validate";
export { stampLabels } from "./stamp";
export { splitWriteRequest } from "./split";
export { writeRequestSize, timeSeriesSize } from "./encoded-size";
export { formatSeries } from "./series-name";
export { isValidLabelName, isValidMetricName, LABEL_NAME_RULE, METRIC_NAME_RULE } from "./names";
export { describeTimestampUnit, guessTimestampUnit, isPlausibleMilliseconds } from "./timestamp-unit";
