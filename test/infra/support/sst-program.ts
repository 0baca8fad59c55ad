/**
 * Evaluates sst.config.ts the way `sst deploy` does, with SST's real components, against Pulumi's runtime mocks
 * instead of AWS:
 *
 * 1. Bundle the program as the CLI does (sst/sst pkg/project/run.go + pkg/js/js.go): esbuild over an entry that
 *    imports `.sst/platform/src/auto/run.ts` and sst.config.ts; `.sst/platform/src/shim/run.js` injected (the
 *    `$config`, `$interpolate`, `$util`, … globals); `import * as aws from "@pulumi/aws"` and
 *    `import * as sst from ".sst/platform/src/components"` prepended to every project file (the CLI's
 *    "InjectGlobals" plugin); `$app`, `$cli`, `$dev` defined; Pulumi and the AWS SDK left external and resolved
 *    from .sst/platform/node_modules. The bundle is written inside .sst/platform so those resolve.
 *    One difference: `$app` is defined as a global read at run time rather than a JSON literal, so the test can
 *    first call the config's own `app()` for the stage (as the CLI does) and then run the program.
 * 2. `pulumi.runtime.setMocks` on that same @pulumi/pulumi instance; SST's CLI calls answered by
 *    sst-rpc-standin.ts (handlers really bundled with esbuild).
 * 3. `runInPulumiStack(() => run(config.run))` — `run` is SST's own auto/run.ts (stack transformations,
 *    outputs), inside a real root Stack resource as an inline Pulumi program has.
 * 4. Wait until Pulumi has no RPC outstanding, so resources created inside `apply` callbacks are recorded too.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { createMocks, type RecordedInvoke, type RecordedResource } from "./pulumi-mocks";
import { ensureSstPlatform, PLATFORM_DIR, ROOT } from "./sst-platform";
import { startRpcStandIn, type BuildRequest, type BuiltBundle } from "./sst-rpc-standin";

type SstConfig = { app: (input: { stage: string }) => Record<string, any>; run: () => Promise<unknown> };

export interface EvaluatedProgram {
  app: Record<string, unknown>;
  /** sst.config.ts's default export, for checks of `app()` alone. */
  config: SstConfig;
  outputs: Record<string, unknown>;
  resources: RecordedResource[];
  invokes: RecordedInvoke[];
  builds: BuildRequest[];
  bundles: BuiltBundle[];
  timings: { platformMs: number; bundleMs: number; evaluateMs: number };
}

export interface EvaluateOptions {
  stage: string;
  /** Environment for the program (per-stage settings, as SST would load them from `.env.<stage>`). */
  env?: Record<string, string>;
  stubMissingHandlers?: boolean;
}

const APP_GLOBAL = "__ampgateSstApp";

/** The parts of @pulumi/pulumi used here (its types live in .sst/platform, outside the root tsconfig). */
interface PulumiRuntime {
  runtime: {
    setMocks(mocks: ReturnType<typeof createMocks>["mocks"], project: string, stack: string, preview: boolean): Promise<void>;
    runInPulumiStack(init: () => Promise<unknown>): Promise<Record<string, unknown> | undefined>;
    /** Resolves once no resource registration or invoke is outstanding (runtime/settings.ts). */
    waitForRPCs(): Promise<void>;
  };
}

async function bundleProgram(outfile: string, cli: Record<string, unknown>): Promise<void> {
  const platformSrc = join(PLATFORM_DIR, "src");
  const globals = [
    `import * as aws from "@pulumi/aws";`,
    `import * as sst from ${JSON.stringify(join(platformSrc, "components"))};`,
  ].join("\n");
  await build({
    stdin: {
      contents: [
        `import { run } from ${JSON.stringify(join(platformSrc, "auto", "run.ts"))};`,
        `import mod from ${JSON.stringify(join(ROOT, "sst.config.ts"))};`,
        `export { run, mod };`,
      ].join("\n"),
      resolveDir: ROOT,
      sourcefile: "eval.ts",
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "node",
    mainFields: ["module", "main"],
    nodePaths: [join(PLATFORM_DIR, "node_modules")],
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __filename = topLevelFileUrlToPath(import.meta.url)`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
      ].join("\n"),
    },
    external: ["@pulumi/*", "undici", "@pulumiverse/*", "@sst-provider/*", "@aws-sdk/*", "esbuild", "archiver", "glob", "vite"],
    define: { $app: `globalThis.${APP_GLOBAL}`, $cli: JSON.stringify(cli), $dev: "false" },
    inject: [join(platformSrc, "shim", "run.js")],
    plugins: [
      {
        name: "inject-globals",
        setup(b) {
          b.onLoad({ filter: /\.(js|ts|jsx|tsx)$/ }, async (args) => {
            if (args.path.startsWith(join(ROOT, ".sst")) || args.path.includes("node_modules")) return undefined;
            const { readFile } = await import("node:fs/promises");
            return { contents: `${globals}\n${await readFile(args.path, "utf8")}`, loader: "default" };
          });
        },
      },
    ],
    outfile,
    logLevel: "silent",
  });
}

/** What the CLI puts in `$app` (pkg/project/project.go `App`), from the config's own `app()`. */
function appFor(config: { app: (input: { stage: string }) => Record<string, any> }, stage: string) {
  const app = config.app({ stage });
  return {
    name: app.name,
    stage,
    removal: app.removal ?? "retain",
    providers: app.providers ?? {},
    home: app.home,
    version: "",
    protect: app.protect ?? false,
    watch: {},
    state: null,
    types: { ignore: [] },
  };
}

export async function evaluateProgram(options: EvaluateOptions): Promise<EvaluatedProgram> {
  const { ms: platformMs } = await ensureSstPlatform();

  const work = mkdtempSync(join(tmpdir(), "ampgate-sst-work-"));
  const cli = {
    command: "deploy",
    dev: false,
    paths: { home: join(work, "home"), root: ROOT, work, platform: PLATFORM_DIR },
    state: { version: {} },
  };
  const outfile = join(PLATFORM_DIR, `ampgate-eval-${process.pid}-${Date.now()}.mjs`);
  const bundleStarted = Date.now();
  await bundleProgram(outfile, cli);
  const bundleMs = Date.now() - bundleStarted;

  const evaluateStarted = Date.now();
  const rpc = await startRpcStandIn({ root: ROOT, artifactsDir: join(work, "artifacts"), stubMissingHandlers: options.stubMissingHandlers ?? false });
  const savedEnv = { ...process.env };
  const savedCwd = process.cwd();
  try {
    Object.assign(process.env, options.env ?? {}, { SST_SERVER: rpc.url });
    // The same module instance the bundle imports (it is external and resolves from .sst/platform).
    const pulumi = createRequire(join(PLATFORM_DIR, "package.json"))("@pulumi/pulumi") as PulumiRuntime;
    const { mocks, resources, invokes } = createMocks();
    await pulumi.runtime.setMocks(mocks, "ampgate", options.stage, false);

    const program = (await import(pathToFileURL(outfile).href)) as {
      run: (program: () => Promise<unknown>) => Promise<Record<string, unknown>>;
      mod: SstConfig;
    };
    const app = appFor(program.mod, options.stage);
    (globalThis as Record<string, unknown>)[APP_GLOBAL] = app;

    const outputs = (await pulumi.runtime.runInPulumiStack(() => program.run(program.mod.run))) ?? {};
    await pulumi.runtime.waitForRPCs();
    return {
      app,
      config: program.mod,
      outputs,
      resources,
      invokes,
      builds: rpc.builds,
      bundles: rpc.bundles,
      timings: { platformMs, bundleMs, evaluateMs: Date.now() - evaluateStarted },
    };
  } finally {
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    await rpc.close();
    rmSync(outfile, { force: true });
    rmSync(`${outfile}.map`, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}
