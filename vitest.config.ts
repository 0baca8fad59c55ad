import { defineConfig } from "vitest/config";

// Two cores and real child processes (Prometheus, Chromium): keep workers few so timings stay honest.
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
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
