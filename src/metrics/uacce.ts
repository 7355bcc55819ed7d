/**
 * Metrics of the uacce accelerators and the HiSilicon drivers behind them: each device
 * (`sys/class/uacce/<name>`), each driver's module parameters (`sys/module/<driver>/parameters`)
 * and, when debugfs is readable (root), the drivers' counters under
 * `sys/kernel/debug/<driver>/<PCI function>/` (drivers/crypto/hisilicon/debugfs.c
 * `qm_dfx_files`, qm.c in older kernels; zip/zip_main.c `zip_dfx_files`). A counter that
 * cannot be read is absent, never zero.
 *
 * @module
 */

import { type Env, hostPath } from "../env.ts";
import type { UacceDevice } from "../drivers/uacce/device.ts";
import { listDevices, moduleParams } from "../drivers/uacce/discover.ts";
import { listNames, parseInteger } from "../drivers/sysfs.ts";
import type { Exposition } from "./exposition.ts";

/** The HiSilicon drivers that register uacce devices. */
export const HISI_MODULES = ["hisi_zip", "hisi_sec2", "hisi_hpre"] as const;

/** Where debugfs is mounted, relative to the root. */
export const DEBUGFS = "sys/kernel/debug";

/** A debugfs counter: its file, wd's metric name, and what it counts. */
type Counter = readonly [file: string, name: string, what: string];

/** hisi_qm's per-function counters (`qm/<file>`), for every driver. */
const QM_COUNTERS: readonly Counter[] = [
  ["err_irq", "wd_hisi_qm_error_interrupts_total", "Error interrupts of the queue manager"],
  ["aeq_irq", "wd_hisi_qm_aeq_interrupts_total", "Asynchronous event queue interrupts"],
  ["abnormal_irq", "wd_hisi_qm_abnormal_interrupts_total", "Abnormal (hardware error) interrupts"],
  ["create_qp_err", "wd_hisi_qm_create_qp_errors_total", "Failed queue pair creations"],
  ["mb_err", "wd_hisi_qm_mailbox_errors_total", "Failed mailbox commands to the queue manager"],
];

/** hisi_zip's per-function counters (`zip_dfx/<file>`): requests of the kernel's own users. */
const ZIP_COUNTERS: readonly Counter[] = [
  ["send_cnt", "wd_hisi_zip_sent_requests_total", "Requests the kernel's ZIP users sent"],
  ["recv_cnt", "wd_hisi_zip_completed_requests_total", "Completions the kernel's ZIP users got"],
  ["send_busy_cnt", "wd_hisi_zip_send_busy_total", "Sends refused because the queue was full"],
  ["err_bd_cnt", "wd_hisi_zip_error_completions_total", "Completions with an error status"],
];

/**
 * Adds the uacce device metrics.
 *
 * @param x The exposition.
 * @param env The environment.
 * @returns The devices read (for the debugfs counters' device labels).
 */
export function collectUacce(x: Exposition, env: Env): UacceDevice[] {
  const devices = listDevices(env);
  const info = x.gauge(
    "wd_uacce_device_info",
    "A uacce accelerator (sys/class/uacce/<device>): its driver, api, algorithms, NUMA node and parent PCI function; always 1.",
  );
  const free = x.gauge(
    "wd_uacce_available_instances",
    "Free queues of the device (available_instances).",
  );
  const isolated = x.gauge(
    "wd_uacce_isolated",
    "1 when the kernel isolated the device after repeated hardware errors (isolate); absent on kernels without isolate.",
  );
  const strategy = x.gauge(
    "wd_uacce_isolate_strategy",
    "Hardware errors per hour that make the kernel isolate the device, 0 for never (isolate_strategy).",
  );
  const sva = x.gauge(
    "wd_uacce_sva",
    "1 when the device works on process virtual addresses (UACCE_DEV_SVA in flags).",
  );
  const present = x.gauge("wd_uacce_node_present", "1 when /dev/<device> exists.");
  const access = x.gauge(
    "wd_uacce_node_accessible",
    "1 when the user wd metrics runs as can open /dev/<device> read-write.",
  );
  for (const d of devices) {
    const device = { device: d.name };
    info.add({
      ...device,
      driver: d.driver,
      api: d.api ?? "",
      algorithms: (d.algorithms ?? []).join(","),
      numa_node: d.numaNode === null ? "" : String(d.numaNode),
      parent: d.parent?.name ?? "",
    }, 1);
    free.add(device, d.availableInstances);
    isolated.add(device, d.isolate === null ? null : d.isolated);
    strategy.add(device, d.isolateStrategy);
    sva.add(device, d.sva);
    present.add(device, d.node.exists);
    access.add(device, d.node.accessible);
  }
  return devices;
}

/**
 * Adds the HiSilicon driver metrics: loaded, `uacce_mode`, queue counts, and the debugfs
 * counters when debugfs can be read.
 *
 * @param x The exposition.
 * @param env The environment.
 * @param devices The uacce devices (to name the PCI functions' devices).
 */
export function collectHisi(x: Exposition, env: Env, devices: UacceDevice[]): void {
  const loaded = x.gauge(
    "wd_hisi_driver_loaded",
    "1 when the HiSilicon accelerator driver is loaded or built in (sys/module/<module>).",
  );
  const mode = x.gauge(
    "wd_hisi_driver_uacce_mode",
    "The driver's uacce_mode parameter: 1 registers uacce devices, 0 serves only the kernel crypto API.",
  );
  const pfQ = x.gauge(
    "wd_hisi_driver_pf_queues",
    "Queues each physical function keeps (the driver's pf_q_num parameter).",
  );
  const vfs = x.gauge(
    "wd_hisi_driver_vfs",
    "Virtual functions the driver enables on each physical function (vfs_num parameter).",
  );
  const readable = x.gauge(
    "wd_hisi_debugfs_readable",
    `1 when the driver's debugfs counters (${DEBUGFS}/<module>) could be read; they need root and a mounted debugfs.`,
  );
  const byFunction = new Map(devices.map((d) => [d.parent?.name ?? "", d.name]));
  for (const module of HISI_MODULES) {
    const m = moduleParams(env, module);
    loaded.add({ module }, m.loaded);
    if (!m.loaded) continue;
    const param = (p: string) => {
      const v = m.params[p];
      return v === undefined ? null : parseInteger(v);
    };
    mode.add({ module }, param("uacce_mode"));
    pfQ.add({ module }, param("pf_q_num"));
    vfs.add({ module }, param("vfs_num"));
    readable.add({ module }, debugfsCounters(x, env, module, byFunction));
  }
}

/** Adds one driver's debugfs counters; false when they cannot be read. */
function debugfsCounters(
  x: Exposition,
  env: Env,
  module: string,
  byFunction: Map<string, string>,
): boolean {
  const dir = hostPath(env, `${DEBUGFS}/${module}`);
  let functions: string[] | null;
  try {
    functions = listNames(env, dir);
  } catch {
    return false;
  }
  if (functions === null) return false;
  const sets: [string, readonly Counter[]][] = module === "hisi_zip"
    ? [["qm", QM_COUNTERS], ["zip_dfx", ZIP_COUNTERS]]
    : [["qm", QM_COUNTERS]];
  let read = 0;
  let failed = 0;
  for (const fn of functions.filter((f) => /^[0-9a-f]{4}:[0-9a-f]{2}:/i.test(f))) {
    const labels = { module, function: fn, device: byFunction.get(fn) ?? "" };
    for (const [sub, counters] of sets) {
      for (const [file, name, what] of counters) {
        const v = readCount(env, `${dir}/${fn}/${sub}/${file}`);
        if (v === null) failed++;
        else read++;
        x.counter(
          name,
          `${what}, per PCI function (debugfs ${DEBUGFS}/<module>/<function>/${sub}/${file}); absent when debugfs cannot be read.`,
        ).add(labels, v);
      }
    }
  }
  return read > 0 || failed === 0;
}

function readCount(env: Env, path: string): number | null {
  try {
    return parseInteger(env.fs.readText(path).trim());
  } catch {
    return null;
  }
}
