/**
 * The library's environment of this process: the host, or the simulated machine `WD_SIM`
 * names, read the way the `wd` command reads `--root`/`WD_ROOT` and `--sim`/`WD_SIM`.
 *
 * @module
 */

import { type Env, hostEnv, type ProcessEnvOptions } from "./env.ts";
import { UsageError } from "./errors.ts";
import { checkOptions, checkType } from "./validate.ts";
import { type SimulatedEnv, simulatedEnv } from "./drivers/sim/env.ts";

/** The machines `WD_SIM` started, by spec: one per spec for the life of the process. */
const machines = new Map<string, SimulatedEnv>();

/**
 * The environment of this process, as the `wd` command builds it:
 *
 * - `options.root` (or `options.sys`) given: the host under that root, with that syscall layer;
 * - else `WD_SIM` set (`WD_SIM=v3,lose@5`, or empty for the default machine): a simulated
 *   Kunpeng machine, started on the first call and shared by later ones, deleted at the
 *   process's exit and on the signals that end it (see `simulatedEnv`);
 * - else the host under `WD_ROOT` (a host's sysfs mounted elsewhere), or `/`.
 *
 * Scripts therefore run unchanged on hardware, on a mounted tree and on the model:
 * `WD_SIM=v3 deno run -A script.ts`.
 *
 * @param options An explicit root or syscall layer (then the variables are not read).
 * @returns The environment.
 * @throws UsageError when both `WD_SIM` and `WD_ROOT` are set (the simulated machine has its
 *   own root), or `WD_SIM` has an item that is not understood.
 *
 * @example List accelerators (none here, unless WD_SIM or WD_ROOT says otherwise)
 * ```ts
 * import { listDevices, processEnv } from "@wd/wd";
 * for (const d of listDevices(processEnv())) console.log(d.name, d.algorithms, d.availableInstances);
 * ```
 */
export function processEnv(options: ProcessEnvOptions = {}): Env {
  checkOptions("processEnv", options, ["root", "sys"]);
  checkType("processEnv", "root", options.root, "string");
  checkType("processEnv", "sys", options.sys, "object");
  if (options.root !== undefined || options.sys !== undefined) return hostEnv(options);
  const spec = Deno.env.get("WD_SIM");
  if (spec === undefined) return hostEnv();
  if (Deno.env.get("WD_ROOT") !== undefined) {
    throw new UsageError("Cannot use WD_SIM with WD_ROOT: the simulated machine has its own root", {
      hint: "unset one of them",
    });
  }
  let env = machines.get(spec);
  if (env === undefined) {
    env = simulatedEnv(spec);
    machines.set(spec, env);
  }
  return env;
}
