/**
 * Why a uacce accelerator can or cannot be used: the checks behind `wd doctor`.
 *
 * @module
 */

import { type Env, hostPath } from "../../env.ts";
import { checkEnv, checkOptions, checkType } from "../../validate.ts";
import { type Check, check, type DiagnoseOptions } from "../check.ts";
import { numaNodes } from "../cpus.ts";
import { listNames } from "../sysfs.ts";
import type { UacceDevice } from "./device.ts";
import {
  findDevice,
  listDevices,
  moduleParams,
  UACCE_CLASS,
  uacceClassPresent,
} from "./discover.ts";
import { isTestDevice, TEST_DEVICES_VAR } from "./policy.ts";

/** The HiSilicon drivers that can register uacce devices, and the PCI ids they bind. */
const HISI_DRIVERS = [
  { module: "hisi_zip", what: "ZIP", ids: ["0xa250", "0xa251"] },
  { module: "hisi_sec2", what: "SEC", ids: ["0xa255", "0xa256"] },
  { module: "hisi_hpre", what: "HPRE", ids: ["0xa258", "0xa259"] },
] as const;

/**
 * Checks the machine: the uacce class, the HiSilicon drivers, the IOMMU, then every device. A
 * machine with no uacce devices and nothing that should make some (no HiSilicon accelerator on
 * the PCI bus, no hisi driver loaded) gets one ok check: it simply has no such hardware.
 *
 * @param env The environment.
 * @param options `device`: check only this uacce device (besides the class, drivers, IOMMU).
 * @returns The checks, in a stable order.
 * @throws NotFoundError when `device` is no uacce device.
 *
 * @example Fail a script when a device cannot be used
 * ```ts
 * import { diagnoseUacce, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv("isolated");
 * const failed = diagnoseUacce(env, { device: "hisi_zip-4" }).filter((c) => c.verdict === "fail");
 * for (const c of failed) console.log(c.check, c.detail); // isolation the kernel isolated it ...
 * if (failed.length === 0) throw new Error("the model's isolated device should fail");
 * ```
 */
export function diagnoseUacce(env: Env, options: DiagnoseOptions = {}): Check[] {
  checkEnv("diagnoseUacce", "env", env);
  checkOptions("diagnoseUacce", options, ["device"]);
  checkType("diagnoseUacce", "device", options.device, "string");
  const only = options.device === undefined ? undefined : findDevice(env, options.device).name;
  const checks: Check[] = [];
  const classDir = hostPath(env, UACCE_CLASS);
  const present = uacceClassPresent(env);
  const devices = present ? listDevices(env) : [];
  const pci = pciIds(env);
  if (devices.length === 0 && only === undefined) {
    const none = noUacceHardware(env, pci);
    if (none !== null) return [check("uacce-class", "uacce", "ok", none)];
  }
  if (!present) {
    checks.push(
      check(
        "uacce-class",
        "uacce",
        "fail",
        `${classDir} does not exist`,
        "load the uacce core (modprobe uacce; kernel option CONFIG_UACCE), then the hisi drivers with uacce_mode=1",
      ),
    );
  } else if (devices.length === 0) {
    checks.push(
      check(
        "uacce-class",
        "uacce",
        "fail",
        `${classDir} has no devices`,
        "load a hisi driver in uacce mode, such as: modprobe hisi_zip uacce_mode=1",
      ),
    );
  } else {
    checks.push(
      check(
        "uacce-class",
        "uacce",
        "ok",
        `${devices.length} device${devices.length === 1 ? "" : "s"} in ${classDir}`,
      ),
    );
  }
  for (const drv of HISI_DRIVERS) checks.push(driverCheck(env, drv, devices, pci));
  checks.push(iommuCheck(env));
  const nodes = numaNodes(env);
  let cpus: number[] = [];
  try {
    cpus = env.sys.cpuAffinity();
  } catch {
    // without an affinity mask the NUMA check reports "unknown"
  }
  for (const d of devices) {
    if (only === undefined || d.name === only) checks.push(...deviceChecks(env, d, nodes, cpus));
  }
  return checks;
}

/**
 * Why a machine without uacce devices simply has no uacce hardware (no HiSilicon accelerator
 * function on the PCI bus, no hisi driver loaded), or null when something is there that should
 * have given devices: such a machine gets one ok check, not a failure.
 */
function noUacceHardware(env: Env, pci: Set<string> | null): string | null {
  const hw = pci !== null &&
    HISI_DRIVERS.some((drv) => drv.ids.some((id) => pci.has(`0x19e5:${id}`)));
  const loaded = HISI_DRIVERS.filter((drv) => moduleParams(env, drv.module).loaded);
  if (hw || loaded.length > 0) return null;
  return pci === null
    ? "no uacce devices and no HiSilicon driver loaded (the PCI bus is not visible to look for hardware)"
    : "no uacce devices: no HiSilicon accelerator on the PCI bus, no HiSilicon driver loaded";
}

/** vendor:device ids of every PCI function, or null when the PCI bus is not visible. */
function pciIds(env: Env): Set<string> | null {
  const dir = hostPath(env, "sys/bus/pci/devices");
  let names: string[] | null;
  try {
    names = listNames(env, dir);
  } catch {
    return null;
  }
  if (names === null) return null;
  const ids = new Set<string>();
  for (const n of names) {
    try {
      const v = env.fs.readText(`${dir}/${n}/vendor`).trim().toLowerCase();
      const d = env.fs.readText(`${dir}/${n}/device`).trim().toLowerCase();
      ids.add(`${v}:${d}`);
    } catch {
      // a function whose ids cannot be read is not one of ours
    }
  }
  return ids;
}

function driverCheck(
  env: Env,
  drv: (typeof HISI_DRIVERS)[number],
  devices: UacceDevice[],
  pci: Set<string> | null,
): Check {
  const mod = moduleParams(env, drv.module);
  const own = devices.filter((d) => d.driver === drv.module);
  const hw = pci === null ? null : drv.ids.some((id) => pci.has(`0x19e5:${id}`));
  const mode = mod.params["uacce_mode"];
  const reload = `modprobe -r ${drv.module} && modprobe ${drv.module} uacce_mode=1` +
    ` (to keep it: echo "options ${drv.module} uacce_mode=1" > /etc/modprobe.d/${drv.module}.conf)`;
  if (!mod.loaded) {
    if (hw === false) {
      return check(
        "driver",
        drv.module,
        "ok",
        `not loaded; no ${drv.what} hardware on the PCI bus`,
      );
    }
    return check(
      "driver",
      drv.module,
      "warn",
      hw ? `not loaded, but ${drv.what} hardware is present` : "not loaded",
      `to use the ${drv.what} engine: modprobe ${drv.module} uacce_mode=1`,
    );
  }
  const modeText = mode === undefined ? "uacce_mode unknown" : `uacce_mode=${mode}`;
  if (own.length > 0) {
    return check(
      "driver",
      drv.module,
      "ok",
      `loaded, ${modeText}, ${own.length} uacce device${own.length === 1 ? "" : "s"}`,
    );
  }
  if (mode === "0") {
    return check(
      "driver",
      drv.module,
      "fail",
      "loaded with uacce_mode=0: its devices serve only the kernel crypto API",
      reload,
    );
  }
  if (mode === "2") {
    return check(
      "driver",
      drv.module,
      "fail",
      "loaded with uacce_mode=2 (no-IOMMU legacy mode), which wd does not support",
      reload,
    );
  }
  return check(
    "driver",
    drv.module,
    hw === false ? "ok" : "warn",
    `loaded, ${modeText}, but no uacce devices`,
    "check dmesg for probe errors (SVA could not be enabled?)",
  );
}

function iommuCheck(env: Env): Check {
  let names: string[] | null = null;
  try {
    names = listNames(env, hostPath(env, "sys/class/iommu"));
  } catch {
    // treated as absent
  }
  if (names !== null && names.length > 0) {
    return check("iommu", "iommu", "ok", `${names.join(", ")}`);
  }
  return check(
    "iommu",
    "iommu",
    "warn",
    "no IOMMU is registered (sys/class/iommu is empty)",
    "SVA needs the IOMMU: enable the SMMU in firmware and the kernel (CONFIG_ARM_SMMU_V3_SVA, iommu.passthrough=0)",
  );
}

function deviceChecks(
  env: Env,
  d: UacceDevice,
  nodes: Map<number, number[]>,
  cpus: number[],
): Check[] {
  if (d.layout === "legacy") {
    return [
      check(
        "layout",
        d.name,
        "fail",
        "legacy out-of-tree uacce layout (attrs/ subfolder, openEuler 4.19)",
        "wd supports the mainline uacce ABI only: boot a kernel of 5.7 or later with the in-tree uacce",
      ),
    ];
  }
  return [
    nodeCheck(d),
    accessCheck(env, d),
    svaCheck(env, d),
    isolationCheck(d),
    queueCheck(d),
    numaCheck(d, nodes, cpus),
  ];
}

function nodeCheck(d: UacceDevice): Check {
  return d.node.exists ? check("node", d.name, "ok", `${d.node.path} exists`) : check(
    "node",
    d.name,
    "fail",
    `${d.node.path} does not exist`,
    "udev did not create it: is devtmpfs mounted on /dev, and does the class entry have a dev attribute?",
  );
}

function accessCheck(env: Env, d: UacceDevice): Check {
  if (!d.node.exists) {
    return check(
      "access",
      d.name,
      "fail",
      "no device node to open",
      "create the node first (see above)",
    );
  }
  if (d.node.accessible) return check("access", d.name, "ok", "this user can open it read-write");
  const { uid, groups, gid } = safeIdentity(env);
  const group = d.node.group ?? String(d.node.gid);
  const groupRw = d.node.mode !== null && (d.node.mode & 0o060) === 0o060;
  const inGroup = d.node.gid !== null && (gid === d.node.gid || groups.includes(d.node.gid));
  const advice = groupRw && !inGroup
    ? `add the user to group "${group}": usermod -aG ${group} <user>, then log in again`
    : `grant a group with a udev rule rather than chmod 777: SUBSYSTEM=="uacce", KERNEL=="${d.driver}-*", ` +
      `GROUP="accel", MODE="0660" in /etc/udev/rules.d/70-uacce.rules, udevadm trigger, usermod -aG accel <user>`;
  return check(
    "access",
    d.name,
    "fail",
    `uid ${uid} cannot open ${d.node.path} (${d.node.accessError}); it is ${
      d.node.owner ?? d.node.uid
    }:${group} mode ${d.node.mode?.toString(8).padStart(4, "0") ?? "?"}`,
    advice,
  );
}

function safeIdentity(env: Env): { uid: number; gid: number; groups: number[] } {
  try {
    return env.sys.identity();
  } catch {
    return { uid: -1, gid: -1, groups: [] };
  }
}

function svaCheck(env: Env, d: UacceDevice): Check {
  if (d.sva === null) {
    return check(
      "sva",
      d.name,
      "warn",
      `flags unreadable (${d.absent["flags"]})`,
      "check the kernel log",
    );
  }
  if (d.sva) {
    return check("sva", d.name, "ok", "SVA: the device works on process virtual addresses");
  }
  if (isTestDevice(env, d.name)) {
    return check(
      "sva",
      d.name,
      "warn",
      `no SVA; accepted as a test device (${TEST_DEVICES_VAR})`,
      "never use a non-SVA device for real data",
    );
  }
  return check(
    "sva",
    d.name,
    "fail",
    "no SVA flag: wd cannot hand this device process addresses",
    `real hisi_qm devices always have SVA; for a test device set ${TEST_DEVICES_VAR}=${d.name}`,
  );
}

function isolationCheck(d: UacceDevice): Check {
  if (d.isolate === null) {
    return d.absent["isolate"]
      ? check(
        "isolation",
        d.name,
        "warn",
        `isolate unreadable (${d.absent["isolate"]})`,
        "check the kernel log",
      )
      : check("isolation", d.name, "ok", "not isolated (this kernel has no isolate attribute)");
  }
  if (!d.isolated) return check("isolation", d.name, "ok", "not isolated");
  return check(
    "isolation",
    d.name,
    "fail",
    "isolated by the kernel after repeated hardware errors",
    `read dmesg, then reset the function (echo 1 > /sys/bus/pci/devices/${
      d.parent?.name ?? "<bdf>"
    }/reset) or reload ${d.driver}`,
  );
}

function queueCheck(d: UacceDevice): Check {
  if (d.availableInstances === null) {
    return check(
      "queues",
      d.name,
      "warn",
      `free queues unknown (${d.absent["available_instances"]})`,
      "check the kernel log",
    );
  }
  if (d.availableInstances > 0) {
    return check("queues", d.name, "ok", `${d.availableInstances} free queues`);
  }
  return check(
    "queues",
    d.name,
    "warn",
    "no free queue: every queue is in use",
    `find the holders with: fuser -v ${d.node.path}; raise pf_q_num or use another device`,
  );
}

function numaCheck(d: UacceDevice, nodes: Map<number, number[]>, cpus: number[]): Check {
  if (d.numaNode === null || d.numaNode < 0 || nodes.size <= 1 || cpus.length === 0) {
    return check(
      "numa",
      d.name,
      "ok",
      d.numaNode === null || d.numaNode < 0
        ? "NUMA node unknown (single node or not reported)"
        : `NUMA node ${d.numaNode}`,
    );
  }
  const local = nodes.get(d.numaNode) ?? [];
  const ours = [...nodes].filter(([, c]) => c.some((x) => cpus.includes(x))).map(([n]) => n);
  if (local.some((c) => cpus.includes(c))) {
    return check("numa", d.name, "ok", `NUMA node ${d.numaNode}, where wd may run`);
  }
  return check(
    "numa",
    d.name,
    "warn",
    `device on NUMA node ${d.numaNode}, wd runs on node${ours.length === 1 ? "" : "s"} ${
      ours.join(",") || "?"
    }`,
    `run wd on the device's node: numactl --cpunodebind=${d.numaNode} --membind=${d.numaNode} wd ...`,
  );
}
