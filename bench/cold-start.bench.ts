/**
 * Cold start (issue #8): each function bundled the way SST 4 bundles it for `sst deploy`, then imported in a
 * fresh Node process — the module-init part of a Lambda cold start. Target: under 40 ms.
 *
 * SST's Node build (sst/sst pkg/runtime/node/build.go): esbuild, bundle everything (AWS SDK v3 included —
 * only sharp and pg-native are kept external), ESM, platform node, keepNames, mainFields module/main, a
 * createRequire banner; `minify` and `sourcemap` as infra/lambda.ts sets them (true, false). SST's target is
 * esnext; node22 here (the Lambda runtime, infra/lambda.ts), which emits the same code for this source.
 *
 * Baseline, measured in the same run: a bundle of only what every function needs before its first answer
 * from the SDK — `@aws-sdk/client-ssm` and the default credential chain — so the ratio shows what ampgate's own
 * code adds on top of the SDK.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type BuildOptions } from "esbuild";
import { median } from "./lib/measure";
import { result, type BenchResult } from "./lib/results";

const FUNCTIONS = ["ingest", "query", "webhook", "poll"] as const;
const ROOT = new URL("..", import.meta.url).pathname;

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

function timeImport(bundle: string): number {
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", IMPORT_TIMER, bundle], { encoding: "utf8", cwd: tmpdir() });
  if (run.status !== 0) throw new Error(`importing ${bundle} failed: ${run.stderr}`);
  return Number(run.stdout);
}

/** Bundles a function's entry file, or source text resolved from the repository root; returns the bytes. */
async function bundle(entry: string | { source: string }, outfile: string): Promise<number> {
  const input = typeof entry === "string" ? { entryPoints: [entry] } : { stdin: { contents: entry.source, resolveDir: ROOT, loader: "ts" as const } };
  const built = await build({ ...SST_LIKE_OPTIONS, ...input, outfile, absWorkingDir: ROOT });
  return Object.values(built.metafile!.outputs)[0]!.bytes;
}

export async function benchColdStart(options: { quick: boolean }): Promise<BenchResult[]> {
  const dir = join(tmpdir(), "ampgate-bench-cold-start");
  mkdirSync(dir, { recursive: true });
  // Exported, or esbuild drops them (the SDK packages declare themselves side-effect free).
  const sdkEntry = {
    source: `export { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";\nexport { defaultProvider } from "@aws-sdk/credential-provider-node";\n`,
  };
  const bundles: Array<{ name: string; file: string; bytes: number }> = [];
  const sdkFile = join(dir, "sdk-only.mjs");
  const sdkBytes = await bundle(sdkEntry, sdkFile);
  for (const fn of FUNCTIONS) {
    const entry = join(ROOT, "functions", `${fn}.ts`);
    if (!existsSync(entry)) continue;
    const file = join(dir, `${fn}.mjs`);
    bundles.push({ name: fn, file, bytes: await bundle(entry, file) });
  }

  // Interleaved: one fresh process per bundle per round, so machine load hits all of them alike.
  const rounds = options.quick ? 5 : 11;
  const times: Record<string, number[]> = { sdk: [] };
  for (const b of bundles) times[b.name] = [];
  for (let round = 0; round < rounds; round++) {
    times.sdk!.push(timeImport(sdkFile));
    for (const b of bundles) times[b.name]!.push(timeImport(b.file));
  }
  const sdkMs = median(times.sdk!);
  const results: BenchResult[] = [];
  for (const b of bundles) {
    const ratios = times[b.name]!.map((ms, i) => ms / times.sdk![i]!);
    results.push(
      result({
        name: `cold start: ${b.name} module init`, unit: "ms", measured: median(times[b.name]!), baseline: sdkMs, ratio: median(ratios),
        target: { kind: "measured ≤", value: 40 }, note: "baseline: import of @aws-sdk/client-ssm + credential-provider-node alone",
      }),
      result({ name: `cold start: ${b.name} bundle size`, unit: "bytes", measured: b.bytes, baseline: sdkBytes, note: "minified ESM as SST builds it" }),
    );
  }
  return results;
}
