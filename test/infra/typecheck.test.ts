/**
 * The SST program (sst.config.ts + infra/) type-checks against SST's own platform types: the `sst`, `aws`,
 * `$app`, `$interpolate`… globals of .sst/platform/config.d.ts and the component sources behind them.
 *
 * tsconfig.infra.json has the project's full strictness. SST's sources are .ts files, so the compiler checks
 * them too, and under our stricter flags (verbatimModuleSyntax, noUncheckedIndexedAccess, noImplicitOverride)
 * they report errors of their own; those are SST's, not ours, so only diagnostics in our files fail the test.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, expect, it } from "vitest";
import { ensureSstPlatform, ROOT } from "./support/sst-platform";

beforeAll(async () => {
  await ensureSstPlatform();
}, 15 * 60_000);

it("sst.config.ts and infra/ type-check against .sst/platform", () => {
  // One compiler run: diagnostics, and (--listFiles) the files it compiled.
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.infra.json", "--pretty", "false", "--listFiles"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(tsc.error).toBeUndefined();
  const output = `${tsc.stdout}${tsc.stderr}`;
  const diagnostics = output.split("\n").filter((line) => /^\S.*\(\d+,\d+\): error TS\d+/.test(line));
  const ours = diagnostics.filter((line) => !line.startsWith(".sst/"));
  expect(ours).toEqual([]);
  // A program that compiled nothing would also report nothing: make sure ours were part of it.
  for (const file of ["sst.config.ts", "infra/index.ts", "infra/api.ts", "infra/poller.ts", ".sst/platform/config.d.ts"]) {
    expect(output).toContain(join(ROOT, file));
  }
}, 120_000);
