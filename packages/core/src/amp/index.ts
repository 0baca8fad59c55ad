/**
 * AMP: workspace URLs, SigV4-signed requests, the remote-write client, its typed errors and retry policy.
 *
 *   const endpoint = parseWorkspaceEndpoint(process.env.AMP_ENDPOINT!, { region: process.env.AWS_REGION });
 *   const client = createAmpHttpClient({ endpoint, signer: createSigV4Signer({ region: endpoint.region }) });
 *   const writer = createAmpWriter({ client, log });
 *   try { await writer.write(batch, { deadline }); } catch (error) { return writeErrorToRequestError(error); }
 */
export { parseWorkspaceEndpoint, isLoopbackHost, AmpEndpointError, type AmpWorkspaceEndpoint } from "./workspace-endpoint";
export {
  createSigV4Signer,
  defaultCredentialProvider,
  type AwsCredentials,
  type CredentialProvider,
  type RequestSigner,
  type SignableRequest,
} from "./sigv4-signer";
export { nodeHttpTransport, TransportError, type HttpTransport, type HttpTransportRequest, type HttpTransportResponse } from "./http-transport";
export { createAmpHttpClient, encodeRfc3986, USER_AGENT, type AmpHttpClient, type AmpRequest, type AmpResponse } from "./signed-client";
export {
  AmpWriteError,
  ampErrorToRequestError,
  writeErrorToRequestError,
  type AmpWriteErrorKind,
  type AmpWriteErrorDetails,
} from "./errors";
export { DEFAULT_RETRY_POLICY, decideRetry, parseRetryAfter, type RetryPolicy, type RetryDecision } from "./retry-policy";
export { createAcceptedPartsMemory, type AcceptedPartsMemory } from "./accepted-parts";
export {
  createAmpWriter,
  DEFAULT_AMP_WRITE_LIMITS,
  REMOTE_WRITE_HEADERS,
  type AmpWriter,
  type AmpWriterOptions,
  type AmpWriteLimits,
  type WriteOptions,
  type WriteResult,
  type WriterClock,
} from "./remote-write-client";
