/**
 * Finding a ZIP device for `wd zip`/`wd unzip` and opening the hardware engine on it.
 *
 * `--engine auto` uses a device only when it lists the algorithm, is usable (not isolated, SVA
 * or a declared test device, a node this user can open), has a free queue, sits on a NUMA node
 * wd runs on (or an unknown one), and — for compression — when the level is 6 or less: the
 * engine has one level, with output about the size of zlib's fastest (docs/hisi_zip_sqe.md
 * §9), so `-7` to `-9` stay in software. `--engine hw` takes any usable device (a remote one
 * too) and fails with the reason when there is none. `--device` names the device.
 *
 * @module
 */

import { type Env, hostPath } from "../env.ts";
import type { Engine } from "./engine.ts";
import { AUTO_MAX_LEVEL, type HardwareProbe, NO_ZIP_DEVICE, type SelectOptions } from "./choice.ts";
import { lazy } from "../lazy.ts";

/**
 * Looks for a usable ZIP device and opens the hardware engine on it.
 *
 * @param env The environment (sysfs root, syscalls).
 * @param options What the engine is for, the device asked for, and `verify`.
 * @param makeSoftware Makes the software engine the hardware engine falls back on.
 * @returns The engine, or null and the reason.
 * @throws WdError (exit 3) when `options.device` names no device.
 */
export async function probeHardwareEngine(
  env: Env,
  options: SelectOptions,
  makeSoftware: () => Engine,
): Promise<HardwareProbe> {
  const auto = options.engine === "auto";
  if (auto && options.direction === "compress" && options.level > AUTO_MAX_LEVEL) {
    return {
      engine: null,
      reason: `level ${options.level} asks for more than the engine's one level gives`,
      fallback: "level",
    };
  }
  // Without the uacce class there is no device; the drivers' modules (~3.5 ms) stay unloaded.
  // (drivers/uacce/discover.ts's UACCE_CLASS, not imported: that would load them.)
  if (options.device === undefined && !env.fs.exists(hostPath(env, "sys/class/uacce"))) {
    return { engine: null, reason: NO_ZIP_DEVICE, fallback: "no_device" };
  }
  const { openHardwareEngine } = await lazy<typeof import("./hw_open.ts")>(
    "./hw_open.ts",
    import.meta.url,
  );
  return await openHardwareEngine(env, options, makeSoftware);
}

export { AUTO_MAX_LEVEL, type HardwareProbe, NO_ZIP_DEVICE } from "./choice.ts";
