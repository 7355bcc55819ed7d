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
    .argument("[device]", "only check this device (hisi_zip-4, dsa0, an mdev parent)")
    .option("--json", "print JSON records")
    .addHelpText("after", "\nExits 1 when any check fails.\n\nExample:\n  wd doctor hisi_zip-4")
    .action(async (device, opts, cmd) => {
      const { runDoctor } = await import("./src/cmd/doctor.ts");
      setCode(runDoctor(envOf(cmd), device, opts));
    });

  addMdevCommands(program, envOf, setCode);
  addIdxdCommands(program, envOf, setCode);
  return program;
}

/** The root command, typed with the global options its subcommands see. */
type WdProgram = Command<[], { root?: string }>;

/** Builds the environment of a (sub)command from its global options. */
type EnvOf = (cmd: { optsWithGlobals(): Globals }) => Env;

/** `wd mdev types|list|create|remove`. */
function addMdevCommands(program: WdProgram, envOf: EnvOf, setCode: (code: number) => void): void {
  const mdev = program.command("mdev")
    .description("VFIO mediated devices: parent types, active mdevs, create and remove");

  mdev.command("types")
    .description("every mdev parent and its types: name, device API, free and used instances")
    .option("--parent <name>", "only this parent (0000:3b:00.0, matrix)")
    .option("--json", "print JSON records")
    .option("--no-headers", "leave out the header line")
    .addHelpText("after", "\nExample:\n  wd mdev types --parent 0000:3b:00.0")
    .action(async (opts, cmd) => {
      const { runMdevTypes } = await import("./src/cmd/mdev.ts");
      setCode(runMdevTypes(envOf(cmd), opts));
    });

  mdev.command("list")
    .description("active mdevs: parent, type, driver, IOMMU group and /dev/vfio node")
    .option("--parent <name>", "only mdevs of this parent")
    .option("--type <id>", "only mdevs of this type (nvidia-63)")
    .option("--json", "print JSON records")
    .option("--no-headers", "leave out the header line")
    .addHelpText("after", "\nExample:\n  wd mdev list --type nvidia-63")
    .action(async (opts, cmd) => {
      const { runMdevList } = await import("./src/cmd/mdev.ts");
      setCode(runMdevList(envOf(cmd), opts));
    });

  mdev.command("create")
    .description("create an mdev; prints the new UUID when none is given")
    .requiredOption("--parent <name>", "the parent device (0000:3b:00.0, matrix)")
    .requiredOption("--type <id>", "the type (see wd mdev types)")
    .option("--uuid <uuid>", "the UUID to use (default: a new random one)")
    .option("--dry-run", "check everything and print what would be written where")
    .addOption(waitOption("appear"))
    .addHelpText(
      "after",
      "\nNeeds root. Example:\n  wd mdev create --parent 0000:3b:00.0 --type nvidia-63",
    )
    .action(async (opts, cmd) => {
      const { runMdevCreate } = await import("./src/cmd/mdev_write.ts");
      setCode(await runMdevCreate(envOf(cmd), { ...opts, wait: { timeoutMs: opts.wait * 1000 } }));
    });

  mdev.command("remove")
    .description("remove an mdev")
    .argument("<uuid>", "the mdev's UUID")
    .option("--dry-run", "check everything and print what would be written where")
    .addOption(waitOption("go away"))
    .addHelpText(
      "after",
      "\nNeeds root. Example:\n  wd mdev remove 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001",
    )
    .action(async (uuid, opts, cmd) => {
      const { runMdevRemove } = await import("./src/cmd/mdev_write.ts");
      setCode(
        await runMdevRemove(envOf(cmd), uuid, { ...opts, wait: { timeoutMs: opts.wait * 1000 } }),
      );
    });
}

/** `wd idxd list`. */
function addIdxdCommands(program: WdProgram, envOf: EnvOf, setCode: (code: number) => void): void {
  const idxd = program.command("idxd")
    .description("Intel DSA and IAA accelerators (idxd): devices, groups, engines, work queues");

  idxd.command("list")
    .description("devices with their groups, engines and work queues, disabled ones included")
    .argument("[device]", "only this device (dsa0, iax1)")
    .option("--json", "print JSON records, one per device, group, engine and work queue")
    .option("--no-headers", "leave out the column header lines")
    .addHelpText("after", "\nExample:\n  wd idxd list dsa0")
    .action(async (device, opts, cmd) => {
      const { runIdxdList } = await import("./src/cmd/idxd.ts");
      setCode(runIdxdList(envOf(cmd), device, opts));
    });
}

/** `--wait <seconds>`: how long create/remove wait for the kernel (default 5). */
function waitOption(what: string) {
  return new Option("--wait <seconds>", `how long to wait for the mdev to ${what}`)
    .argParser(parseSeconds)
    .default(5);
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError("expected a number of seconds, 0 or more");
  }
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
