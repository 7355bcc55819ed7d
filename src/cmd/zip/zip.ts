/**
 * `wd zip` and `wd unzip`: gzip's command line over wd's engines. Files become `F.gz` (and
 * back), written under a temp name and renamed into place only when complete, with the input
 * removed only after that (kept with `-k`); stdin goes to stdout; `-t` tests, `-l` lists.
 * Per-file failures are reported and the run goes on, ending with gzip's exit code.
 *
 * @module
 */

import type { Env } from "../../env.ts";
import { onInterrupt } from "../../cleanup.ts";
import { ExitCode, WdError } from "../../errors.ts";
import { removeLiveOutputs } from "../../zip/files.ts";
import { discardPrestarted } from "../../zip/sw/pool.ts";
import { processItem } from "./file.ts";
import { listTotals } from "./list.ts";
import { processIo, type ZipIo, type ZipOptions, ZipRun } from "./run.ts";

export { processIo, type ZipIo, type ZipOptions } from "./run.ts";

/**
 * Runs `wd zip` / `wd unzip`.
 *
 * @param env The environment (stdout, stderr, sysfs root for the hardware probe).
 * @param files The operands (none, or `-`, for stdin).
 * @param options The options.
 * @param io Standard input and signal handling.
 * @returns gzip's exit code: 0, 1 after any error, 2 after warnings only.
 */
export async function runZip(
  env: Env,
  files: string[],
  options: ZipOptions,
  io: ZipIo = processIo(),
): Promise<number> {
  validate(options);
  if (options.ascii && !options.quiet) {
    env.stderr.write("wd: option --ascii ignored on this system\n");
  }
  const run = new ZipRun(env, options, io);
  const untrap = io.handleSignals ? trapSignals() : () => {};
  try {
    for (const arg of files.length > 0 ? files : ["-"]) {
      await processItem(run, arg);
      if (run.report.stopped) break;
    }
    if (run.mode === "list") listTotals(run);
    // Files are always flushed before they are renamed into place; --synchronous adds stdout.
    if (options.synchronous && (options.stdout || files.length === 0)) env.stdout.sync?.();
  } finally {
    await run.close();
    discardPrestarted(); // workers started early that no engine took (./early.ts)
    untrap();
  }
  return run.report.code;
}

/** gzip's longest suffix (`MAX_SUFFIX`). */
const MAX_SUFFIX = 30;

/** A command line gzip refuses: exit 1, as gzip's usage errors (wd's other commands use 2). */
function validate(options: ZipOptions): void {
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) {
    throw new WdError(`Invalid level ${level}: levels are 1 to 9`, { exitCode: ExitCode.FAILURE });
  }
  const suffix = options.suffix;
  if (suffix !== undefined && suffix.includes("/")) {
    throw new WdError(`Invalid suffix '${suffix}': a suffix cannot contain '/'`, {
      exitCode: ExitCode.FAILURE,
      hint: "give a suffix such as -S .gz",
    });
  }
  if (suffix !== undefined && (suffix === "" || suffix.length > MAX_SUFFIX)) {
    throw new WdError(`Invalid suffix '${suffix}'`, {
      exitCode: ExitCode.FAILURE,
      hint: `a suffix has 1 to ${MAX_SUFFIX} characters, such as -S .gz`,
    });
  }
}

/**
 * On an ending signal (INT, TERM, HUP, QUIT, PIPE, ALRM, XFSZ): remove partial outputs (inputs
 * are untouched until then) and exit 128 + its number,
 * through the one process-wide handler that also releases hardware queues (src/cleanup.ts).
 */
function trapSignals(): () => void {
  return onInterrupt(removeLiveOutputs);
}
