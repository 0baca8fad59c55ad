// Child process of the cold-start bench (bench/cold-request.ts), plain JavaScript so that nothing but Node and the
// bundle is loaded: imports a function's bundle as the Lambda runtime would (node:http already loaded, as the
// runtime client has it) and invokes its handler with each event in turn, timing each step.
//
//   node bench/lib/cold-invoke.mjs <bundle.mjs> <invocation.json>
//   invocation.json: { "functionName": "...", "timeoutMs": 30000, "events": [event, event, ...] }
// Prints one line: COLD-INVOKE {"initMs":…,"initCpuMs":…,"requestMs":[…],"requestCpuMs":[…],"results":[…]} (handlers
// log to stdout too). CPU is the process's (process.cpuUsage), so that the bench can model Lambda's CPU share.
import { readFileSync } from "node:fs";

await import("node:http");
const [bundle, invocationFile] = process.argv.slice(2);
const { functionName, timeoutMs, events } = JSON.parse(readFileSync(invocationFile, "utf8"));

const cpuMs = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
const started = performance.now();
const initCpuStarted = cpuMs();
const { handler } = await import(bundle);
const initMs = performance.now() - started;
const initCpuMs = cpuMs() - initCpuStarted;

const requestMs = [];
const requestCpuMs = [];
const results = [];
for (const [i, event] of events.entries()) {
  const invoked = performance.now();
  const cpuStarted = cpuMs();
  const context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: `cold-start-bench-${process.pid}-${i}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "bench",
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (performance.now() - invoked)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  const result = await handler(event, context);
  requestMs.push(performance.now() - invoked);
  requestCpuMs.push(cpuMs() - cpuStarted);
  results.push(result && typeof result === "object" && "statusCode" in result ? { statusCode: result.statusCode, body: String(result.body ?? "").slice(0, 300) } : { ok: true });
}
process.stdout.write(`\nCOLD-INVOKE ${JSON.stringify({ initMs, initCpuMs, requestMs, requestCpuMs, results })}\n`);
// Keep-alive sockets of the SDK and the AMP client would hold the process open; Lambda freezes it instead.
process.exit(0);
