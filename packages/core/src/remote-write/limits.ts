/**
 * What AMP accepts per series and per request, as one data object; every value can be overridden.
 *
 *   const limits = remoteWriteLimits({ maxLabelsPerSeries: 150 }); // after an AMP quota increase
 *
 * Sources (reference §4.4 and §1.4; ✔ AWS-stated, ◐ Cortex default or user report, ✱ quota name only): AMP
 * is built on Cortex and reports Cortex's discard reasons (`label_value_too_long`, `max_label_names_per_series`,
 * … reference §4.5), so where AWS publishes no number the Cortex default is used. Being stricter than AMP
 * would reject data AMP takes; being looser lets AMP reject a whole batch with a 400 that names no series —
 * so each default is AMP's value where one is known.
 */

export interface RemoteWriteLimits {
  /** Labels per series, `__name__` included. */
  maxLabelsPerSeries: number;
  /** Bytes (UTF-8) of one label name. */
  maxLabelNameLength: number;
  /** Bytes (UTF-8) of one label value. */
  maxLabelValueLength: number;
  /** Bytes (UTF-8) of all names and values of one series together. */
  maxLabelBytesPerSeries: number;
  /** Bytes of `MetricMetadata.metric_family_name`, `help` and `unit`, each. */
  maxMetadataLength: number;
  /** Largest encoded (decoded-from-snappy) protobuf sent to AMP in one request; bigger batches are split. */
  maxRequestBytes: number;
  /** Largest snappy-decoded body accepted from a sender; checked against the snappy header before allocating. */
  maxDecodedBodyBytes: number;
  /**
   * Reserved `__`-prefixed label names accepted besides `__name__`. Default none. `__replica__` is AMP's HA
   * dedup label (AMP strips it and keeps one replica per `cluster`), but the election is per workspace, not
   * per token, so any pusher sending `cluster=X,__replica__=Y` could become X's leader and make AMP discard
   * another sender's samples; add it here only if every token holder is trusted with that.
   */
  allowedReservedLabelNames: readonly string[];
  /**
   * Remote Write 1.0 says senders MUST sort labels; Prometheus' receiver sorts them anyway, AMP/Cortex rejects
   * unsorted input. Default `false`: sort them (labels from Influx/JSON have no order, and a hand-written Pi
   * script should not lose data over it). `true` rejects unsorted input with 400 `labels_not_sorted`.
   */
  rejectUnsortedLabels: boolean;
}

export const DEFAULT_LIMITS: Readonly<RemoteWriteLimits> = Object.freeze({
  // ✔ "Labels per metric series: 70" (AMP quotas page, table version with error "series has too many
  // labels"); a 2026 third-party list says 150 ◐ — keep the documented 70 until AWS states otherwise.
  maxLabelsPerSeries: 70,
  // ◐ Cortex `max_label_name_length` default 1024 (AMP publishes no separate name-length quota).
  maxLabelNameLength: 1024,
  // ◐ Cortex `max_label_value_length` default 2048; AMP discard reason `label_value_too_long` ✔.
  maxLabelValueLength: 2048,
  // ✱ AMP quota "Label size" (L-8E142053), about 7 KB for all names and values of a series.
  maxLabelBytesPerSeries: 7 * 1024,
  // ✱ AMP quota "Metadata length" (L-ECC75BFE), about 1 KB; Cortex `max_metadata_length` default 1024.
  maxMetadataLength: 1024,
  // ◐ AMP answers 413 above 1 MB per request and it "cannot be increased"; whether compressed or decoded
  // size counts is undocumented, so the decoded protobuf is kept ≤ 1 MB (1,000,000 bytes, the smaller reading).
  maxRequestBytes: 1_000_000,
  // ✔ Prometheus' own receiver caps the decoded body at 32 MiB (`decodeReadLimit`, storage/remote/codec.go).
  maxDecodedBodyBytes: 32 * 1024 * 1024,
  allowedReservedLabelNames: Object.freeze([]),
  rejectUnsortedLabels: false,
});

export function remoteWriteLimits(overrides: Partial<RemoteWriteLimits> = {}): RemoteWriteLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}
