/**
 * Per-function runtime settings, shared by infra/ (what AWS runs) and the local runner (the deadline it gives
 * handlers), so a handler sees the same time budget in both places.
 *
 * Timeouts: ingest must answer within API Gateway's 30 s integration limit, leaving time for AMP retries;
 * query stays under AMP's own 60 s query limit… but API Gateway HTTP APIs cap integrations at 30 s.
 * Memory: see README "Limits and costs" for the measurements behind these numbers.
 */
import type { HttpFunctionName } from "./routes";

export type FunctionName = HttpFunctionName | "poll";

export interface FunctionSettings {
  timeoutSeconds: number;
  memoryMb: number;
}

export const FUNCTION_SETTINGS: Record<FunctionName, FunctionSettings> = {
  ingest: { timeoutSeconds: 29, memoryMb: 512 },
  query: { timeoutSeconds: 29, memoryMb: 512 },
  webhook: { timeoutSeconds: 10, memoryMb: 256 },
  poll: { timeoutSeconds: 120, memoryMb: 256 },
};
