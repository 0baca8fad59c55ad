/**
 * A stand-in for the two calls SST's components make to the `sst` CLI while a program evaluates
 * (`.sst/platform/src/components/rpc/rpc.ts`: JSON-RPC 1.0 over HTTP at `$SST_SERVER/rpc`):
 *
 * - `Provider.Aws.Bootstrap` — the account's bootstrap bucket for code assets: a fixed name here.
 * - `Runtime.Build` — bundle a function's handler. Done for real with esbuild, with the options SST's own node
 *   builder uses (sst-node-build.ts) into `<artifacts>/<functionID>-src/bundle.mjs` (with splitting, its chunks
 *   beside it), answering `handler: "bundle.<export>"` as SST does.
 *
 * Every request is recorded, so tests can assert what the components asked to build. Any other method answers
 * with SST's "can't find" error, so a component starting to need a new CLI call fails loudly.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { listenOnLoopback } from "../../../local/listen";
import { readBody } from "../../../local/read-body";
import { buildLikeSst } from "./sst-node-build";

export interface BuildRequest {
  functionID: string;
  handler: string;
  runtime: string;
  properties: { minify?: boolean; format?: string; sourcemap?: boolean; splitting?: boolean; architecture?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface BuiltBundle {
  functionID: string;
  handler: string;
  /** The entry file resolved from the handler, or undefined when it does not exist (yet). */
  entry?: string;
  bytes: number;
  minified: boolean;
  errors: string[];
}

export interface RpcStandIn {
  url: string;
  builds: BuildRequest[];
  bundles: BuiltBundle[];
  close(): Promise<void>;
}

export const BOOTSTRAP_ASSET_BUCKET = "sst-asset-standin";

function resolveEntry(root: string, handler: string): { entry?: string; exportName: string } {
  const dot = handler.lastIndexOf(".");
  const base = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const entry = [".ts", ".mts", ".js", ".mjs"].map((ext) => join(root, base + ext)).find((file) => existsSync(file));
  return { ...(entry ? { entry } : {}), exportName };
}

export interface RpcStandInOptions {
  root: string;
  artifactsDir: string;
  /**
   * A handler file that does not exist yet is bundled from a stub (and reported with an error in `bundles`)
   * instead of failing the whole evaluation, so the rest of the graph can still be checked.
   */
  stubMissingHandlers: boolean;
}

export async function startRpcStandIn(options: RpcStandInOptions): Promise<RpcStandIn> {
  const builds: BuildRequest[] = [];
  const bundles: BuiltBundle[] = [];

  async function runtimeBuild(input: BuildRequest) {
    builds.push(input);
    const out = join(options.artifactsDir, `${input.functionID}-src`);
    mkdirSync(out, { recursive: true });
    const outfile = join(out, "bundle.mjs");
    const { entry, exportName } = resolveEntry(options.root, input.handler);
    const minify = input.properties.minify ?? true;
    const errors: string[] = [];
    if (!entry) errors.push(`Handler not found: ${input.handler}`);
    if (!entry && !options.stubMissingHandlers) return { handler: "", out, errors, sourcemaps: [] };
    const result = await buildLikeSst({
      entry: entry ?? { source: `export const ${exportName} = async () => undefined;` },
      outdir: out,
      runtime: input.runtime,
      properties: { minify, splitting: input.properties.splitting === true },
    }).catch((error: { errors?: { text: string }[] }) => {
      errors.push(...(error.errors?.map((e) => e.text) ?? [String(error)]));
      return undefined;
    });
    bundles.push({
      functionID: input.functionID,
      handler: input.handler,
      ...(entry ? { entry } : {}),
      bytes: result && existsSync(outfile) ? statSync(outfile).size : 0,
      minified: minify,
      errors,
    });
    const fatal = errors.filter((e) => !(options.stubMissingHandlers && e.startsWith("Handler not found")));
    return { handler: `bundle.${exportName}`, out, errors: fatal, sourcemaps: [] };
  }

  const methods: Record<string, (params: any) => Promise<unknown>> = {
    "Provider.Aws.Bootstrap": async () => ({
      asset: BOOTSTRAP_ASSET_BUCKET,
      assetEcrRegistryId: "123456789012",
      assetEcrUrl: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sst-asset",
      state: "sst-state-standin",
      appsyncHttp: "",
      appsyncRealtime: "",
    }),
    "Runtime.Build": runtimeBuild,
  };

  const server: Server = createServer((req, res) => {
    void readBody(req).then(async (raw) => {
      const { method, params } = JSON.parse(raw.toString("utf8")) as { method: string; params: unknown[] };
      const implementation = methods[method];
      const reply = (body: unknown) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (!implementation) return reply({ result: null, error: `rpc: can't find method ${method}` });
      try {
        reply({ result: await implementation(params[0]), error: null });
      } catch (error) {
        reply({ result: null, error: (error as Error).message });
      }
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    builds,
    bundles,
    close,
  };
}
