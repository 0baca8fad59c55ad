/**
 * Cold start (issue #8): each function bundled the way SST 4 bundles it for `sst deploy`, then, in fresh Node
 * processes, (1) its module init — the `import()` of the bundle, target under 40 ms — and (2) its first request
 * after that init against local endpoints (bench/cold-request.ts), so that cost moved out of init into first use
 * shows up instead of disappearing from the table.
 *
 * SST's Node build (sst/sst pkg/runtime/node/build.go): esbuild, bundle everything (AWS SDK v3 included — only
 * sharp and pg-native are kept external), ESM, platform node, keepNames, mainFields module/main, a createRequire
 * banner; `minify`, `sourcemap` and `splitting` as infra/lambda.ts sets them (true, false, true — with splitting
 * SST builds into an outdir, the entry plus chunk files the entry or a dynamic `import()` loads). SST's target is
 * esnext; node22 here (the Lambda runtime, infra/lambda.ts), which emits the same code for this source.
 *
 * Baseline for module init, measured in the same run: a bundle of `@aws-sdk/client-ssm` and the default credential
 * chain, imported statically — what every function loaded at init before issue #8. Baseline for the first request:
 * the second request in the same process (warm).
 *
 * Here both phases run on a whole core; Lambda does not treat them alike. An invocation gets memory/1,769 MB of a
 * vCPU (Lambda developer guide: 29% at ingest's 512 MB, 14% at poll's 256 MB), while the init phase is reported —
 * not documented — to run on two unthrottled vCPUs. So the "in Lambda (model)" row stretches the first request's
 * CPU time as the cost bench does (cost.bench.ts) and leaves init as measured: work moved from init into the first
 * request can make a Lambda cold start slower even where it is faster here.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";
import { FUNCTION_SETTINGS } from "../functions/settings";
import { startColdRequestEnvironment, type ColdInvocation } from "./cold-request";
import { PRICES } from "./cost.bench";
import { median } from "./lib/measure";
import { result, type BenchResult } from "./lib/results";

const run = promisify(execFile);
const FUNCTIONS = ["ingest", "query", "poll", "webhook"] as const; // poll first: it writes the device list webhook reads
/**
 * The checkout whose functions are bundled: this one, or another (`AMPGATE_BENCH_SOURCE_ROOT=/path/to/checkout`,
 * e.g. a `git archive` of an older commit with node_modules linked) to measure "before" with the same harness.
 */
const ROOT = process.env.AMPGATE_BENCH_SOURCE_ROOT ?? new URL("..", import.meta.url).pathname;

/** What SST 4 passes to esbuild for a production build of a Node function (see the header). */
export const SST_LIKE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  keepNames: true,
  mainFields: ["module", "main"],
  external: ["sharp", "pg-native"],
  minify: true,
  sourcemap: false,
  splitting: process.env.AMPGATE_BENCH_SPLITTING !== "0", // "0": measure a checkout from before infra/lambda.ts split
  outExtension: { ".js": ".mjs" },
  entryNames: "bundle",
  metafile: true,
  logLevel: "error",
  banner: {
    js: [
      "import { createRequire as topLevelCreateRequire } from 'module';",
      "const require = topLevelCreateRequire(import.meta.url);",
      'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"',
      "const __filename = topLevelFileUrlToPath(import.meta.url)",
      'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
    ].join("\n"),
  },
};

/**
 * Imports a module in a fresh process and prints how long the `import()` took, in ms. `node:http` is loaded
 * first: Lambda's Node.js runtime client has it loaded (it talks HTTP to the Runtime API) before it imports the
 * handler, so a handler's init does not pay for it there.
 */
export const IMPORT_TIMER =
  `await import("node:http"); const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));`;

/** In Lambda mode (AWS_LAMBDA_FUNCTION_NAME set), so that whatever a function does at init only in Lambda is timed. */
async function timeImport(bundle: string, fn: string): Promise<number> {
  const env = { ...process.env, AWS_LAMBDA_FUNCTION_NAME: `ampgate-bench-${fn}` };
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", IMPORT_TIMER, bundle], { encoding: "utf8", cwd: tmpdir(), env });
  return Number(stdout);
}

export interface FunctionBundle {
  /** The entry file (`<outdir>/bundle.mjs`): what Lambda imports. */
  entry: string;
  /** The entry and the chunks it imports statically: what module init loads and compiles. */
  initBytes: number;
  /** Every file of the bundle, including chunks only a dynamic `import()` loads. */
  totalBytes: number;
}

/** The outputs `entry` loads at import: itself and, transitively, the chunks it imports statically. */
export function staticallyLoaded(metafile: Metafile, entry: string): string[] {
  const seen = new Set([entry]);
  for (const file of seen) {
    for (const imported of metafile.outputs[file]!.imports) {
      if (imported.kind === "import-statement" && !imported.external) seen.add(imported.path);
    }
  }
  return [...seen];
}

/** Bundles a function's entry file, or source text resolved from the checkout's root, into `outdir` as SST would. */
export async function bundleFunction(entry: string | { source: string }, outdir: string, plugins: Plugin[] = []): Promise<FunctionBundle> {
  rmSync(outdir, { recursive: true, force: true });
  const input = typeof entry === "string" ? { entryPoints: [entry] } : { stdin: { contents: entry.source, resolveDir: ROOT, loader: "ts" as const } };
  const { splitting, ...options } = SST_LIKE_OPTIONS;
  const layout = splitting ? { splitting, outdir } : { outfile: join(outdir, "bundle.mjs") };
  const built = await build({ ...options, ...input, ...layout, plugins, absWorkingDir: ROOT });
  const metafile = built.metafile!;
  const entryOutput = Object.keys(metafile.outputs).find((file) => file.endsWith("/bundle.mjs"))!;
  const bytes = (files: string[]) => files.reduce((sum, file) => sum + metafile.outputs[file]!.bytes, 0);
  return {
    entry: join(ROOT, entryOutput),
    initBytes: bytes(staticallyLoaded(metafile, entryOutput)),
    totalBytes: bytes(Object.keys(metafile.outputs)),
  };
}

/** `npm run bench` section: module init, first request and bundle bytes per function. */
export async function benchColdStart(options: { quick: boolean }): Promise<BenchResult[]> {
  const dir = join(tmpdir(), "ampgate-bench-cold-start");
  mkdirSync(dir, { recursive: true });
  // Exported, or esbuild drops them (the SDK packages declare themselves side-effect free).
  const sdk = await bundleFunction({
    source: `export { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";\nexport { defaultProvider } from "@aws-sdk/credential-provider-node";\n`,
  }, join(dir, "sdk-only"));
  const bundles = new Map<string, FunctionBundle>();
  for (const fn of FUNCTIONS) {
    const entry = join(ROOT, "functions", `${fn}.ts`);
    if (existsSync(entry)) bundles.set(fn, await bundleFunction(entry, join(dir, fn)));
  }

  // Module init. Interleaved: one fresh process per bundle per round, so machine load hits all of them alike.
  const rounds = options.quick ? 5 : 11;
  const init: Record<string, number[]> = { sdk: [] };
  for (const fn of bundles.keys()) init[fn] = [];
  for (let round = 0; round < rounds; round++) {
    init.sdk!.push(await timeImport(sdk.entry, "sdk-only"));
    for (const [fn, b] of bundles) init[fn]!.push(await timeImport(b.entry, fn));
  }

  // First request after init, against the local endpoints; round 0 warms the endpoints up and is not counted.
  const environment = await startColdRequestEnvironment();
  const cold: Record<string, ColdInvocation[]> = Object.fromEntries([...bundles.keys()].map((fn) => [fn, []]));
  try {
    for (let round = 0; round <= rounds; round++) {
      for (const [fn, b] of bundles) {
        const invocation = await environment.invoke(fn as (typeof FUNCTIONS)[number], b.entry);
        if (round > 0) cold[fn]!.push(invocation);
      }
    }
  } finally {
    await environment.stop();
  }

  const sdkMs = median(init.sdk!);
  const results: BenchResult[] = [];
  for (const [fn, b] of bundles) {
    const first = cold[fn]!.map((c) => c.requestMs[0]);
    const warm = cold[fn]!.map((c) => c.requestMs[1]);
    const total = cold[fn]!.map((c) => c.initMs + c.requestMs[0]);
    const memoryMb = FUNCTION_SETTINGS[fn as (typeof FUNCTIONS)[number]].memoryMb;
    const stretch = Math.max(1, PRICES.memoryMbPerVcpu / memoryMb);
    const inLambda = cold[fn]!.map((c) => c.initMs + c.requestMs[0] + c.requestCpuMs[0] * (stretch - 1));
    results.push(
      result({
        name: `cold start: ${fn} module init`, unit: "ms", measured: median(init[fn]!), baseline: sdkMs,
        ratio: median(init[fn]!.map((ms, i) => ms / init.sdk![i]!)),
        target: { kind: "measured ≤", value: 40 }, note: "baseline: import of @aws-sdk/client-ssm + credential-provider-node alone",
      }),
      result({
        name: `cold start: ${fn} first request`, unit: "ms", measured: median(first), baseline: median(warm),
        ratio: median(first.map((ms, i) => ms / warm[i]!)),
        note: "after module init, local endpoints; includes what core loads on first use. Baseline: the second (warm) request",
      }),
      result({ name: `cold start: ${fn} module init + first request`, unit: "ms", measured: median(total), note: "what a cold request waits for, besides Lambda's own start" }),
      result({
        name: `cold start: ${fn} module init + first request in Lambda at ${memoryMb} MB (model)`, unit: "ms", measured: median(inLambda),
        note: `init as measured (Lambda's init phase is reported to run unthrottled); the first request's CPU stretched ${stretch.toFixed(2)}× (memory/1,769 MB of a vCPU)`,
      }),
      result({ name: `cold start: ${fn} bytes loaded at init`, unit: "bytes", measured: b.initBytes, baseline: sdk.initBytes, note: "minified ESM as SST builds it: entry + chunks it imports" }),
      result({ name: `cold start: ${fn} bundle bytes`, unit: "bytes", measured: b.totalBytes, note: "all files, including chunks loaded on first use" }),
    );
  }
  return results;
}
