/**
 * `wd metrics`: Prometheus metrics of the accelerators and of wd's own use.
 *
 * @module
 */

import { type Command, command } from "./command.ts";
import { value } from "./options.ts";
import { parseCount } from "./units.ts";
import { lazy } from "../lazy.ts";

/** `wd metrics`. */
export const metrics: Command = command({
  name: "metrics",
  description: "accelerator health and use in the Prometheus text format",
  options: {
    textfile: value(
      "--textfile <path>",
      "write to this file atomically, for node_exporter's textfile collector",
    ),
    listen: value(
      "--listen <host:port>",
      "serve /metrics over HTTP on this address (such as 127.0.0.1:9120)",
    ),
    scrapeTimeout: value(
      "--scrape-timeout <seconds>",
      "with --listen: longest a scrape may take (default 10)",
      { parse: parseCount },
    ),
  },
  helpAfter:
    "\nExamples:\n  wd metrics\n  wd metrics --textfile /var/lib/prometheus/node-exporter/wd.prom\n  wd metrics --listen 127.0.0.1:9120",
  async run(ctx, _operands, opts) {
    const { runMetrics } = await lazy<typeof import("../cmd/metrics.ts")>(
      "../cmd/metrics.ts",
      import.meta.url,
    );
    return await runMetrics(await ctx.env(), opts);
  },
});
