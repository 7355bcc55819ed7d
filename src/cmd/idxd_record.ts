/**
 * The JSON records of `wd idxd list`: one flat record per object (device, group, engine, work
 * queue), told apart by `kind`. Every record of a kind has the same keys whatever the filter;
 * values that could not be read are null and `absent` says why. `dev` is the object's name
 * (as accel-config calls it) and `device` the DSA/IAA device it belongs to.
 *
 * @module
 */

import type { IdxdDevice, IdxdEngine, IdxdGroup } from "../drivers/idxd/device.ts";
import type { IdxdWq } from "../drivers/idxd/wq.ts";

/** A device record. */
export interface IdxdDeviceRecord {
  kind: "device";
  dev: string;
  device: string;
  type: "dsa" | "iax";
  version: number | null;
  /** `1.0` for version 0x100. */
  version_text: string | null;
  state: string | null;
  configurable: boolean | null;
  pasid_enabled: boolean | null;
  max_groups: number | null;
  max_engines: number | null;
  max_work_queues: number | null;
  max_work_queues_size: number | null;
  max_batch_size: number | null;
  max_transfer_size: number | null;
  op_cap: string | null;
  operations: string[] | null;
  op_cap_unknown_bits: number[];
  gen_cap: string | null;
  iaa_cap: string | null;
  clients: number | null;
  numa_node: number | null;
  cdev_major: number | null;
  cmd_status: number | null;
  cmd_status_text: string | null;
  errors: string | null;
  max_read_buffers: number | null;
  read_buffer_limit: number | null;
  event_log_size: number | null;
  driver: string | null;
  pci_address: string | null;
  sysfs_path: string;
  absent: Record<string, string>;
}

/** A group record. */
export interface IdxdGroupRecord {
  kind: "group";
  dev: string;
  device: string;
  engines: string[] | null;
  work_queues: string[] | null;
  read_buffers_reserved: number | null;
  read_buffers_allowed: number | null;
  use_read_buffer_limit: number | null;
  traffic_class_a: number | null;
  traffic_class_b: number | null;
  desc_progress_limit: number | null;
  batch_progress_limit: number | null;
  sysfs_path: string;
  absent: Record<string, string>;
}

/** An engine record. */
export interface IdxdEngineRecord {
  kind: "engine";
  dev: string;
  device: string;
  group_id: number | null;
  group: string | null;
  sysfs_path: string;
  absent: Record<string, string>;
}

/** A work queue record. */
export interface IdxdWqRecord {
  kind: "wq";
  dev: string;
  device: string;
  state: string | null;
  enabled: boolean;
  mode: string | null;
  type: string | null;
  name: string | null;
  driver_name: string | null;
  driver: string | null;
  group_id: number | null;
  group: string | null;
  size: number | null;
  priority: number | null;
  threshold: number | null;
  block_on_fault: number | null;
  max_transfer_size: number | null;
  max_batch_size: number | null;
  ats_disable: number | null;
  prs_disable: number | null;
  occupancy: number | null;
  enqcmds_retries: number | null;
  op_config: string | null;
  op_config_operations: string[] | null;
  clients: number | null;
  cdev_minor: number | null;
  dev_node: string;
  dev_node_exists: boolean;
  /** PIDs holding the node open; null when the kernel does not say. */
  holders: number[] | null;
  sysfs_path: string;
  absent: Record<string, string>;
}

/** Any idxd record. */
export type IdxdRecord = IdxdDeviceRecord | IdxdGroupRecord | IdxdEngineRecord | IdxdWqRecord;

/**
 * The records of a device: the device, then its groups, engines and work queues.
 *
 * @param d The device.
 * @returns The records, in that order.
 */
export function idxdRecords(d: IdxdDevice): IdxdRecord[] {
  return [
    deviceRecord(d),
    ...d.groups.map((g) => groupRecord(d, g)),
    ...d.engines.map((e) => engineRecord(d, e)),
    ...d.wqs.map((w) => wqRecord(d, w)),
  ];
}

/**
 * A hardware version as major.minor (`0x100` → `1.0`).
 *
 * @param v The version.
 * @returns The text, or null.
 */
export function versionText(v: number | null): string | null {
  return v === null ? null : `${v >> 8}.${v & 0xff}`;
}

function flag(v: number | null): boolean | null {
  return v === null ? null : v !== 0;
}

function groupName(d: IdxdDevice, id: number | null): string | null {
  return id === null || id < 0 ? null : `group${d.id}.${id}`;
}

function deviceRecord(d: IdxdDevice): IdxdDeviceRecord {
  return {
    kind: "device",
    dev: d.name,
    device: d.name,
    type: d.kind,
    version: d.version,
    version_text: versionText(d.version),
    state: d.state,
    configurable: flag(d.configurable),
    pasid_enabled: flag(d.pasidEnabled),
    max_groups: d.maxGroups,
    max_engines: d.maxEngines,
    max_work_queues: d.maxWorkQueues,
    max_work_queues_size: d.maxWorkQueuesSize,
    max_batch_size: d.maxBatchSize,
    max_transfer_size: d.maxTransferSize,
    op_cap: d.opCap,
    operations: d.ops,
    op_cap_unknown_bits: d.opsUnknown,
    gen_cap: d.genCap,
    iaa_cap: d.iaaCap,
    clients: d.clients,
    numa_node: d.numaNode,
    cdev_major: d.cdevMajor,
    cmd_status: d.cmdStatus,
    cmd_status_text: d.cmdStatusText,
    errors: d.errors,
    max_read_buffers: d.maxReadBuffers,
    read_buffer_limit: d.readBufferLimit,
    event_log_size: d.eventLogSize,
    driver: d.driver,
    pci_address: d.pciAddress,
    sysfs_path: d.path,
    absent: d.absent,
  };
}

function groupRecord(d: IdxdDevice, g: IdxdGroup): IdxdGroupRecord {
  return {
    kind: "group",
    dev: g.name,
    device: d.name,
    engines: g.engines,
    work_queues: g.workQueues,
    read_buffers_reserved: g.readBuffersReserved,
    read_buffers_allowed: g.readBuffersAllowed,
    use_read_buffer_limit: g.useReadBufferLimit,
    traffic_class_a: g.trafficClassA,
    traffic_class_b: g.trafficClassB,
    desc_progress_limit: g.descProgressLimit,
    batch_progress_limit: g.batchProgressLimit,
    sysfs_path: g.path,
    absent: g.absent,
  };
}

function engineRecord(d: IdxdDevice, e: IdxdEngine): IdxdEngineRecord {
  return {
    kind: "engine",
    dev: e.name,
    device: d.name,
    group_id: e.groupId,
    group: groupName(d, e.groupId),
    sysfs_path: e.path,
    absent: e.absent,
  };
}

function wqRecord(d: IdxdDevice, w: IdxdWq): IdxdWqRecord {
  return {
    kind: "wq",
    dev: w.name,
    device: d.name,
    state: w.state,
    enabled: w.state === "enabled",
    mode: w.mode,
    type: w.type,
    name: w.wqName,
    driver_name: w.driverName,
    driver: w.driver,
    group_id: w.groupId,
    group: groupName(d, w.groupId),
    size: w.size,
    priority: w.priority,
    threshold: w.threshold,
    block_on_fault: w.blockOnFault,
    max_transfer_size: w.maxTransferSize,
    max_batch_size: w.maxBatchSize,
    ats_disable: w.atsDisable,
    prs_disable: w.prsDisable,
    occupancy: w.occupancy,
    enqcmds_retries: w.enqcmdsRetries,
    op_config: w.opConfig,
    op_config_operations: w.opConfigOps,
    clients: w.clients,
    cdev_minor: w.cdevMinor,
    dev_node: w.devNode,
    dev_node_exists: w.devNodeExists,
    holders: w.holders,
    sysfs_path: w.path,
    absent: w.absent,
  };
}
