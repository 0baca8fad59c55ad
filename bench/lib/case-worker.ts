/**
 * One benchmark case in its own worker thread (bench/lib/measure.ts says why): builds the case from its suite,
 * warms it up, then answers each "block" message with the CPU ms per run of one timed block. The first message
 * only sets up and warms up.
 */
import { parentPort, workerData } from "node:worker_threads";
import { threadCpuMs, type CaseSuite } from "./measure";

interface CaseSpec {
  suite: string;
  name: string;
  args: Record<string, unknown>;
  warmup: number;
  roundMs: number;
}

const spec = workerData as CaseSpec;
const { cases } = (await import(spec.suite)) as { cases: CaseSuite };
const run = cases(spec.args)[spec.name];
if (!run) throw new Error(`no case ${spec.name} in ${spec.suite}`);

let runsPerBlock = 0;
parentPort!.on("message", () => {
  if (runsPerBlock === 0) {
    const start = threadCpuMs();
    for (let i = 0; i < spec.warmup; i++) run();
    const perRun = Math.max(0.01, (threadCpuMs() - start) / spec.warmup);
    runsPerBlock = Math.max(1, Math.round(spec.roundMs / perRun));
    parentPort!.postMessage(perRun);
    return;
  }
  const start = threadCpuMs();
  for (let i = 0; i < runsPerBlock; i++) run();
  parentPort!.postMessage((threadCpuMs() - start) / runsPerBlock);
});
