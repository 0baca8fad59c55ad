/**
 * The part of `@aws-sdk/client-s3` that s3-document-store.ts uses, in a module of its own so that it can be
 * imported on first use (`import("./s3-sdk")`) while esbuild still bundles only these exports: a dynamic import
 * of the package itself keeps every command of the S3 client (measured, issue #8).
 */
export { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
