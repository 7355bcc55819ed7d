/**
 * The JSON records of `wd mdev types` and `wd mdev list`: flat, snake_case, the same keys
 * whatever the filter, null for what could not be read (the reason is in `absent`).
 *
 * @module
 */

import type { Mdev } from "../drivers/mdev/devices.ts";
import type { MdevParent, MdevType } from "../drivers/mdev/parents.ts";

/** One mdev type of one parent, as `wd mdev types --json` prints it. */
export interface MdevTypeRecord {
  parent: string;
  parent_driver: string | null;
  parent_bus: string | null;
  type: string;
  name: string | null;
  description: string | null;
  device_api: string | null;
  available_instances: number | null;
  /** How many mdevs of this type exist (entries of the type's `devices/`). */
  existing_instances: number;
  sysfs_path: string;
  absent: Record<string, string>;
}

/** One active mdev, as `wd mdev list --json` prints it. */
export interface MdevRecord {
  uuid: string;
  parent: string | null;
  type: string | null;
  type_name: string | null;
  driver: string | null;
  iommu_group: number | null;
  vfio_node: string | null;
  vfio_node_exists: boolean;
  sysfs_path: string;
  absent: Record<string, string>;
}

/**
 * Builds a type record.
 *
 * @param p The parent.
 * @param t One of its types.
 * @returns The record.
 */
export function typeRecord(p: MdevParent, t: MdevType): MdevTypeRecord {
  return {
    parent: p.name,
    parent_driver: p.driver,
    parent_bus: p.bus,
    type: t.id,
    name: t.name,
    description: t.description,
    device_api: t.deviceApi,
    available_instances: t.availableInstances,
    existing_instances: t.instances.length,
    sysfs_path: t.path,
    absent: t.absent,
  };
}

/**
 * Builds an mdev record.
 *
 * @param m The mdev.
 * @returns The record.
 */
export function mdevRecord(m: Mdev): MdevRecord {
  return {
    uuid: m.uuid,
    parent: m.parent,
    type: m.type,
    type_name: m.typeName,
    driver: m.driver,
    iommu_group: m.iommuGroup,
    vfio_node: m.vfioNode,
    vfio_node_exists: m.vfioNodeExists,
    sysfs_path: m.path,
    absent: m.absent,
  };
}
