/**
 * How SST bundles each function's handler (`sst.aws.Function` `nodejs` args, used by lambda.ts): esbuild, minified
 * ESM without source maps, and code splitting — what core imports on first use (the SSM and S3 clients, the SDK's
 * full credential chain) goes into chunk files loaded only then. In one file esbuild would still make every cold
 * start compile that code and could not tree-shake it (docs/performance.md, cold start). A module of its own, free
 * of SST's globals, so test/infra/lazy-sdk-loading.test.ts can build exactly this.
 */
export const NODEJS_BUILD = { format: "esm", minify: true, sourcemap: false, splitting: true } as const;
