/**
 * wd's command line: builds the command tree, dispatches to `src/cmd/`, maps errors to exit
 * codes. Nothing else happens here. Commands are imported when they run, so `wd list` never
 * loads the compressor (only src/cmd/zip_early.ts, which starts `wd zip`'s workers early).
 *
 * @module
 */

// First, as modules run in import order: it starts wd zip's workers while the rest loads.
import "./src/cmd/zip_early.ts";
import { Command, CommanderError, InvalidArgumentError, Option } from "@commander-js/extra-typings";
import { type Env, processEnv } from "./src/env.ts";
import { ExitCode, exitCodeOf, WdError } from "./src/errors.ts";
import { SysError } from "./src/ffi/sys_error.ts";
import { parseCount as parseCountArg, parseSize as parseSizeArg } from "./src/cmd/units.ts";

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
  WD_TEST_DEVICES   devices (comma-separated, or *) wd may drive without SVA`;

/** Global options every command sees. */
export interface Globals {
  /** `--root`. */
  root?: string | undefined;
  /** `--sim[=SPEC]`: true, or the spec. */
  sim?: string | boolean | undefined;
}

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

  program.command("list")
    .description("list uacce accelerators: algorithms, free queues, NUMA node, SVA, isolation")
    .option("--json", "print JSON records")
    .option("--alg <name>", "only devices offering this algorithm (zlib, gzip, ...)")
    .option("--no-headers", "leave out the header line")
    .addHelpText("after", "\nExample:\n  wd list --alg gzip")
    .action(async (opts, cmd) => {
      const { runList } = await import("./src/cmd/list.ts");
      setCode(runList(await envOf(cmd), opts));
    });

  program.command("info")
    .description("everything about one device, and its driver's module parameters")
    .argument("<device>", "device name (hisi_zip-4) or node (/dev/hisi_zip-4)")
    .option("--json", "print one JSON record")
    .addHelpText("after", "\nExample:\n  wd info hisi_zip-4")
    .action(async (device, opts, cmd) => {
      const { runInfo } = await import("./src/cmd/info.ts");
      setCode(runInfo(await envOf(cmd), device, opts));
    });

  program.command("doctor")
    .description("check the kernel, drivers, IOMMU and devices; say what to fix")
    .argument("[device]", "only check this device (hisi_zip-4, dsa0, an mdev parent)")
    .option("--json", "print JSON records")
    .addHelpText("after", "\nExits 1 when any check fails.\n\nExample:\n  wd doctor hisi_zip-4")
    .action(async (device, opts, cmd) => {
      const { runDoctor } = await import("./src/cmd/doctor.ts");
      setCode(runDoctor(await envOf(cmd), device, opts));
    });

  const queue = program.command("queue").description(
    "take a queue of a device; round-trip data through it",
  );
  queue.command("alloc")
    .description("open, map, configure and start a queue, show what the kernel gave, release it")
    .argument("<device>", "device name (hisi_zip-4) or node")
    .addOption(
      new Option("--type <type>", "queue type").choices(["compress", "decompress"] as const)
        .default("compress" as const),
    )
    .option("--json", "print one JSON record")
    .addHelpText("after", "\nExample:\n  wd queue alloc hisi_zip-4")
    .action(async (device, opts, cmd) => {
      const { runQueueAlloc } = await import("./src/cmd/queue.ts");
      setCode(runQueueAlloc(await envOf(cmd), device, opts));
    });
  queue.command("test")
    .description("compress and decompress generated data on the device, verify every byte, time it")
    .argument("<device>", "device name (hisi_zip-4) or node")
    .option("--alg <name>", "zlib, gzip or deflate (default: gzip when offered)")
    .option("--size <bytes>", "bytes per request (up to 8M)", (v) => parseSizeArg(v), 65536)
    .option("--count <n>", "requests", (v) => parseCountArg(v), 100)
    .option("--in-flight <n>", "requests in flight", (v) => parseCountArg(v), 32)
    .option("--json", "print one JSON record")
    .addHelpText(
      "after",
      "\nExits 1 when any round trip differs.\n\nExample:\n  wd queue test hisi_zip-4 --alg zlib --size 8K --count 1000",
    )
    .action(async (device, opts, cmd) => {
      const { runQueueTest } = await import("./src/cmd/queue.ts");
      setCode(await runQueueTest(await envOf(cmd), device, opts));
    });

  addZipCommand(program, "zip", envOf, setCode);
  addZipCommand(program, "unzip", envOf, setCode);
  addMdevCommands(program, envOf, setCode);
  addIdxdCommands(program, envOf, setCode);
  return program;
}

/** The root command, typed with the global options its subcommands see. */
type WdProgram = Command<[], { root?: string }>;

/** Builds the environment of a (sub)command from its global options. */
type EnvOf = (cmd: { optsWithGlobals(): Globals }) => Promise<Env>;

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
      setCode(runMdevTypes(await envOf(cmd), opts));
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
      setCode(runMdevList(await envOf(cmd), opts));
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
      setCode(
        await runMdevCreate(await envOf(cmd), { ...opts, wait: { timeoutMs: opts.wait * 1000 } }),
      );
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
        await runMdevRemove(await envOf(cmd), uuid, {
          ...opts,
          wait: { timeoutMs: opts.wait * 1000 },
        }),
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
      setCode(runIdxdList(await envOf(cmd), device, opts));
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
  envOf: EnvOf,
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
    .option("--verify", "check every hardware result in software")
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
      await runZip(await envOf(c as { optsWithGlobals(): Globals }), files, {
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
