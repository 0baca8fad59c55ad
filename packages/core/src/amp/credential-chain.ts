/**
 * The AWS SDK's full Node credential chain, in a module of its own so that sigv4-signer.ts imports it only where
 * it is used — outside Lambda (see `defaultCredentialProvider`) — and esbuild bundles only this export.
 */
export { defaultProvider } from "@aws-sdk/credential-provider-node";
