/**
 * A fuzz target: one decoder (or the handler route in front of it), the inputs to throw at it, and what "kept its
 * contract" means. Inputs are bytes so that any crasher can be kept verbatim in test/fuzz/corpus/<target>/.
 */
import type fc from "fast-check";
import type { FuzzOutcome } from "../support/outcome";

export interface FuzzCase {
  input: Uint8Array;
  /** Present for valid inputs: throws a FuzzViolation unless the outcome is the round trip. */
  check?: (outcome: FuzzOutcome) => void;
}

export interface LargeInput {
  what: string;
  input: () => Uint8Array;
  /** Request headers to use instead of the target's (e.g. a gzip bomb needs Content-Encoding: gzip). */
  headers?: Record<string, string>;
}

export interface FuzzTarget {
  name: string;
  /** What is driven, in a few words (printed with the counts). */
  drives: string;
  cases: fc.Arbitrary<FuzzCase>;
  /** Run one input; returns the outcome, throws a FuzzViolation when the contract is broken. */
  run(input: Uint8Array, headers?: Record<string, string>): Promise<FuzzOutcome>;
  /** Inputs at the size limits and decompression bombs, for the time and memory probe. */
  large: LargeInput[];
}
