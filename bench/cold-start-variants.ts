/**
 * What-if for cold start (docs/performance.md): how much module init each heavy dependency costs, by bundling
 * every function as SST does (cold-start.bench.ts) and again with that dependency replaced by an empty stub —
 * i.e. "if it were loaded lazily, or not at all, how fast would init be". The stubbed bundles do not run; this
 * only measures. Not part of `npm run bench`.
 *
 *   tsx bench/cold-start-variants.ts [processes=9]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build, type Plugin } from "esbuild";
import { IMPORT_TIMER, SST_LIKE_OPTIONS } from "./cold-start.bench";
import { median } from "./lib/measure";

/** Replaces imports of `filter` with `contents`. */
function stub(filter: RegExp, contents: string): Plugin {
  const namespace = `stub-${filter.source.replace(/\W+/g, "-")}`;
  return {
    name: namespace,
    setup(builder) {
      builder.onResolve({ filter }, (args) => ({ path: args.path, namespace }));
      builder.onLoad({ filter: /.*/, namespace }, () => ({ contents, loader: "js" }));
    },
  };
}

const SSM_AND_CREDENTIALS = [
  stub(/^@aws-sdk\/client-ssm$/, "export class SSMClient { send() {} } export class GetParametersCommand {}"),
  stub(/^@aws-sdk\/credential-provider-node$/, "export const defaultProvider = () => async () => ({});"),
];
const S3 = [stub(/^@aws-sdk\/client-s3$/, "export class S3Client {} export class GetObjectCommand {} export class PutObjectCommand {} export class NoSuchKey extends Error {} export class S3ServiceException extends Error {}")];
const PROTOBUFJS_FULL = [stub(/^protobufjs$/, "export default { Root: { fromJSON: () => ({ lookupType: () => ({}), lookupEnum: () => ({ values: {} }) }) }, util: {} };")];

const VARIANTS: Record<string, Plugin[]> = {
  "as built": [],
  "without SSM client + credential chain": SSM_AND_CREDENTIALS,
  "… and without the S3 client": [...SSM_AND_CREDENTIALS, ...S3],
  "… and without full protobufjs (OTLP schema)": [...SSM_AND_CREDENTIALS, ...S3, ...PROTOBUFJS_FULL],
};

const processes = Number(process.argv[2] ?? 9);
const dir = join(tmpdir(), "ampgate-bench-cold-start-variants");
mkdirSync(dir, { recursive: true });
const root = new URL("..", import.meta.url).pathname;
process.stdout.write(`| function | ${Object.keys(VARIANTS).join(" | ")} |\n|---|${Object.keys(VARIANTS).map(() => "---").join("|")}|\n`);
for (const fn of ["ingest", "query", "webhook", "poll"]) {
  const files: Array<{ file: string; bytes: number }> = [];
  for (const [name, plugins] of Object.entries(VARIANTS)) {
    const file = join(dir, `${fn}-${name.replace(/\W+/g, "-")}.mjs`);
    const built = await build({ ...SST_LIKE_OPTIONS, entryPoints: [join(root, "functions", `${fn}.ts`)], outfile: file, absWorkingDir: root, plugins });
    files.push({ file, bytes: Object.values(built.metafile!.outputs)[0]!.bytes });
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
