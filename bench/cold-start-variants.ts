/**
 * What-if for cold start (docs/performance.md): how much module init each heavy dependency costs, by bundling
 * every function as SST does (cold-start.bench.ts, code splitting included) and again with that dependency
 * replaced by an empty stub — i.e. "if it were loaded lazily, or not at all, how fast would init be". The stubbed
 * bundles do not run; this only measures init (and the bytes it loads). Not part of `npm run bench`.
 *
 *   tsx bench/cold-start-variants.ts [processes=9]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Plugin } from "esbuild";
import { bundleFunction, IMPORT_TIMER } from "./cold-start.bench";
import { median } from "./lib/measure";

/** Replaces ampgate's own imports of `filter` with `contents` (the SDK's imports of the same package are kept). */
function stub(filter: RegExp, contents: string): Plugin {
  const namespace = `stub-${filter.source.replace(/\W+/g, "-")}`;
  const ours = /\/(packages|functions)\//;
  return {
    name: namespace,
    setup(builder) {
      builder.onResolve({ filter }, (args) => (ours.test(args.importer) ? { path: args.path, namespace } : undefined));
      builder.onLoad({ filter: /.*/, namespace }, () => ({ contents, loader: "js" }));
    },
  };
}

/** The SigV4 signer's libraries: through @smithy/core's barrels they pull SDK protocol code the lazy clients share. */
const SIGNER = [
  stub(/^@smithy\/signature-v4$/, "export class SignatureV4 {}"),
  stub(/^@smithy\/hash-node$/, "export class Hash {}"),
  stub(/^@aws-sdk\/credential-provider-env$/, "export const fromEnv = () => async () => ({});"),
];
const PROTOBUFJS_FULL = [stub(/^protobufjs$/, "export default { Root: { fromJSON: () => ({ lookupType: () => ({}) }) }, util: {} };")];
const PROMQL_PARSER = [stub(/^@prometheus-io\/lezer-promql$/, "export const parser = {};")];

const VARIANTS: Record<string, Plugin[]> = {
  "as built": [],
  "without the SigV4 signer's libraries": SIGNER,
  "without full protobufjs (OTLP)": PROTOBUFJS_FULL,
  "without the PromQL parser": PROMQL_PARSER,
};

const processes = Number(process.argv[2] ?? 9);
const dir = join(tmpdir(), "ampgate-bench-cold-start-variants");
mkdirSync(dir, { recursive: true });
const root = new URL("..", import.meta.url).pathname;
process.stdout.write(`| function | ${Object.keys(VARIANTS).join(" | ")} |\n|---|${Object.keys(VARIANTS).map(() => "---").join("|")}|\n`);
for (const fn of ["ingest", "query", "webhook", "poll"]) {
  const files: Array<{ file: string; bytes: number }> = [];
  for (const [name, plugins] of Object.entries(VARIANTS)) {
    const built = await bundleFunction(join(root, "functions", `${fn}.ts`), join(dir, `${fn}-${name.replace(/\W+/g, "-")}`), plugins);
    files.push({ file: built.entry, bytes: built.initBytes });
  }
  // Interleaved fresh processes, as in cold-start.bench.ts.
  const times = files.map(() => [] as number[]);
  for (let round = 0; round < processes; round++) {
    files.forEach(({ file }, i) => {
      const run = spawnSync(process.execPath, ["--input-type=module", "-e", IMPORT_TIMER, file], { encoding: "utf8", cwd: tmpdir() });
      times[i]!.push(run.status === 0 ? Number(run.stdout) : Number.NaN);
    });
  }
  const cells = files.map(({ bytes }, i) => `${median(times[i]!).toFixed(0)} ms, ${Math.round(bytes / 1024)} KiB`);
  process.stdout.write(`| ${fn} | ${cells.join(" | ")} |\n`);
}
