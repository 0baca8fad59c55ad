/**
 * Every push format ampgate accepts, by name. A route in functions/routes.ts selects one with `format`.
 * Adding a format = a module in formats/ + one line here + routes in the route table.
 */
import { remoteWriteFormat } from "../formats/remote-write";
import type { PushFormat } from "./push-format";

export const PUSH_FORMATS = {
  "remote-write": remoteWriteFormat,
} as const satisfies Record<string, PushFormat>;

export type PushFormatName = keyof typeof PUSH_FORMATS;
