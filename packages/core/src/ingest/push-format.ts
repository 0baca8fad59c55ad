/**
 * A push format: how one kind of request body becomes a remote-write batch.
 *
 * The ingest pipeline (ingest-pipeline.ts) is the same for every format — authenticate, decode, stamp the
 * token's labels, validate, write to AMP, respond — and only the steps below differ. Formats live in
 * `formats/` and are listed in `push-formats.ts`; a route in functions/routes.ts names its format.
 */
import type { RequestError } from "../errors";
import type { CoreRequest, CoreResponse } from "../http";
import type { EncodedWriteRequest } from "../remote-write/fast-ingest";
import type { RemoteWriteLimits } from "../remote-write/limits";
import type { WriteRequest } from "../remote-write/types";

export interface PushContext {
  /** Request arrival time, epoch ms: the timestamp of samples that carry none. */
  now: number;
  /** Largest decompressed body a format may produce (bounds gzip/snappy before allocation). */
  maxDecodedBytes: number;
}

/** One part of the body that was not accepted while the rest was (Influx-style partial writes). */
export interface RejectedItem {
  /** 1-based line number (text formats) or array index (JSON), when there is one. */
  position?: number;
  reason: string;
  message: string;
}

export interface DecodedPush {
  writeRequest: WriteRequest;
  /** Items dropped while decoding; the rest is still written. Empty for all-or-nothing formats. */
  rejected: RejectedItem[];
}

/** What `encodeStamped` needs besides the request: the token's labels and the limits in force. */
export interface StampedEncodeContext extends PushContext {
  labels: Readonly<Record<string, string>>;
  limits: RemoteWriteLimits;
}

/**
 * What a format's `respond` sees. `D` is the format's own decode result, so a format can carry what its answer
 * needs (OTLP: the request's encoding and rejected point count) from `decode` to `respond`, typed.
 */
export interface PushOutcome<D extends DecodedPush = DecodedPush> {
  request: CoreRequest;
  /** The decode result; `writeRequest` only when the general path built the model (the shortcut has none). */
  decoded: Omit<D, "writeRequest"> & { writeRequest?: WriteRequest };
  samplesWritten: number;
  histogramsWritten: number;
  exemplarsWritten: number;
}

export interface PushFormat<D extends DecodedPush = DecodedPush> {
  /** Stable name for logs and the `format` metric label: `remote-write`, `influx`, `prometheus-text`, … */
  name: string;
  /** Convert the request to a WriteRequest; throw RequestError for input that cannot be used at all. */
  decode(request: CoreRequest, context: PushContext): D | Promise<D>;
  /**
   * Optional shortcut around decode → stamp → validate → encode for a body that already is a canonical
   * `prometheus.WriteRequest` (remote write 1.0, remote-write/fast-ingest.ts): the validated, token-labelled
   * encoding, or `undefined` to take the general path — which then produces every error, so a body is
   * answered the same way whichever path it takes.
   */
  encodeStamped?(request: CoreRequest, context: StampedEncodeContext): EncodedWriteRequest | undefined;
  /** The success response (default: 204, or 400 listing `rejected` items if any). */
  respond?(outcome: PushOutcome<D>): CoreResponse;
  /** The error response in the format's own shape (default: text/plain, one line). */
  respondError?(error: RequestError, request: CoreRequest): CoreResponse;
  /** Validation rules stricter than the shared defaults for this format (e.g. remote write must arrive sorted). */
  limits?: Partial<RemoteWriteLimits>;
  /** A credential carried outside the Authorization header (InfluxDB v1 `?p=`). */
  credential?(request: CoreRequest): string | undefined;
}
