/**
 * wd's command line: reads it against the command tree (`src/cli/`), runs the command (whose
 * work is in `src/cmd/`, imported only when it runs), and maps errors to exit codes. Nothing
 * else happens here.
 *
 * @module
 */

import { type Env, processEnv } from "./src/env.ts";
import { ExitCode, exitCodeOf, WdError } from "./src/errors.ts";
import { fromDenoError } from "./src/ffi/sys_error.ts";
import { ownTheProcess, sigpipeIgnored } from "./src/cleanup.ts";
import { renderHelp } from "./src/cli/help.ts";
import { parse, UsageError } from "./src/cli/parse.ts";
import { program } from "./src/cli/program.ts";
import type { Globals } from "./src/cli/types.ts";
import { VERSION } from "./src/version.ts";
import { lazy } from "./src/lazy.ts";

export { VERSION } from "./src/version.ts";
export type { Globals } from "./src/cli/types.ts";

/** How the CLI gets its environment and where it prints its own messages. */
export interface CliHost {
  /** Builds the environment from the global options. */
  env(globals: Globals): Env | Promise<Env>;
  /** Releases what the environment holds (a simulated machine). */
  close?(): void;
  /** Where help and the version go. */
  out(s: string): void;
  /** Where errors go. */
  err(s: string): void;
}

/**
 * Runs wd with arguments and returns the exit code. Errors are printed, never thrown.
 *
 * @param args The arguments after `wd`.
 * @param host The environment factory and output.
 * @returns The exit code.
 */
export async function runCli(args: string[], host: CliHost): Promise<number> {
  try {
    const p = parse(program, args, (name) => Deno.env.get(name));
    if (p.kind === "version") {
      host.out(`${VERSION}\n`);
      return ExitCode.OK;
    }
    if (p.kind === "help") {
      // Asked for: stdout, success. No command given: the help is the error message.
      (p.asked ? host.out : host.err)(renderHelp(p.path));
      return p.asked ? ExitCode.OK : ExitCode.USAGE;
    }
    const globals: Globals = { root: p.values.root as string | undefined };
    if (p.values.sim !== undefined) globals.sim = p.values.sim as string | true;
    const leaf = p.path[p.path.length - 1]!;
    const print = (text: string) => (host.out(text), ExitCode.OK);
    return await leaf.run!(
      {
        env: async () => await host.env(globals),
        help: () => print(renderHelp(p.path)),
        print,
      },
      p.operands,
      p.values,
    );
  } catch (err) {
    return reportError(err, host);
  } finally {
    host.close?.();
  }
}

function reportError(err: unknown, host: CliHost): number {
  // The reader of stdout went away (`wd list --json | head`, `wd --help | head`): stop quietly,
  // with the status a shell gives a process SIGPIPE ended (128 + 13), as gzip's readers expect.
  // (Unless the parent ignored SIGPIPE: then the failed write is an error, as for gzip.)
  if (err instanceof Deno.errors.BrokenPipe) {
    if (!sigpipeIgnored()) return ExitCode.STDOUT_CLOSED;
    err = fromDenoError(err, "write", "stdout");
  }
  if (err instanceof UsageError) {
    host.err(`error: ${err.message}\n${err.suggestion ? `${err.suggestion}\n` : ""}`);
    host.err("(run `wd --help` for usage)\n");
    return err.exitCode;
  }
  if (err instanceof WdError) { // SysError included
    host.err(`wd: error: ${err.message}\n`);
    if (err instanceof WdError && err.hint) host.err(`wd: hint: ${err.hint}\n`);
    return exitCodeOf(err);
  }
  const e = err instanceof Error ? err : new Error(String(err));
  host.err(`wd: internal error: ${e.message}\n`);
  host.err(
    Deno.env.get("WD_DEBUG")
      ? `${e.stack}\n`
      : "wd: hint: set WD_DEBUG=1 for a stack trace and report it\n",
  );
  return ExitCode.FAILURE;
}

/**
 * The host of a real process: `/` (or `--root`), or a simulated machine for `--sim`.
 *
 * @returns The host.
 */
export function processHost(): CliHost {
  const env0 = processEnv();
  let closeSim: (() => void) | undefined;
  return {
    async env(g) {
      if (g.sim === undefined) return processEnv({ root: g.root });
      if (g.root !== undefined) {
        throw new WdError("Cannot use --sim with --root: the simulated machine has its own root", {
          exitCode: ExitCode.USAGE,
        });
      }
      const { startSimEnv } = await lazy<typeof import("./src/drivers/sim/env.ts")>(
        "./src/drivers/sim/env.ts",
        import.meta.url,
      );
      const started = startSimEnv(g.sim === true ? "" : g.sim, env0);
      closeSim = started.close;
      return started.env;
    },
    close: () => closeSim?.(),
    out: (s) => env0.stdout.write(s),
    err: (s) => env0.stderr.write(s),
  };
}

if (import.meta.main) {
  ownTheProcess();
  Deno.exit(await runCli(Deno.args, processHost()));
}
