/**
 * wd's command line: builds the command tree (its groups are in `src/cli/`), which dispatches to
 * `src/cmd/`, and maps errors to exit codes. Nothing else happens here. Commands are imported when they run, so `wd list` never
 * loads the compressor (only src/cmd/zip_early.ts, which starts `wd zip`'s workers early).
 *
 * @module
 */

// First, as modules run in import order: it starts wd zip's workers while the rest loads.
import "./src/cmd/zip_early.ts";
import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { type Env, processEnv } from "./src/env.ts";
import { ExitCode, exitCodeOf, WdError } from "./src/errors.ts";
import { SysError } from "./src/ffi/sys_error.ts";
import { addDeviceCommands } from "./src/cli/device.ts";
import { addIdxdCommands } from "./src/cli/idxd.ts";
import { addMdevCommands } from "./src/cli/mdev.ts";
import type { Globals } from "./src/cli/types.ts";
import { addZipCommand } from "./src/cli/zip.ts";

/** wd's version. */
export const VERSION = "0.1.0";

const EXIT_CODES = `
Exit codes:
  0    success
  1    failure (for zip/unzip: an error, as gzip)
  2    usage error (for zip/unzip: a warning, such as trailing garbage, as gzip)
  3    not found: no such device, parent, type or mdev
  4    permission denied
  5    busy: no free queue or instance
  6    unsupported: no usable hardware, a legacy kernel, a non-SVA device
  130  interrupted (SIGINT); 143 terminated (SIGTERM)
  141  the reader of stdout went away (wd list --json | head)

Environment:
  WD_ROOT           same as --root
  WD_SIM            same as --sim
  WD_TEST_DEVICES   devices (comma-separated, or *) wd may drive without SVA
  WD_TIMEOUT_MS     longest wait for one hardware completion, in ms (default 5000)`;

export type { Globals } from "./src/cli/types.ts";

/** How the CLI gets its environment and where it prints its own messages. */
export interface CliHost {
  /** Builds the environment from the global options. */
  env(globals: Globals): Env | Promise<Env>;
  /** Releases what the environment holds (a simulated machine). */
  close?(): void;
  /** Where usage errors and help go when there is no environment yet. */
  out(s: string): void;
  /** Where errors go. */
  err(s: string): void;
}

/**
 * Builds the command tree.
 *
 * @param host The environment factory and output.
 * @param setCode Receives each command's exit code.
 * @returns The program, ready for `parseAsync(args, { from: "user" })`.
 */
export function buildProgram(host: CliHost, setCode: (code: number) => void): Command {
  const program = new Command()
    .name("wd")
    .description("Linux hardware accelerators (uacce: HiSilicon ZIP/SEC/HPRE) from the shell")
    .version(VERSION, "-V, --version")
    .addOption(
      new Option("--root <dir>", "read sys/ and dev/ under this root (a host mount, a test tree)")
        .env("WD_ROOT"),
    )
    .addOption(
      new Option(
        "--sim [spec]",
        "run on a simulated Kunpeng machine (spec: v2|v3, queues=N, faults; see README)",
      )
        .env("WD_SIM"),
    )
    .exitOverride()
    .configureOutput({ writeOut: host.out, writeErr: host.err })
    .showHelpAfterError("(run `wd --help` for usage)")
    .addHelpText("after", EXIT_CODES);

  const envOf = async (cmd: { optsWithGlobals(): Globals }) =>
    await host.env(cmd.optsWithGlobals());

  addDeviceCommands(program, envOf, setCode);
  addZipCommand(program, "zip", envOf, setCode);
  addZipCommand(program, "unzip", envOf, setCode);
  addMdevCommands(program, envOf, setCode);
  addIdxdCommands(program, envOf, setCode);
  return program;
}

/**
 * Runs wd with arguments and returns the exit code. Errors are printed, never thrown.
 *
 * @param args The arguments after `wd`.
 * @param host The environment factory and output.
 * @returns The exit code.
 */
export async function runCli(args: string[], host: CliHost): Promise<number> {
  let code: number = ExitCode.OK;
  const program = buildProgram(host, (c) => code = c);
  try {
    await program.parseAsync(args.map(simFlag), { from: "user" });
    return code;
  } catch (err) {
    return reportError(err, host);
  } finally {
    host.close?.();
  }
}

/**
 * `--sim` takes its spec only in the `--sim=SPEC` form, so `wd --sim list` does not read "list"
 * as a spec: a bare `--sim` becomes `--sim=` (the default machine).
 */
function simFlag(arg: string): string {
  return arg === "--sim" ? "--sim=" : arg;
}

function reportError(err: unknown, host: CliHost): number {
  // The reader of stdout went away (`wd list --json | head`, `wd --help | head`): stop quietly,
  // with the status a shell gives a process SIGPIPE ended (128 + 13), as gzip's readers expect.
  if (err instanceof Deno.errors.BrokenPipe) return ExitCode.STDOUT_CLOSED;
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version") {
      return ExitCode.OK;
    }
    return ExitCode.USAGE; // commander has printed the message
  }
  if (err instanceof WdError || err instanceof SysError) {
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
      if (g.sim === undefined || g.sim === false) return processEnv({ root: g.root });
      if (g.root !== undefined) {
        throw new WdError("Cannot use --sim with --root: the simulated machine has its own root", {
          exitCode: ExitCode.USAGE,
        });
      }
      const { startSimEnv } = await import("./src/drivers/sim/env.ts");
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
  Deno.exit(await runCli(Deno.args, processHost()));
}
