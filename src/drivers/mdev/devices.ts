/**
 * Active mdevs: `sys/bus/mdev/devices/<uuid>` links to `<parent>/<uuid>/`, whose `mdev_type`
 * links to the type directory (drivers/vfio/mdev/mdev_sysfs.c `mdev_create_sysfs_files`).
 * Parent and type come from resolving those links, as mdevctl's `load_from_sysfs` does, never
 * from parsing names: parents may be PCI addresses, CCW ids or plain names (`matrix`).
 *
 * @module
 */

import { checkEnv, checkName } from "../../validate.ts";
import { type Env, hostPath } from "../../env.ts";
import { NotFoundError } from "../../errors.ts";
import { existingHint } from "../suggest.ts";
import { AttrReader, basename, listNames } from "../sysfs.ts";
import { MDEV_BUS_CLASS, parentNames } from "./parents.ts";
import { parseUuid } from "./uuid.ts";

/** Where the mdev bus lists every mdev by UUID. */
export const MDEV_DEVICES = "sys/bus/mdev/devices";

/**
 * One active mdev.
 *
 * @example
 * ```ts
 * import { listMdevs, type Mdev } from "@wd/wd";
 * import { FakeRoot, vfioApHost } from "@wd/wd/testing";
 * using root = vfioApHost(FakeRoot.create());
 * const mdevs: Mdev[] = listMdevs(root.env().env);
 * for (const m of mdevs) console.log(m.uuid, m.parent, m.type, m.driver, m.vfioNode);
 * ```
 */
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
  /**
   * `/dev/vfio/<group>` as the host names it (without the environment's root), when there is
   * a group.
   */
  vfioNode: string | null;
  /** Whether that node exists (looked for under the environment's root). */
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
 *
 * @example Each vGPU, its type and its VFIO node
 * ```ts
 * import { listMdevs } from "@wd/wd";
 * import { FakeRoot, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * for (const m of listMdevs(root.env().env)) console.log(m.uuid, m.parent, m.type, m.vfioNode);
 * ```
 */
export function listMdevs(env: Env): Mdev[] {
  checkEnv("listMdevs", "env", env);
  const names = listNames(env, hostPath(env, MDEV_DEVICES)) ?? [];
  return names.map((uuid) => readMdev(env, uuid, hostPath(env, `${MDEV_DEVICES}/${uuid}`)))
    .filter((m): m is Mdev => m !== null);
}

/**
 * One active mdev by UUID.
 *
 * @param env The environment.
 * @param uuid The UUID, in either case.
 * @returns The mdev.
 * @throws UsageError when `uuid` is not a UUID; NotFoundError (listing the active mdevs) when
 *   no mdev has it.
 *
 * @example
 * ```ts
 * import { findMdev, NotFoundError } from "@wd/wd";
 * import { FakeRoot, VGPU_MDEVS, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * const { env } = root.env();
 * console.log(findMdev(env, VGPU_MDEVS.full).type); // nvidia-63
 * try {
 *   findMdev(env, "3b0c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e");
 * } catch (err) {
 *   console.log(err instanceof NotFoundError); // true
 * }
 * ```
 */
export function findMdev(env: Env, uuid: string): Mdev {
  checkEnv("findMdev", "env", env);
  checkName("findMdev", "UUID", uuid);
  const { uuid: canonical } = parseUuid(uuid, "remove");
  const m = mdevWithUuid(env, canonical);
  if (m !== null) return m;
  throw new NotFoundError(`Cannot find mdev ${canonical}`, {
    hint: existingHint("active mdevs", listMdevs(env).map((d) => d.uuid), 6),
  });
}

/**
 * One mdev by its (lower-case) UUID, wherever it is: on the mdev bus, or under any parent
 * (the kernel refuses a UUID that exists anywhere: `mdev_device_create` returns EEXIST).
 *
 * @param env The environment.
 * @param uuid The lower-case UUID.
 * @returns The mdev, or null when no mdev has that UUID.
 */
export function mdevWithUuid(env: Env, uuid: string): Mdev | null {
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
  const vfioNode = iommuGroup === null ? null : `/dev/vfio/${iommuGroup}`;
  return {
    uuid,
    parent: basename(path.slice(0, path.lastIndexOf("/"))) || null,
    type: typePath === null ? null : basename(typePath),
    typeName: typePath === null ? null : r.text("mdev_type/name", "type_name"),
    driver: r.linkName("driver"),
    iommuGroup,
    vfioNode,
    vfioNodeExists: vfioNode !== null && env.fs.exists(hostPath(env, vfioNode)),
    path,
    absent: r.absent,
  };
}
