/**
 * mdev parents and their types, as `sys/class/mdev_bus` shows them.
 *
 * Layout (Documentation/driver-api/vfio-mediated-device.rst, drivers/vfio/mdev/mdev_sysfs.c):
 * `sys/class/mdev_bus/<parent>` links to the parent device; its `mdev_supported_types/<type>/`
 * holds `create` (0200), `name`, `description` (hidden when the driver has none),
 * `device_api`, `available_instances` and `devices/` (one link per mdev of the type). The type
 * directory is named `<parent driver>-<type name>` (`mdev_type_add`).
 *
 * @module
 */

import { checkEnv } from "../../validate.ts";
import { type Env, hostPath } from "../../env.ts";
import { AttrReader, basename, listNames } from "../sysfs.ts";

/** The compat class listing every device registered as an mdev parent. */
export const MDEV_BUS_CLASS = "sys/class/mdev_bus";

/**
 * One mdev type of a parent.
 *
 * @example
 * ```ts
 * import { findMdevParent, type MdevType } from "@wd/wd";
 * import { FakeRoot, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * const free: MdevType[] = findMdevParent(root.env().env, "0000:3b:00.0").types
 *   .filter((t) => (t.availableInstances ?? 0) > 0);
 * console.log(free.map((t) => `${t.id} (${t.name}): ${t.availableInstances}`)); // [ "nvidia-63 (GRID P4-1Q): 6" ]
 * ```
 */
export interface MdevType {
  /** The parent's name (`0000:3b:00.0`, `matrix`). */
  parent: string;
  /** The type id, the directory name (`nvidia-63`, `i915-GVTg_V5_4`). */
  id: string;
  /** The driver's name for it (`GRID P4-1Q`). */
  name: string | null;
  /** The description, its lines joined with ", " (null when the driver has none). */
  description: string | null;
  /** The API the mdevs offer (`vfio-pci`, `vfio-ap`). */
  deviceApi: string | null;
  /** How many more mdevs of this type can be created now. */
  availableInstances: number | null;
  /** UUIDs of the existing mdevs of this type (entries of `devices/`). */
  instances: string[];
  /** The type directory, reached through the class link. */
  path: string;
  /** Attribute → why it is absent. */
  absent: Record<string, string>;
}

/**
 * A device registered as an mdev parent.
 *
 * @example
 * ```ts
 * import { listMdevParents, type MdevParent } from "@wd/wd";
 * import { FakeRoot, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * const parents: MdevParent[] = listMdevParents(root.env().env);
 * for (const p of parents) console.log(p.name, p.driver, p.bus, p.types.length); // 0000:3b:00.0 nvidia pci 4 ...
 * ```
 */
export interface MdevParent {
  /** The class entry name: the device name (`0000:3b:00.0`, `matrix`, `0.0.26ab`). */
  name: string;
  /** The device's resolved sysfs path. */
  path: string;
  /** Its bus (`pci`, `ccw`), from the `subsystem` link; null for bus-less devices. */
  bus: string | null;
  /** Its bound driver (`nvidia`, `i915`, `vfio_ap`). */
  driver: string | null;
  /** Whether `mdev_supported_types` exists (false while the parent unregisters). */
  registered: boolean;
  /** Its types, in natural order. */
  types: MdevType[];
}

/**
 * Whether the kernel has mdev parents at all: `sys/class/mdev_bus` exists once a vendor driver
 * has registered one (`mdev_register_parent`, drivers/vfio/mdev/mdev_core.c).
 *
 * @param env The environment.
 * @returns True when the class directory exists.
 */
export function mdevBusPresent(env: Env): boolean {
  return env.fs.exists(hostPath(env, MDEV_BUS_CLASS));
}

/**
 * The names of every mdev parent.
 *
 * @param env The environment.
 * @returns Names in natural order; empty without mdev support.
 */
export function parentNames(env: Env): string[] {
  return listNames(env, hostPath(env, MDEV_BUS_CLASS)) ?? [];
}

/**
 * Every mdev parent and its types.
 *
 * @param env The environment.
 * @returns The parents; empty when there are none or the class is absent.
 *
 * @example Free instances per type
 * ```ts
 * import { listMdevParents, processEnv } from "@wd/wd";
 * for (const p of listMdevParents(processEnv())) {
 *   for (const t of p.types) console.log(p.name, t.id, t.availableInstances);
 * }
 * ```
 */
export function listMdevParents(env: Env): MdevParent[] {
  checkEnv("listMdevParents", "env", env);
  return parentNames(env).map((name) => readParent(env, name));
}

/**
 * Reads one parent and its types.
 *
 * @param env The environment.
 * @param name The class entry name.
 * @returns The parent.
 */
export function readParent(env: Env, name: string): MdevParent {
  const dir = hostPath(env, `${MDEV_BUS_CLASS}/${name}`);
  const r = new AttrReader(env, dir);
  const typesDir = `${dir}/mdev_supported_types`;
  const typeIds = listNames(env, typesDir);
  return {
    name,
    path: r.resolve(".") ?? dir,
    bus: r.linkName("subsystem"),
    driver: r.linkName("driver"),
    registered: typeIds !== null,
    types: (typeIds ?? []).map((id) => readType(env, name, `${typesDir}/${id}`)),
  };
}

function readType(env: Env, parent: string, path: string): MdevType {
  const r = new AttrReader(env, path);
  const description = r.lines("description");
  return {
    parent,
    id: basename(path),
    name: r.text("name"),
    description: description === null ? null : flatten(description),
    deviceApi: r.text("device_api"),
    availableInstances: r.int("available_instances"),
    instances: listNames(env, `${path}/devices`) ?? [],
    path,
    absent: r.absent,
  };
}

/** Joins description lines with ", " as mdevctl prints them, without doubled commas. */
function flatten(lines: string[]): string {
  return lines.map((l) => l.replace(/,\s*$/, "")).join(", ");
}
