/**
 * Active mdevs: `sys/bus/mdev/devices/<uuid>` links to `<parent>/<uuid>/`, whose `mdev_type`
 * links to the type directory (drivers/vfio/mdev/mdev_sysfs.c `mdev_create_sysfs_files`).
 * Parent and type come from resolving those links, as mdevctl's `load_from_sysfs` does, never
 * from parsing names: parents may be PCI addresses, CCW ids or plain names (`matrix`).
 *
 * @module
 */

import { type Env, hostPath } from "../../env.ts";
import { AttrReader, basename, listNames } from "../sysfs.ts";
import { MDEV_BUS_CLASS, parentNames } from "./parents.ts";

/** Where the mdev bus lists every mdev by UUID. */
export const MDEV_DEVICES = "sys/bus/mdev/devices";

/** One active mdev. */
export interface Mdev {
  /** Its UUID, the device name. */
  uuid: string;
  /** The parent's name: the basename of the directory holding the mdev. */
  parent: string | null;
  /** The type id: the basename of the resolved `mdev_type` link. */
  type: string | null;
  /** The type's `name` (`GRID P4-1Q`). */
  typeName: string | null;
  /** The bound mdev driver (`nvidia-vgpu-vfio`, `vfio_ap_mdev`); null when none is bound. */
  driver: string | null;
  /** The IOMMU group number (`iommu_group` link); null until a vfio driver binds. */
  iommuGroup: number | null;
  /** `/dev/vfio/<group>` under the root, when there is a group. */
  vfioNode: string | null;
  /** Whether that node exists. */
  vfioNodeExists: boolean;
  /** The mdev's resolved sysfs directory. */
  path: string;
  /** Attribute → why it is absent. */
  absent: Record<string, string>;
}

/**
 * Every active mdev, in natural UUID order.
 *
 * @param env The environment.
 * @returns The mdevs; empty when there are none or the mdev bus is absent.
 */
export function listMdevs(env: Env): Mdev[] {
  const names = listNames(env, hostPath(env, MDEV_DEVICES)) ?? [];
  return names.map((uuid) => readMdev(env, uuid, hostPath(env, `${MDEV_DEVICES}/${uuid}`)))
    .filter((m): m is Mdev => m !== null);
}

/**
 * One mdev by its (lower-case) UUID, wherever it is: on the mdev bus, or under any parent
 * (the kernel refuses a UUID that exists anywhere: `mdev_device_create` returns EEXIST).
 *
 * @param env The environment.
 * @param uuid The UUID.
 * @returns The mdev, or null when no mdev has that UUID.
 */
export function findMdev(env: Env, uuid: string): Mdev | null {
  const onBus = readMdev(env, uuid, hostPath(env, `${MDEV_DEVICES}/${uuid}`));
  if (onBus !== null) return onBus;
  for (const parent of parentNames(env)) {
    const m = readMdev(env, uuid, hostPath(env, `${MDEV_BUS_CLASS}/${parent}/${uuid}`));
    if (m !== null) return m;
  }
  return null;
}

function readMdev(env: Env, uuid: string, dir: string): Mdev | null {
  const r = new AttrReader(env, dir);
  const path = r.resolve(".");
  if (path === null) return null; // gone between listing and reading
  const typePath = r.resolve("mdev_type", "type");
  const group = r.linkName("iommu_group");
  const iommuGroup = group !== null && /^\d+$/.test(group) ? Number(group) : null;
  const vfioNode = iommuGroup === null ? null : hostPath(env, `dev/vfio/${iommuGroup}`);
  return {
    uuid,
    parent: basename(path.slice(0, path.lastIndexOf("/"))) || null,
    type: typePath === null ? null : basename(typePath),
    typeName: typePath === null ? null : r.text("mdev_type/name", "type_name"),
    driver: r.linkName("driver"),
    iommuGroup,
    vfioNode,
    vfioNodeExists: vfioNode !== null && env.fs.exists(vfioNode),
    path,
    absent: r.absent,
  };
}
