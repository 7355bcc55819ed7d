/**
 * `wd zip` and `wd unzip`: gzip's command line.
 *
 * @module
 */

import { type Command, command } from "../../cli/command.ts";
import { flag, InvalidArgumentError, value } from "../../cli/options.ts";
import { lazy } from "../../lazy.ts";
import { VERSION } from "../../version.ts";

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

const LICENSE = `wd ${VERSION}
Licensed under the Apache License, Version 2.0 (the LICENSE file beside wd, or
https://www.apache.org/licenses/LICENSE-2.0). There is NO WARRANTY, to the extent
permitted by law.
`;

/** A level's flag: it sets `level`, and the last one given wins, as in gzip. */
function level(n: number, flags = `-${n}`, description = `level ${n}`) {
  return flag(flags, description, { key: "level", value: n, hidden: flags === `-${n}` });
}

const OPTIONS = {
  ascii: flag("-a, --ascii", "text mode (no effect on this system; gzip compatibility)"),
  stdout: flag("-c, --stdout", "write to standard output, keep the input files"),
  toStdout: flag("--to-stdout", "same as --stdout", { key: "stdout", hidden: true }),
  decompress: flag("-d, --decompress", "decompress"),
  uncompress: flag("--uncompress", "same as --decompress", { key: "decompress", hidden: true }),
  force: flag("-f, --force", "overwrite outputs, follow symlinks, write to a terminal"),
  keep: flag("-k, --keep", "keep the input files"),
  list: flag("-l, --list", "list compressed files: sizes, ratio, name"),
  license: flag("-L, --license", "show wd's license"),
  noName: flag("-n, --no-name", "do not save or restore the original name and time", {
    key: "name",
  }),
  name: flag("-N, --name", "save or restore the original name and time"),
  quiet: flag("-q, --quiet", "no warnings"),
  silent: flag("--silent", "same as --quiet", { key: "quiet", hidden: true }),
  recursive: flag("-r, --recursive", "operate on the files in directories"),
  suffix: value("-S, --suffix <suffix>", "suffix instead of .gz (.zz for zlib)"),
  test: flag("-t, --test", "test compressed files"),
  verbose: flag("-v, --verbose", "name each file, its ratio, and the engine used"),
  fast: level(1, "-1, --fast", "compress faster"),
  best: level(9, "-9, --best", "compress better"),
  format: value<"gzip" | "zlib" | "deflate">(
    "--format <format>",
    "container to write (or the only one to accept)",
    { choices: ["gzip", "zlib", "deflate"], parse: (t) => t as "gzip" | "zlib" | "deflate" },
  ),
  engine: value<"auto" | "sw" | "hw">(
    "--engine <engine>",
    "hw: the ZIP device; sw: software; auto: hw if usable",
    { choices: ["auto", "sw", "hw"], default: "auto", parse: (t) => t as "auto" | "sw" | "hw" },
  ),
  device: value("--device <name>", "the ZIP device for the hardware engine (hisi_zip-4)"),
  verify: flag("--verify", "check every hardware result in software before it is written"),
  noVerify: flag("--no-verify", "trust the ZIP device: do not decode what it compressed back", {
    key: "verify",
  }),
  progress: flag("--progress", "show progress on stderr, even on a pipe"),
  noProgress: flag("--no-progress", "never show progress", { key: "progress" }),
  threads: value("--threads <n>", "compression threads (default: the CPUs available)", {
    parse: positiveInt,
  }),
  rsyncable: flag("--rsyncable", "make rsync-friendly output (restarts where the data says)"),
  synchronous: flag("--synchronous", "flush the output to disk before finishing (slower)"),
  helpH: flag("-H", "display help for command", { key: "help", hidden: true }),
  presumeInputTty: flag("---presume-input-tty", "standard input is a terminal (gzip's tests)", {
    hidden: true,
  }),
  l2: level(2),
  l3: level(3),
  l4: level(4),
  l5: level(5),
  l6: level(6),
  l7: level(7),
  l8: level(8),
};

/**
 * `wd zip` or `wd unzip` (the same options; unzip decompresses).
 *
 * @param name `zip` or `unzip`.
 * @returns The command.
 */
export function zipCommand(name: "zip" | "unzip"): Command {
  return command({
    name,
    description: name === "zip"
      ? "compress files or stdin, gzip-compatible (-d decompresses)"
      : "decompress gzip or zlib files or stdin (wd zip -d)",
    operands: [{ spec: "[files...]", description: "files; none, or -, for stdin to stdout" }],
    options: OPTIONS,
    usageExitCode: 1, // gzip's: a usage error is an error (2 is for warnings)
    helpAfter: ZIP_HELP,
    async run(ctx, files, opts) {
      const { level, help } = opts as { level?: number; help?: boolean };
      if (help) return ctx.help();
      if (opts.license) return ctx.print(LICENSE);
      const early = await lazy<typeof import("./early.ts")>("./early.ts", import.meta.url);
      early.startEarlyWorkers({
        files,
        level,
        threads: opts.threads,
        engine: opts.engine,
        device: opts.device,
        compressing: name === "zip" && !opts.decompress && !opts.list && !opts.test,
      });
      const { runZip } = await lazy<typeof import("./zip.ts")>("./zip.ts", import.meta.url);
      const env = await ctx.env();
      const fromEnv = gzipVariable(env.getenv("GZIP"));
      return await runZip(env, files, {
        ...opts,
        level: level ?? fromEnv.level,
        rsyncable: opts.rsyncable || fromEnv.rsyncable,
        synchronous: opts.synchronous || fromEnv.synchronous,
        decompress: name === "unzip" || opts.decompress === true,
      });
    },
  });
}

/**
 * What wd takes from the GZIP environment variable, as gzip 1.14 does: only the options that
 * change speed and size (`-1` … `-9`, `--fast`, `--best`, `--rsyncable`, `--synchronous`), the
 * command line winning; anything else there is ignored, silently.
 *
 * @param text The variable's value.
 * @returns The options it gives.
 */
export function gzipVariable(
  text: string | undefined,
): { level?: number; rsyncable?: true; synchronous?: true } {
  const out: { level?: number; rsyncable?: true; synchronous?: true } = {};
  for (const word of (text ?? "").split(/\s+/)) {
    if (word === "--fast") out.level = 1;
    else if (word === "--best") out.level = 9;
    else if (word === "--rsyncable") out.rsyncable = true;
    else if (word === "--synchronous") out.synchronous = true;
    else if (/^-[^-]/.test(word)) {
      for (const c of word.slice(1)) {
        if (c === "S" || c === "b") break; // the rest of the word is that option's value
        if (c >= "1" && c <= "9") out.level = Number(c);
      }
    }
  }
  return out;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}
