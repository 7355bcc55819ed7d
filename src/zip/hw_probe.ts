/**
 * The seam where the hardware engine plugs in. This build has no hardware engine: the probe
 * looks for a ZIP device only to say precisely why hardware is not used. The HiSilicon ZIP
 * engine (issue 4) replaces this file with one that opens a queue and returns an Engine.
 *
 * @module
 */

import type { Env } from "../env.ts";
import type { Engine } from "./engine.ts";
import { listDevices } from "../drivers/uacce/discover.ts";
import { ExitCode, WdError } from "../errors.ts";
import type { SelectOptions } from "./select.ts";

/** What the probe found: an engine, or why there is none. */
export type HardwareProbe =
  | { engine: Engine; reason: string }
  | { engine: null; reason: string };

/**
 * Looks for a usable hardware engine.
 *
 * @param env The environment (sysfs root, syscalls).
 * @param options What the engine is for, and the device asked for, if any.
 * @returns The engine, or null and the reason.
 * @throws WdError (exit 3) when `options.device` names no device.
 */
export function probeHardwareEngine(env: Env, options: SelectOptions): Promise<HardwareProbe> {
  const zips = listDevices(env).filter((d) => d.kind === "zip");
  if (options.device !== undefined) {
    const want = options.device.replace(/^.*\//, "");
    const found = zips.find((d) => d.name === want);
    if (found === undefined) {
      throw new WdError(`Cannot find ZIP device "${options.device}"`, {
        exitCode: ExitCode.NOT_FOUND,
        hint: zips.length > 0
          ? `ZIP devices here: ${zips.map((d) => d.name).join(", ")}`
          : "this machine has no ZIP device (`wd list` shows the accelerators)",
      });
    }
    return Promise.resolve({
      engine: null,
      reason: `the hardware engine is not part of this build (device ${found.name} found)`,
    });
  }
  return Promise.resolve({
    engine: null,
    reason: zips.length === 0
      ? "no ZIP device found (no hisi_zip device in sys/class/uacce)"
      : `the hardware engine is not part of this build (found ${
        zips.map((d) => d.name).join(", ")
      })`,
  });
}
