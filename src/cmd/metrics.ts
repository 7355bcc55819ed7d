/**
 * `wd metrics`: accelerator health and use in the Prometheus text format, on stdout, into a
 * file for node_exporter's textfile collector (`--textfile`), or served over HTTP
 * (`--listen`).
 *
 * @module
 */

import type { Env } from "../env.ts";
import { ExitCode, UsageError, wdError } from "../errors.ts";
import { collectMetrics } from "../metrics/collect.ts";
import { statsPath } from "../metrics/usage.ts";
import { serveMetrics } from "./metrics_serve.ts";

/** Options of `wd metrics`. */
export interface MetricsOptions {
  /** Write the exposition to this file (atomically) instead of stdout. */
  textfile?: string | undefined;
  /** Serve `/metrics` over HTTP on HOST:PORT. */
  listen?: string | undefined;
  /** Longest a scrape may take, in seconds (`--listen`; default 10). */
  scrapeTimeout?: number | undefined;
  /** Stops the server (`--listen`); SIGINT and SIGTERM do too from the command line. */
  signal?: AbortSignal | undefined;
  /** Told the address once the server listens (`--listen`). */
  onListen?: ((addr: { hostname: string; port: number }) => void) | undefined;
  /** The worker module that collects for `--listen` (tests give a slow one). */
  collector?: URL | undefined;
}

/**
 * Runs `wd metrics`.
 *
 * @param env The environment.
 * @param options Where the exposition goes.
 * @returns 0; with `--listen`, once the server stopped.
 * @throws WdError for a textfile that cannot be written (exit 1, 4 when denied) or an address
 *   that cannot be listened on (exit 5 when in use, 4 when denied, 2 when malformed).
 */
export async function runMetrics(env: Env, options: MetricsOptions): Promise<number> {
  if (options.textfile !== undefined && options.listen !== undefined) {
    throw new UsageError("Cannot use --textfile with --listen: choose one", {});
  }
  if (options.listen !== undefined) {
    await serveMetrics(env, options.listen, {
      statsPath: statsPath(env),
      timeoutMs: (options.scrapeTimeout ?? 10) * 1000,
      signal: options.signal,
      onListen: options.onListen,
      collector: options.collector,
    });
    return ExitCode.OK;
  }
  const c = collectMetrics(env);
  for (const e of c.errors) {
    env.stderr.write(`wd: warning: cannot collect the ${e.collector} metrics: ${e.message}\n`);
  }
  if (options.textfile === undefined) env.stdout.write(c.text);
  else writeTextfile(options.textfile, c.text);
  return ExitCode.OK;
}

/**
 * Writes a file for node_exporter's textfile collector: to a hidden temporary file in the same
 * directory (node_exporter reads only `*.prom`), then renamed over the target, so a scrape never
 * sees half a file.
 *
 * @param path The target, such as /var/lib/prometheus/node-exporter/wd.prom.
 * @param text The exposition.
 * @throws WdError when it cannot be written.
 */
export function writeTextfile(path: string, text: string): void {
  const slash = path.lastIndexOf("/");
  const dir = slash < 0 ? "." : path.slice(0, slash) || "/";
  const tmp = `${dir}/.${path.slice(slash + 1)}.${Deno.pid}.tmp`;
  try {
    Deno.writeTextFileSync(tmp, text, { mode: 0o644 });
    Deno.chmodSync(tmp, 0o644); // readable by node_exporter whatever the umask
    Deno.renameSync(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // never made
    }
    const denied = err instanceof Deno.errors.PermissionDenied;
    const missing = err instanceof Deno.errors.NotFound;
    throw wdError(
      `Cannot write "${path}": ${
        missing ? `directory "${dir}" does not exist` : err instanceof Error ? err.message : err
      }`,
      {
        exitCode: denied ? ExitCode.PERMISSION : ExitCode.FAILURE,
        ...(missing
          ? { hint: "create the directory node_exporter's --collector.textfile.directory names" }
          : denied
          ? { hint: `run as a user who may write to "${dir}" (contrib/'s unit runs as root)` }
          : {}),
      },
    );
  }
}
