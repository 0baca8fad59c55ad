/**
 * What each function loads at module init, in the bundle `sst deploy` builds (infra/nodejs-build.ts, built as
 * SST's Node builder does: support/sst-node-build.ts). The AWS SDK clients core imports on first use — the SSM
 * client (secrets/ssm-secret-source.ts), the S3 client (state/s3-document-store.ts) and the SDK's full credential
 * chain (amp/sigv4-signer.ts, outside Lambda only) — were ~40–55 ms of every cold start (docs/performance.md, issue
 * #8). They must be in the bundle, in chunks that only a dynamic `import()` loads; a static import added anywhere
 * on a handler's import graph, or code splitting turned off, moves them back into init and fails here.
 *
 * Checked twice: in esbuild's metafile (which chunk holds them, which chunks the entry imports) and by importing the
 * built entry in a fresh Node process with a resolve hook that records every file loaded.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FunctionName } from "../../functions/settings";
import { NODEJS_BUILD } from "../../infra/nodejs-build";
import { BUNDLE_FILE, buildLikeSst, staticallyLoadedOutputs } from "./support/sst-node-build";
import { ROOT } from "./support/sst-platform";

const run = promisify(execFile);

/** Packages that must load on first use only, and the functions whose bundles contain them. */
const LAZY_PACKAGES: Record<string, readonly FunctionName[]> = {
  "@aws-sdk/client-ssm": ["ingest", "query", "webhook", "poll"],
  "@aws-sdk/client-s3": ["webhook", "poll"],
  "@aws-sdk/credential-provider-node": ["ingest", "query", "webhook", "poll"],
};
const FUNCTIONS: FunctionName[] = ["ingest", "query", "webhook", "poll"];

const packageOf = (input: string): string | undefined => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];

interface Built {
  outdir: string;
  metafile: Metafile;
  /** Metafile output paths (relative to ROOT) of the entry and the chunks it imports statically. */
  atInit: Set<string>;
}

let work: string;
const built = new Map<FunctionName, Built>();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "ampgate-lazy-sdk-"));
  for (const fn of FUNCTIONS) {
    const outdir = join(work, fn);
    const { metafile } = await buildLikeSst({ entry: join(ROOT, "functions", `${fn}.ts`), outdir, runtime: "nodejs22.x", properties: NODEJS_BUILD, absWorkingDir: ROOT });
    const entry = Object.keys(metafile.outputs).find((file) => file.endsWith(`/${BUNDLE_FILE}`))!;
    built.set(fn, { outdir, metafile, atInit: staticallyLoadedOutputs(metafile, entry) });
  }
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Output files (relative to ROOT) holding any module of `pkg`. */
function outputsHolding(metafile: Metafile, pkg: string): string[] {
  return Object.entries(metafile.outputs)
    .filter(([, output]) => Object.keys(output.inputs).some((input) => packageOf(input) === pkg))
    .map(([file]) => file);
}

describe.each(FUNCTIONS)("%s bundle", (fn) => {
  const lazy = Object.entries(LAZY_PACKAGES).filter(([, fns]) => fns.includes(fn)).map(([pkg]) => pkg);

  it.each(lazy)("holds %s only in chunks that module init does not load", (pkg) => {
    const { metafile, atInit } = built.get(fn)!;
    const holding = outputsHolding(metafile, pkg);
    expect(holding.length, `${pkg} is not in the ${fn} bundle at all`).toBeGreaterThan(0);
    expect(holding.filter((file) => atInit.has(file))).toEqual([]);
  });

  it("loads no lazy chunk when Node imports it (a fresh process, every resolved file recorded)", async () => {
    const { outdir, metafile, atInit } = built.get(fn)!;
    const script = `
      import { registerHooks } from "node:module";
      const loaded = [];
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.push(r.url); return r; } });
      await import("node:http");
      const module = await import(${JSON.stringify(join(outdir, BUNDLE_FILE))});
      if (typeof module.handler !== "function") throw new Error("no handler export");
      process.stdout.write(JSON.stringify(loaded.filter((url) => url.startsWith("file:"))));`;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: tmpdir(), env: { ...process.env, AWS_LAMBDA_FUNCTION_NAME: `ampgate-test-${fn}` } });
    const loadedFiles = [...new Set((JSON.parse(stdout) as string[]).map((url) => new URL(url).pathname))].sort();
    const expected = [...atInit].map((file) => join(ROOT, file)).sort();
    expect(loadedFiles).toEqual(expected);
    const lazyChunks = lazy.flatMap((pkg) => outputsHolding(metafile, pkg)).map((file) => join(ROOT, file));
    expect(lazyChunks.length).toBeGreaterThan(0);
    for (const chunk of lazyChunks) expect(loadedFiles).not.toContain(chunk);
  });
});
