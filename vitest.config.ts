import { configDefaults, defineConfig } from "vitest/config";

// Two cores and real child processes (Prometheus, Chromium): keep workers few so timings stay honest.
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    // `*.slow.test.ts` (stalls past timeouts, the load run, long fuzzing) run only from their own scripts —
    // npm run test:faults / test:load / test:fuzz, which set AMPGATE_SLOW_TESTS=1 — so npm test stays quick.
    exclude: [...configDefaults.exclude, ...(process.env.AMPGATE_SLOW_TESTS === "1" ? [] : ["**/*.slow.test.ts"])],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    // Logs of passing tests are noise in CI; a failing test shows its own log lines.
    silent: "passed-only",
    setupFiles: ["test/setup/console-log-sink.ts"],
  },
});
