/**
 * wd's command tree: the global options and every command group (one file each in this
 * folder). What the parser and the help read; no command's work is loaded from here.
 *
 * @module
 */

import { type Command, command } from "./command.ts";
import { doctor, info, list, queue } from "./device.ts";
import { idxd } from "./idxd.ts";
import { mdev } from "./mdev.ts";
import { metrics } from "./metrics.ts";
import { value } from "./options.ts";
import { zipCommand } from "../cmd/zip/command.ts";

const EXIT_CODES = `
Exit codes:
  0      success
  1      failure (for zip/unzip: an error, as gzip)
  2      usage error (for zip/unzip: a warning, such as trailing garbage, as gzip)
  3      not found: no such device, parent, type or mdev
  4      permission denied
  5      busy: no free queue or instance, or the port wd metrics --listen asks for
  6      unsupported: no usable hardware, a legacy kernel, a non-SVA device
  128+N  ended by signal N (130 SIGINT, 143 SIGTERM; also HUP, QUIT, ALRM, XFSZ): partial
         outputs removed, queues released
  141    the reader of stdout went away (wd list --json | head)

Environment:
  WD_ROOT           same as --root
  WD_SIM            same as --sim
  WD_TEST_DEVICES   devices (comma-separated, or *) wd may drive without SVA
  WD_TIMEOUT_MS     how long to wait for a hardware completion (default 5000)
  WD_STATS          the stats file wd zip/unzip count their runs in (wd metrics)`;

/** The global options, which every command takes too. */
export const GLOBAL_OPTIONS = {
  root: value("--root <dir>", "read sys/ and dev/ under this root (a host mount, a test tree)", {
    env: "WD_ROOT",
  }),
  sim: value(
    "--sim [spec]",
    "run on a simulated Kunpeng machine (spec: v2|v3, queues=N, faults; see README)",
    { env: "WD_SIM" },
  ),
};

/** The whole command tree. */
export const program: Command = command({
  name: "wd",
  description: "Linux hardware accelerators (uacce: HiSilicon ZIP/SEC/HPRE) from the shell",
  options: GLOBAL_OPTIONS,
  helpAfter: EXIT_CODES,
  commands: [
    list,
    info,
    doctor,
    queue,
    zipCommand("zip"),
    zipCommand("unzip"),
    mdev,
    idxd,
    metrics,
  ],
});
