/**
 * Finding uacce devices: every entry of `sys/class/uacce`, one by name, and the driver
 * module parameters that decide whether they exist at all.
 *
 * @module
 */

import { checkEnv, checkName } from "../../validate.ts";
import { type Env, hostPath } from "../../env.ts";
import { NotFoundError } from "../../errors.ts";
import { AttrReader, listNames } from "../sysfs.ts";
import { readDevice, type UacceDevice } from "./device.ts";

/** The uacce class directory, relative to the root. */
export const UACCE_CLASS = "sys/class/uacce";

/**
 * Whether the uacce class exists (the uacce core is loaded or built in).
 *
 * @param env The environment.
 * @returns True when `sys/class/uacce` exists.
 */
export function uacceClassPresent(env: Env): boolean {
  return env.fs.exists(hostPath(env, UACCE_CLASS));
}

/**
 * Every uacce device, in natural name order.
 *
 * @param env The environment.
 * @returns The devices; empty when there are none or the class is absent.
 * @throws SysError when the class directory exists but cannot be listed.
 *
 * @example List ZIP devices with a free queue
 * ```ts
 * import { listDevices, processEnv } from "@wd/wd";
 * const free = listDevices(processEnv()).filter((d) => d.kind === "zip" && (d.availableInstances ?? 0) > 0);
 * console.log(free.map((d) => d.name)); // [] on a machine without uacce
 * ```
 */
export function listDevices(env: Env): UacceDevice[] {
  checkEnv("listDevices", "env", env);
  const names = listNames(env, hostPath(env, UACCE_CLASS)) ?? [];
  return names.map((name) => readDevice(env, name));
}

/**
 * Normalises what a user typed as a device: `hisi_zip-4`, `/dev/hisi_zip-4` or the sysfs path.
 *
 * @param arg The argument.
 * @returns The class entry name.
 */
export function deviceNameOf(arg: string): string {
  return arg.replace(/\/+$/, "").replace(/^.*\//, "");
}

/**
 * One device by name.
 *
 * @param env The environment.
 * @param arg The name, device node path or sysfs path.
 * @returns The device.
 * @throws NotFoundError naming the devices that do exist.
 *
 * @example
 * ```ts
 * import { findDevice, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const d = findDevice(env, "/dev/hisi_zip-5");
 * console.log(d.name, d.kind, d.api, d.numaNode, d.sva); // hisi_zip-5 zip hisi_qm_v2 ... true
 * ```
 */
export function findDevice(env: Env, arg: string): UacceDevice {
  checkEnv("findDevice", "env", env);
  checkName("findDevice", "device", arg);
  const name = deviceNameOf(arg);
  const names = listNames(env, hostPath(env, UACCE_CLASS)) ?? [];
  if (!names.includes(name)) {
    const near = names.find((n) => n.toLowerCase() === name.toLowerCase());
    throw new NotFoundError(`Cannot find uacce device "${arg}"`, {
      hint: near !== undefined
        ? `did you mean "${near}"?`
        : names.length > 0
        ? `devices here: ${names.join(", ")}`
        : `there are no uacce devices under ${hostPath(env, UACCE_CLASS)}`,
    });
  }
  return readDevice(env, name);
}

/** A kernel module's parameters. */
export interface ModuleParams {
  /** The module name. */
  module: string;
  /** Whether `sys/module/<module>` exists (loaded or built in). */
  loaded: boolean;
  /** Parameter name → value (trimmed text). */
  params: Record<string, string>;
  /** Parameter name → why it could not be read. */
  absent: Record<string, string>;
}

/**
 * Reads `sys/module/<module>/parameters/*`.
 *
 * @param env The environment.
 * @param module The module (`hisi_zip`).
 * @returns The parameters; `loaded` false when the module directory is absent.
 */
export function moduleParams(env: Env, module: string): ModuleParams {
  const dir = hostPath(env, `sys/module/${module}`);
  const loaded = env.fs.exists(dir);
  const r = new AttrReader(env, `${dir}/parameters`);
  const params: Record<string, string> = {};
  let names: string[] = [];
  try {
    names = (loaded ? listNames(env, `${dir}/parameters`) : null) ?? [];
  } catch (err) {
    r.absent["parameters"] = err instanceof Error ? err.message : String(err);
  }
  for (const name of names) {
    const v = r.text(name);
    if (v !== null) params[name] = v;
  }
  return { module, loaded, params, absent: r.absent };
}
