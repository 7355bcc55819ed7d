/**
 * `wd zip` and `wd unzip`: gzip's command line.
 *
 * @module
 */

import { type Command, command } from "../../cli/command.ts";
import { flag, InvalidArgumentError, value } from "../../cli/options.ts";
import { lazy } from "../../lazy.ts";

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

/** A level's flag: it sets `level`, and the last one given wins, as in gzip. */
function level(n: number, flags = `-${n}`, description = `level ${n}`) {
  return flag(flags, description, { key: "level", value: n, hidden: flags === `-${n}` });
}

const OPTIONS = {
  stdout: flag("-c, --stdout", "write to standard output, keep the input files"),
  decompress: flag("-d, --decompress", "decompress"),
  force: flag("-f, --force", "overwrite outputs, follow symlinks, write to a terminal"),
  keep: flag("-k, --keep", "keep the input files"),
  list: flag("-l, --list", "list compressed files: sizes, ratio, name"),
  noName: flag("-n, --no-name", "do not save or restore the original name and time", {
    key: "name",
  }),
  name: flag("-N, --name", "save or restore the original name and time"),
  quiet: flag("-q, --quiet", "no warnings"),
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
    helpAfter: ZIP_HELP,
    async run(ctx, files, opts) {
      const { level } = opts as { level?: number };
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
      return await runZip(await ctx.env(), files, {
        ...opts,
        level,
        decompress: name === "unzip" || opts.decompress === true,
      });
    },
  });
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}
