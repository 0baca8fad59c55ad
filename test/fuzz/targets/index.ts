/** Every fuzz target, by name: the decoders ampgate exposes to untrusted input. */
import type { FuzzTarget } from "./fuzz-target";
import { INGEST_TARGETS } from "./ingest-targets";
import { promqlEnforcement } from "./promql-target";
import { SWITCHBOT_TARGETS } from "./switchbot-targets";

export const FUZZ_TARGETS: ReadonlyMap<string, FuzzTarget> = new Map(
  [...INGEST_TARGETS, ...SWITCHBOT_TARGETS, promqlEnforcement].map((target) => [target.name, target]),
);
