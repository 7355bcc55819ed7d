/**
 * `wd metrics`: Prometheus metrics of the accelerators and of wd's own use.
 *
 * @module
 */

import { parseCount } from "../cmd/units.ts";
import type { EnvOf, SetCode, WdProgram } from "./types.ts";

/**
 * Adds `wd metrics`.
 *
 * @param program The program.
 * @param envOf Makes the environment from a command's options.
 * @param setCode Receives the exit code.
 */
export function addMetricsCommand(program: WdProgram, envOf: EnvOf, setCode: SetCode): void {
  program.command("metrics")
    .description("accelerator health and use in the Prometheus text format")
    .option(
      "--textfile <path>",
      "write to this file atomically, for node_exporter's textfile collector",
    )
    .option(
      "--listen <host:port>",
      "serve /metrics over HTTP on this address (such as 127.0.0.1:9120)",
    )
    .option(
      "--scrape-timeout <seconds>",
      "with --listen: longest a scrape may take (default 10)",
      (v) => parseCount(v),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  wd metrics\n  wd metrics --textfile /var/lib/prometheus/node-exporter/wd.prom\n  wd metrics --listen 127.0.0.1:9120",
    )
    .action(async (opts, cmd) => {
      const { runMetrics } = await import("../cmd/metrics.ts");
      setCode(await runMetrics(await envOf(cmd), opts));
    });
}
