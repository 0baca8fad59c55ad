// snappyjs 0.7 ships no types. snappy.ts compresses with it; `uncompress` is unsafe on untrusted input (snappy.ts
// says why), so ampgate decodes with its own checking decoder — it is declared only for the benchmark's floor
// (bench/ingest-cases.ts: the "bare snappyjs uncompress + compress").
declare module "snappyjs" {
  export function uncompress<T extends Uint8Array>(compressed: T, maxLength?: number): T;
  export function compress<T extends Uint8Array>(uncompressed: T): T;
}
