// Route structured log lines through console so vitest can attribute them to a test and show them only when
// that test fails (`silent: "passed-only"`). Tests that capture logs install their own sink on top.
import { setLogSink } from "@ampgate/core/log/logger";

setLogSink((line) => console.log(line));
