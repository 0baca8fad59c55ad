/**
 * The part of `@aws-sdk/client-ssm` that ssm-secret-source.ts uses, in a module of its own so that it can be
 * imported on first use (`import("./ssm-sdk")`) while esbuild still bundles only these exports: a dynamic import
 * of the package itself keeps every one of its ~150 commands, and the bigger bundle costs more to compile at cold
 * start than the lazy import saves (measured, issue #8).
 */
export { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
