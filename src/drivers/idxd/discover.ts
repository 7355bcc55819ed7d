/**
 * Finding DSA and IAA devices: entries `dsa<N>` and `iax<N>` of `sys/bus/dsa/devices`, and of
 * `sys/bus/iax/devices` on kernels that had a separate iax bus (accel-config scans both:
 * intel/idxd-config accfg/lib/libaccfg.c `accfg_bus_types`). Disabled devices are included:
 * accel-config hides them by default and users take the empty list for "no hardware"
 * (intel/idxd-config#11, #15).
 *
 * @module
 */

import { checkEnv, checkName } from "../../validate.ts";
import { type Env, hostPath } from "../../env.ts";
import { NotFoundError } from "../../errors.ts";
import { listNames, naturalCompare } from "../sysfs.ts";
import { existingHint, nearName } from "../suggest.ts";
import { type IdxdDevice, readIdxdDevice } from "./device.ts";

/** The buses idxd devices sit on, relative to the root. */
export const IDXD_BUSES = ["sys/bus/dsa", "sys/bus/iax"] as const;

const DEVICE_NAME = /^(dsa|iax)\d+$/;

/**
 * Whether the idxd driver registered its bus.
 *
 * @param env The environment.
 * @returns True when `sys/bus/dsa` (or `sys/bus/iax`) exists.
 */
export function idxdPresent(env: Env): boolean {
  return IDXD_BUSES.some((b) => env.fs.exists(hostPath(env, b)));
}

/** Device name → [bus devices dir, every entry of it]. */
function deviceDirs(env: Env): Map<string, [string, string[]]> {
  const found = new Map<string, [string, string[]]>();
  for (const bus of IDXD_BUSES) {
    const dir = hostPath(env, `${bus}/devices`);
    const names = listNames(env, dir) ?? [];
    for (const n of names) {
      if (DEVICE_NAME.test(n) && !found.has(n)) found.set(n, [dir, names]);
    }
  }
  return found;
}

/**
 * The names of every DSA and IAA device.
 *
 * @param env The environment.
 * @returns Names in natural order.
 */
export function idxdDeviceNames(env: Env): string[] {
  return [...deviceDirs(env).keys()].sort(naturalCompare);
}

/**
 * Every DSA and IAA device, enabled or not, with its groups, engines and work queues.
 *
 * @param env The environment.
 * @returns The devices; empty without idxd.
 *
 * @example Work queues a process could open
 * ```ts
 * import { listIdxdDevices, processEnv } from "@wd/wd";
 * for (const d of listIdxdDevices(processEnv())) {
 *   for (const wq of d.wqs) if (wq.type === "user" && wq.devNodeExists) console.log(wq.devNode);
 * }
 * ```
 */
export function listIdxdDevices(env: Env): IdxdDevice[] {
  checkEnv("listIdxdDevices", "env", env);
  const dirs = deviceDirs(env);
  return [...dirs.keys()].sort(naturalCompare).map((n) => {
    const [dir, siblings] = dirs.get(n)!;
    return readIdxdDevice(env, dir, n, siblings);
  });
}

/**
 * One device by name.
 *
 * @param env The environment.
 * @param name `dsa0`, `iax1`.
 * @returns The device.
 * @throws NotFoundError with a "did you mean" or the devices that exist.
 *
 * @example
 * ```ts
 * import { findIdxdDevice } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const dsa = findIdxdDevice(root.env().env, "dsa0");
 * console.log(dsa.kind, dsa.state, dsa.wqs.map((w) => `${w.name} ${w.mode} ${w.type}`));
 * ```
 */
export function findIdxdDevice(env: Env, name: string): IdxdDevice {
  checkEnv("findIdxdDevice", "env", env);
  checkName("findIdxdDevice", "device", name);
  const dirs = deviceDirs(env);
  const hit = dirs.get(name);
  if (hit !== undefined) return readIdxdDevice(env, hit[0], name, hit[1]);
  const names = [...dirs.keys()].sort(naturalCompare);
  const near = nearName(name, names);
  throw new NotFoundError(`Cannot find DSA/IAA device "${name}"`, {
    hint: near !== undefined
      ? `did you mean "${near}"?`
      : idxdPresent(env)
      ? existingHint("DSA/IAA devices", names)
      : "the idxd driver is not loaded (modprobe idxd)",
  });
}
