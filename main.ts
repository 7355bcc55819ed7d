/**
 * wd's command line: builds the command tree, dispatches to `src/cmd/`, maps errors to exit
 * codes. Nothing else happens here. Commands are imported when they run, so `wd list` never
 * loads the compressor.
 *
 * @module
 */

import { Command, CommanderError, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { type Env, processEnv } from "./src/env.ts";
import { ExitCode, exitCodeOf, WdError } from "./src/errors.ts";
import { SysError } from "./src/ffi/sys_error.ts";

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

Environment:
  WD_ROOT           same as --root
  WD_TEST_DEVICES   devices (comma-separated, or *) wd may drive without SVA`;

/** Global options every command sees. */
interface Globals {
  root?: string | undefined;
}

/** How the CLI gets its environment and where it prints its own messages. */
export interface CliHost {
  /** Builds the environment from the global options. */
  env(globals: Globals): Env;
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
    .exitOverride()
    .configureOutput({ writeOut: host.out, writeErr: host.err })
    .showHelpAfterError("(run `wd --help` for usage)")
    .addHelpText("after", EXIT_CODES);

  const envOf = (cmd: { optsWithGlobals(): Globals }) => host.env(cmd.optsWithGlobals());

  program.command("list")
    .description("list uacce accelerators: algorithms, free queues, NUMA node, SVA, isolation")
    .option("--json", "print JSON records")
    .option("--alg <name>", "only devices offering this algorithm (zlib, gzip, ...)")
    .option("--no-headers", "leave out the header line")
    .addHelpText("after", "\nExample:\n  wd list --alg gzip")
    .action(async (opts, cmd) => {
      const { runList } = await import("./src/cmd/list.ts");
      setCode(runList(envOf(cmd), opts));
    });

  program.command("info")
    .description("everything about one device, and its driver's module parameters")
    .argument("<device>", "device name (hisi_zip-4) or node (/dev/hisi_zip-4)")
    .option("--json", "print one JSON record")
    .addHelpText("after", "\nExample:\n  wd info hisi_zip-4")
    .action(async (device, opts, cmd) => {
      const { runInfo } = await import("./src/cmd/info.ts");
      setCode(runInfo(envOf(cmd), device, opts));
    });

  program.command("doctor")
    .description("check the kernel, drivers, IOMMU and devices; say what to fix")
    .argument("[device]", "only check this device")
    .option("--json", "print JSON records")
    .addHelpText("after", "\nExits 1 when any check fails.\n\nExample:\n  wd doctor hisi_zip-4")
    .action(async (device, opts, cmd) => {
      const { runDoctor } = await import("./src/cmd/doctor.ts");
      setCode(runDoctor(envOf(cmd), device, opts));
    });

  addZipCommand(program, "zip", envOf, setCode);
  addZipCommand(program, "unzip", envOf, setCode);

  return program;
}

const ZIP_HELP = `
Levels: -1 (--fast) to -9 (--best); the default is 6. Digits may be combined: -9c, -dc.

Examples:
  wd zip big.log                 # big.log -> big.log.gz, removed once big.log.gz is complete
  tar cf - dir | wd zip > dir.tgz
  wd unzip -c logs.gz | grep error
  wd zip -t *.gz && echo intact

Exit codes (as gzip): 0 ok, 1 error, 2 warning (trailing garbage, a file skipped),
6 no usable hardware for --engine hw, 130/143 interrupted (partial outputs removed),
141 stdout closed by its reader (wd unzip -c big.gz | head).`;

/**
 * Adds `wd zip` or `wd unzip` (the same options; unzip decompresses).
 *
 * @param program The program.
 * @param name `zip` or `unzip`.
 * @param envOf Makes the environment from a command's options.
 * @param setCode Receives the exit code.
 */
function addZipCommand(
  program: Command,
  name: "zip" | "unzip",
  envOf: (cmd: { optsWithGlobals(): Globals }) => Env,
  setCode: (code: number) => void,
): void {
  let level: number | undefined;
  const cmd = program.command(name)
    .description(
      name === "zip"
        ? "compress files or stdin, gzip-compatible (-d decompresses)"
        : "decompress gzip or zlib files or stdin (wd zip -d)",
    )
    .argument("[files...]", "files; none, or -, for stdin to stdout")
    .option("-c, --stdout", "write to standard output, keep the input files")
    .option("-d, --decompress", "decompress")
    .option("-f, --force", "overwrite outputs, follow symlinks, write to a terminal")
    .option("-k, --keep", "keep the input files")
    .option("-l, --list", "list compressed files: sizes, ratio, name")
    .option("-n, --no-name", "do not save or restore the original name and time")
    .option("-N, --name", "save or restore the original name and time")
    .option("-q, --quiet", "no warnings")
    .option("-r, --recursive", "operate on the files in directories")
    .option("-S, --suffix <suffix>", "suffix instead of .gz (.zz for zlib)")
    .option("-t, --test", "test compressed files")
    .option("-v, --verbose", "name each file, its ratio, and the engine used")
    .option("-1, --fast", "compress faster")
    .option("-9, --best", "compress better")
    .addOption(
      new Option("--format <format>", "container to write (or the only one to accept)")
        .choices(["gzip", "zlib", "deflate"] as const),
    )
    .addOption(
      new Option("--engine <engine>", "hw: the ZIP device; sw: software; auto: hw if usable")
        .choices(["auto", "sw", "hw"] as const).default("auto" as const),
    )
    .option("--device <name>", "the ZIP device for the hardware engine (hisi_zip-4)")
    .option("--progress", "show progress on stderr, even on a pipe")
    .option("--no-progress", "never show progress")
    .addOption(
      new Option("--threads <n>", "compression threads (default: the CPUs available)")
        .argParser(positiveInt),
    )
    .addHelpText("after", ZIP_HELP);
  for (let i = 2; i <= 8; i++) cmd.addOption(new Option(`-${i}`, `level ${i}`).hideHelp());
  for (let i = 1; i <= 9; i++) {
    const event = i === 1 ? "fast" : i === 9 ? "best" : String(i);
    cmd.on(`option:${event}`, () => level = i);
  }
  cmd.action(async (files, opts, c) => {
    const { runZip } = await import("./src/cmd/zip.ts");
    setCode(
      await runZip(envOf(c as { optsWithGlobals(): Globals }), files, {
        ...opts,
        level,
        decompress: name === "unzip" || opts.decompress === true,
      }),
    );
  });
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
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
    await program.parseAsync(args, { from: "user" });
    return code;
  } catch (err) {
    return reportError(err, host);
  }
}

function reportError(err: unknown, host: CliHost): number {
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

if (import.meta.main) {
  const env0 = processEnv();
  const host: CliHost = {
    env: (g) => processEnv({ root: g.root }),
    out: (s) => env0.stdout.write(s),
    err: (s) => env0.stderr.write(s),
  };
  Deno.exit(await runCli(Deno.args, host));
}
