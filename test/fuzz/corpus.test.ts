/**
 * Every input fuzzing ever found to break a contract (test/fuzz/corpus/<target>/*.bin, saved by run-fuzz.ts),
 * replayed through its target under the same watchdog and checks: each is a regression test for the fix it led to.
 *
 *   switchbot-response/0a78454e5c25d93d.bin  a device list with a `null` entry crashed every poll run (TypeError in
 *                                            knownDevices); fixed in switchbot/device-list.ts.
 *   switchbot-response/562f28f55061dfbd.bin  a listed deviceId that is not an id (" ") threw a plain Error from the
 *                                            client's path guard, which crashed the run; now a SwitchBotError
 *                                            (invalid_device_id): that device fails, the rest are read.
 *   remote-write-1.0/823fa6e7903e767f.bin    a label name with a CR made a 400 message span two lines (series-name.ts
 *                                            escaped only \n); every control character is now escaped.
 *   json/, otlp-json/102b51b9765a56a3.bin    the body "\n\0": V8's JSON.parse message quotes the input raw, so the
 *                                            400 was multi-line; RequestError now escapes control characters.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CORPUS_DIR, runFuzzJob } from "./support/run-fuzz";
import { FUZZ_TARGETS } from "./targets/index";

const corpora = readdirSync(CORPUS_DIR, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);

describe("fuzz corpus replay", () => {
  it("every corpus directory names a fuzz target", () => {
    for (const name of corpora) expect(FUZZ_TARGETS.has(name), `test/fuzz/corpus/${name}`).toBe(true);
  });

  for (const target of corpora) {
    const files = readdirSync(join(CORPUS_DIR, target)).filter((file) => file.endsWith(".bin")).sort();
    it(`${target}: ${files.length} saved input(s) keep the contract`, async () => {
      const result = await runFuzzJob({ target, mode: "replay", files: files.map((file) => join(CORPUS_DIR, target, file)) });
      expect(result.died).toBeUndefined();
      expect(result.failure?.message).toBeUndefined();
      expect(result.tried).toBe(files.length);
    }, 60_000);
  }
});
