/**
 * The JSON record of a uacce device: flat, snake_case, the same keys for every device and
 * every filter, null for what could not be read (the reason is in `absent`).
 *
 * @module
 */

import type { UacceDevice } from "../drivers/uacce/device.ts";

/** The JSON record of one device, as `wd list --json` and `wd info --json` print it. */
export interface DeviceRecord {
  name: string;
  id: number | null;
  driver: string;
  kind: string;
  layout: string;
  api: string | null;
  hw_version: number | null;
  flags: number | null;
  sva: boolean | null;
  flags_unknown: number;
  available_instances: number | null;
  algorithms: string[] | null;
  region_mmio_size: number | null;
  region_dus_size: number | null;
  isolate: number | null;
  isolated: boolean;
  isolate_strategy: number | null;
  numa_node: number | null;
  numa_distance: number | null;
  parent: string | null;
  parent_path: string | null;
  parent_bus: string | null;
  parent_driver: string | null;
  vendor_id: string | null;
  device_id: string | null;
  pci_function: string | null;
  description: string | null;
  dev_node: string;
  dev_node_exists: boolean;
  dev_node_is_char: boolean;
  /** Octal permission bits, such as "0660". */
  dev_mode: string | null;
  dev_uid: number | null;
  dev_gid: number | null;
  dev_owner: string | null;
  dev_group: string | null;
  accessible: boolean;
  access_error: string | null;
  sysfs_path: string;
  /** Attribute → why it is absent. */
  absent: Record<string, string>;
}

/**
 * Builds the record.
 *
 * @param d The device.
 * @returns The record.
 */
export function deviceRecord(d: UacceDevice): DeviceRecord {
  return {
    name: d.name,
    id: d.id,
    driver: d.driver,
    kind: d.kind,
    layout: d.layout,
    api: d.api,
    hw_version: d.hwVersion,
    flags: d.flags,
    sva: d.sva,
    flags_unknown: d.flagsUnknown,
    available_instances: d.availableInstances,
    algorithms: d.algorithms,
    region_mmio_size: d.regionMmioSize,
    region_dus_size: d.regionDusSize,
    isolate: d.isolate,
    isolated: d.isolated,
    isolate_strategy: d.isolateStrategy,
    numa_node: d.numaNode,
    numa_distance: d.numaDistance,
    parent: d.parent?.name ?? null,
    parent_path: d.parent?.path ?? null,
    parent_bus: d.parent?.bus ?? null,
    parent_driver: d.parent?.driver ?? null,
    vendor_id: d.parent?.vendor ?? null,
    device_id: d.parent?.deviceId ?? null,
    pci_function: d.parent?.function ?? null,
    description: d.parent?.description ?? null,
    dev_node: d.node.path,
    dev_node_exists: d.node.exists,
    dev_node_is_char: d.node.isCharDevice,
    dev_mode: d.node.mode === null ? null : d.node.mode.toString(8).padStart(4, "0"),
    dev_uid: d.node.uid,
    dev_gid: d.node.gid,
    dev_owner: d.node.owner,
    dev_group: d.node.group,
    accessible: d.node.accessible,
    access_error: d.node.accessError,
    sysfs_path: d.sysfsPath,
    absent: d.absent,
  };
}
