/**
 * Metrics of Intel DSA and IAA (idxd): each device, group, engine and work queue as
 * `wd idxd list` reads them. Attributes a kernel does not have or refuses are absent samples.
 * Configuration that changes only when an administrator reconfigures (a wq's mode, type, name,
 * group) is in info metrics; what changes on its own (state, clients, occupancy) is in values.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { listIdxdDevices } from "../drivers/idxd/discover.ts";
import type { Exposition } from "./exposition.ts";

const DEVICE_STATES = ["enabled", "disabled", "halted", "unknown"] as const;
const WQ_STATES = ["enabled", "disabled", "unknown"] as const;

/**
 * Adds the idxd metrics.
 *
 * @param x The exposition.
 * @param env The environment.
 */
export function collectIdxd(x: Exposition, env: Env): void {
  const devices = listIdxdDevices(env);
  const info = x.gauge(
    "wd_idxd_device_info",
    "A DSA or IAA device (sys/bus/dsa/devices/<device>): its type, hardware version and PCI function; always 1.",
  );
  const state = x.gauge(
    "wd_idxd_device_state",
    "1 for the device's state (enabled, disabled, halted, unknown), 0 for the others.",
  );
  const pasid = x.gauge(
    "wd_idxd_device_pasid_enabled",
    "1 when user PASID (SVA) is on; without it user work queues cannot be enabled (5.11+).",
  );
  const clients = x.gauge("wd_idxd_device_clients", "Open clients over all work queues.");
  const cmd = x.gauge(
    "wd_idxd_device_cmd_status",
    "Status of the last administrative command, 0 when it succeeded (cmd_status, 5.10+).",
  );
  const maxWqs = x.gauge("wd_idxd_device_max_work_queues", "Work queues the device has.");
  const entries = x.gauge(
    "wd_idxd_device_max_work_queue_entries",
    "Work queue entries all the device's work queues share (max_work_queues_size).",
  );
  const maxEngines = x.gauge("wd_idxd_device_max_engines", "Engines the device has.");
  const groupEngines = x.gauge("wd_idxd_group_engines", "Engines in the group.");
  const groupWqs = x.gauge("wd_idxd_group_work_queues", "Work queues in the group.");
  const rbReserved = x.gauge(
    "wd_idxd_group_read_buffers_reserved",
    "Read buffers reserved for the group (read_buffers_reserved; tokens_reserved before 5.17).",
  );
  const rbAllowed = x.gauge(
    "wd_idxd_group_read_buffers_allowed",
    "Read buffers the group may use (read_buffers_allowed; tokens_allowed before 5.17).",
  );
  const engineInfo = x.gauge(
    "wd_idxd_engine_info",
    "An engine and its group (empty when in none); always 1.",
  );
  const wqInfo = x.gauge(
    "wd_idxd_wq_info",
    "A work queue's configuration: mode (dedicated, shared), type (user, kernel, none), name and group (empty when in none); always 1.",
  );
  const wqState = x.gauge(
    "wd_idxd_wq_state",
    "1 for the work queue's state (enabled, disabled, unknown), 0 for the others.",
  );
  const wqSize = x.gauge(
    "wd_idxd_wq_size",
    "Entries of the device's work queue space the wq holds.",
  );
  const wqThreshold = x.gauge(
    "wd_idxd_wq_threshold",
    "Shared work queues: entries before submissions are refused.",
  );
  const wqPriority = x.gauge("wd_idxd_wq_priority", "The work queue's priority (1-15).");
  const wqClients = x.gauge("wd_idxd_wq_clients", "Open clients of the work queue.");
  const wqOccupancy = x.gauge(
    "wd_idxd_wq_occupancy",
    "Descriptors in the work queue now, where the device reports it (5.14+, WQ occupancy support).",
  );
  const wqNode = x.gauge(
    "wd_idxd_wq_dev_node_present",
    "Enabled user work queues: 1 when /dev/<dsa|iax>/<wq> exists.",
  );
  for (const d of devices) {
    const device = { device: d.name };
    info.add({
      ...device,
      type: d.kind,
      version: d.version === null ? "" : `${d.version >> 8}.${d.version & 0xff}`,
      pci_address: d.pciAddress ?? "",
    }, 1);
    if (d.state !== null) {
      const s = (DEVICE_STATES as readonly string[]).includes(d.state) ? d.state : "unknown";
      for (const v of DEVICE_STATES) state.add({ ...device, state: v }, v === s);
    }
    pasid.add(device, d.pasidEnabled);
    clients.add(device, d.clients);
    cmd.add(device, d.cmdStatus);
    maxWqs.add(device, d.maxWorkQueues);
    entries.add(device, d.maxWorkQueuesSize);
    maxEngines.add(device, d.maxEngines);
    for (const g of d.groups) {
      const labels = { ...device, group: g.name };
      groupEngines.add(labels, g.engines?.length ?? null);
      groupWqs.add(labels, g.workQueues?.length ?? null);
      rbReserved.add(labels, g.readBuffersReserved);
      rbAllowed.add(labels, g.readBuffersAllowed);
    }
    const groupOf = (id: number | null) => id === null || id < 0 ? "" : `group${d.id}.${id}`;
    for (const e of d.engines) {
      engineInfo.add({ ...device, engine: e.name, group: groupOf(e.groupId) }, 1);
    }
    for (const w of d.wqs) {
      const labels = { ...device, wq: w.name };
      wqInfo.add({
        ...labels,
        mode: w.mode ?? "",
        type: w.type ?? "",
        name: w.wqName ?? "",
        group: groupOf(w.groupId),
      }, 1);
      if (w.state !== null) {
        const s = (WQ_STATES as readonly string[]).includes(w.state) ? w.state : "unknown";
        for (const v of WQ_STATES) wqState.add({ ...labels, state: v }, v === s);
      }
      wqSize.add(labels, w.size);
      if (w.mode === "shared") wqThreshold.add(labels, w.threshold);
      wqPriority.add(labels, w.priority);
      wqClients.add(labels, w.clients);
      wqOccupancy.add(labels, w.occupancy);
      if (w.state === "enabled" && w.type === "user") wqNode.add(labels, w.devNodeExists);
    }
  }
}
