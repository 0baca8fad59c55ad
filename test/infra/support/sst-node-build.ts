/**
 * What SST's Node builder does with a function's handler for `sst deploy` (sst/sst pkg/runtime/node/build.go):
 * esbuild, bundle everything but sharp/pg-native, ESM with the createRequire banner, target from the runtime,
 * keepNames, `minify` and `splitting` from the component's `nodejs` args — with splitting, an outdir holding the
 * entry and the chunk files it or a dynamic `import()` loads. The output here is always `<outdir>/bundle.mjs`
 * (+ chunks), as the stand-in answers `handler: "bundle.<export>"`.
 *
 * Used by the `Runtime.Build` stand-in (sst-rpc-standin.ts) and by the test that checks what a function loads at
 * module init (test/infra/lazy-sdk-loading.test.ts).
 */
import { join } from "node:path";
import { build, type BuildResult, type Metafile } from "esbuild";

/** esbuild targets by Lambda runtime, as in SST's builder. */
const TARGETS: Record<string, string> = { "nodejs24.x": "es2024", "nodejs22.x": "es2023", "nodejs20.x": "es2023", "nodejs18.x": "es2022" };

const ESM_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join("\n");

export interface SstNodeBuildProperties {
  minify?: boolean;
  splitting?: boolean;
}

export interface SstNodeBuild {
  /** An entry file, or source text (a stub handler). */
  entry: string | { source: string };
  outdir: string;
  runtime: string;
  properties: SstNodeBuildProperties;
  /** Resolve relative paths in the metafile against this (default: the process's cwd). */
  absWorkingDir?: string;
}

export const BUNDLE_FILE = "bundle.mjs";

export function buildLikeSst(options: SstNodeBuild): Promise<BuildResult<{ metafile: true }>> {
  const minify = options.properties.minify ?? true;
  const splitting = options.properties.splitting === true;
  return build({
    ...(typeof options.entry === "string" ? { entryPoints: [options.entry] } : { stdin: { contents: options.entry.source, loader: "js" } }),
    bundle: true,
    platform: "node",
    format: "esm",
    target: TARGETS[options.runtime] ?? "es2023",
    mainFields: ["module", "main"],
    keepNames: true,
    external: ["sharp", "pg-native"],
    banner: { js: ESM_BANNER },
    minifyWhitespace: minify,
    minifySyntax: minify,
    minifyIdentifiers: minify,
    ...(splitting
      ? { splitting, outdir: options.outdir, entryNames: "bundle", outExtension: { ".js": ".mjs" } }
      : { outfile: join(options.outdir, BUNDLE_FILE) }),
    metafile: true,
    ...(options.absWorkingDir ? { absWorkingDir: options.absWorkingDir } : {}),
    logLevel: "silent",
  });
}

/** The metafile outputs `entry` loads at import: itself and, transitively, every chunk it imports statically. */
export function staticallyLoadedOutputs(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set([entry]);
  for (const file of seen) {
    for (const imported of metafile.outputs[file]!.imports) {
      if (imported.kind === "import-statement" && !imported.external) seen.add(imported.path);
    }
  }
  return seen;
}
