/**
 * `wd zip` and `wd unzip`: gzip's command line.
 *
 * @module
 */

import { InvalidArgumentError, Option } from "@commander-js/extra-typings";
import type { EnvOf, Globals, SetCode, WdProgram } from "./types.ts";

const ZIP_HELP = `
Levels: -1 (--fast) to -9 (--best); the default is 6. Digits may be combined: -9c, -dc.

Examples:
  wd zip big.log                 # big.log -> big.log.gz, removed once big.log.gz is complete
  tar cf - dir | wd zip > dir.tgz
  wd unzip -c logs.gz | grep error
  wd zip -t *.gz && echo intact

Hardware results are checked in software before they are written: every block the
device compresses is decoded back (--no-verify trusts the device), every member it
decodes is checked against its trailer (--verify: in software too, before any output).

Exit codes (as gzip): 0 ok, 1 error, 2 warning (trailing garbage, a file skipped),
5 every queue busy and 6 no usable device for --engine hw, 128+N ended by signal N
(130 SIGINT, 143 SIGTERM; partial outputs removed), 141 stdout closed by its reader
(wd unzip -c big.gz | head).`;

/**
 * Adds `wd zip` or `wd unzip` (the same options; unzip decompresses).
 *
 * @param program The program.
 * @param name `zip` or `unzip`.
 * @param envOf Makes the environment from a command's options.
 * @param setCode Receives the exit code.
 */
export function addZipCommand(
  program: WdProgram,
  name: "zip" | "unzip",
  envOf: EnvOf,
  setCode: SetCode,
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
    .option("--verify", "check every hardware result in software before it is written")
    .option("--no-verify", "trust the ZIP device: do not decode what it compressed back")
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
    const { runZip } = await import("../cmd/zip.ts");
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
