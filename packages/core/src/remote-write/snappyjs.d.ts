// snappyjs 0.7 ships no types. Only what snappy.ts uses; it is the only module that may import snappyjs,
// because uncompress() is unsafe on untrusted input without the checks made there.
declare module "snappyjs" {
  export function uncompress<T extends Uint8Array>(compressed: T, maxLength?: number): T;
  export function compress<T extends Uint8Array>(uncompressed: T): T;
}
