/**
 * Small JSON documents that must survive between Lambda invocations and cold starts, with optimistic
 * concurrency: every read returns a version, and a write names the version it replaces, so two overlapping
 * invocations cannot silently overwrite each other's changes (the loser gets `DocumentConflictError`).
 *
 * Implementations: `file-document-store.ts` (local runner, tests) and `s3-document-store.ts` (AWS).
 */

export interface StoredDocument<T> {
  value: T;
  /** Opaque; an S3 ETag or a content hash. */
  version: string;
}

/** `undefined`: the document must not exist yet. `"unconditional"`: last writer wins. */
export type ExpectedVersion = string | undefined | "unconditional";

export interface DocumentStore {
  /** The document, or undefined when it does not exist. The value is parsed JSON, unchecked: callers validate it. */
  read(key: string): Promise<StoredDocument<unknown> | undefined>;
  /** Writes `value` as JSON if the stored version is still `expected`; returns the new version. */
  write(key: string, value: unknown, expected: ExpectedVersion): Promise<string>;
}

export class DocumentConflictError extends Error {
  override readonly name = "DocumentConflictError";
  constructor(readonly key: string) {
    super(`state document "${key}" was changed by another invocation since it was read`);
  }
}

/** Keys are file names and S3 key suffixes: keep them boring. */
export function checkDocumentKey(key: string): string {
  if (!/^[a-z0-9][a-z0-9._-]{0,100}$/.test(key)) throw new Error(`invalid state document key ${JSON.stringify(key)}`);
  return key;
}
