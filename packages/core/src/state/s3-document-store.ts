/**
 * Documents as S3 objects (`s3://<bucket>/<prefix><key>.json`): the poller's durable state in AWS.
 *
 * Why S3 and not DynamoDB or SSM: the poller's state holds batches that could not be written to AMP yet and
 * can grow past DynamoDB's 400 KB item limit during a long AMP outage; S3 has no practical size limit, costs
 * about $0.005 per 1,000 writes (two per run: ~$0.45/month at one run a minute), needs no capacity planning and
 * supports conditional writes (`If-Match` / `If-None-Match`, GA since 2024-11) for compare-and-swap. SSM
 * Parameter Store is for configuration: 4/8 KB values, low write throughput, and writes are throttled.
 *
 * IAM: `s3:GetObject` and `s3:PutObject` on `arn:aws:s3:::<bucket>/<prefix>*` (the webhook needs only GetObject).
 *
 * `@aws-sdk/client-s3` is imported on the first read or write, not with this module: it is ~35–50 ms of module
 * init (docs/performance.md, issue #8), and the webhook function must answer a wrong-path probe without it. The
 * first state access pays it instead; the cold-start bench reports init and first request separately.
 */
import type { S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { checkDocumentKey, DocumentConflictError, type DocumentStore } from "./document-store";

export interface S3DocumentStoreOptions {
  bucket: string;
  /** Key prefix, e.g. `switchbot/`. */
  prefix?: string;
  client?: Pick<S3Client, "send">;
  /** A local S3-compatible endpoint (tests); implies path-style addressing. */
  endpoint?: string;
  region?: string;
}

type S3Sdk = typeof import("./s3-sdk");

/** The SDK, imported on first use (see the header), and the client: the caller's, or one built from the options. */
async function loadS3(options: S3DocumentStoreOptions): Promise<{ sdk: S3Sdk; client: Pick<S3Client, "send"> }> {
  const sdk = await import("./s3-sdk");
  const client =
    options.client ??
    new sdk.S3Client({
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.region ? { region: options.region } : {}),
      // Whole-object checksums are not needed for a small JSON document written with a precondition.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
  return { sdk, client };
}

export function createS3DocumentStore(options: S3DocumentStoreOptions): DocumentStore {
  let s3: ReturnType<typeof loadS3> | undefined;
  const keyOf = (key: string) => `${options.prefix ?? ""}${checkDocumentKey(key)}.json`;

  return {
    async read(key) {
      const { sdk: { GetObjectCommand, NoSuchKey }, client } = await (s3 ??= loadS3(options));
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: keyOf(key) }));
        const text = (await response.Body?.transformToString("utf-8")) ?? "";
        return { value: JSON.parse(text) as unknown, version: response.ETag ?? "" };
      } catch (error) {
        if (error instanceof NoSuchKey || (error as S3ServiceException)?.name === "NoSuchKey") return undefined;
        throw error;
      }
    },
    async write(key, value, expected) {
      const { sdk: { PutObjectCommand }, client } = await (s3 ??= loadS3(options));
      const condition =
        expected === "unconditional" ? {} : expected === undefined ? { IfNoneMatch: "*" } : { IfMatch: expected };
      try {
        const response = await client.send(
          new PutObjectCommand({
            Bucket: options.bucket,
            Key: keyOf(key),
            Body: JSON.stringify(value),
            ContentType: "application/json",
            ...condition,
          }),
        );
        return response.ETag ?? "";
      } catch (error) {
        const status = (error as S3ServiceException)?.$metadata?.httpStatusCode;
        // 412 PreconditionFailed: changed since read; 409 ConditionalRequestConflict: a concurrent conditional write.
        if (status === 412 || status === 409) throw new DocumentConflictError(key);
        throw error;
      }
    },
  };
}
