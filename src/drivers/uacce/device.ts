/**
 * One uacce accelerator as sysfs and devfs describe it.
 *
 * Mainline layout: `sys/class/uacce/<name>/{api,flags,available_instances,algorithms,
 * region_mmio_size,region_dus_size,isolate,isolate_strategy}` and `device/numa_node` on the
 * parent (drivers/misc/uacce/uacce.c, Documentation/ABI/testing/sysfs-driver-uacce).
 * Legacy openEuler 4.19 layout: the same under `attrs/`, plus `node_id` and `numa_distance`
 * (docs/uacce_abi.md §3).
 *
 * @module
 */

import { type Env, hostPath } from "../../env.ts";
import { errnoName, errnoText } from "../../ffi/errno.ts";
import { R_OK, W_OK } from "../../ffi/sys.ts";
import { AttrReader, basename } from "../sysfs.ts";
import { lookupIds } from "./ids.ts";

/** `UACCE_DEV_SVA`: the device shares the process's address space (uapi misc/uacce/uacce.h). */
export const UACCE_DEV_SVA = 0x1;

/**
 * Which engine a device is, from its driver.
 *
 * @example
 * ```ts
 * import { type EngineKind, listDevices } from "@wd/wd";
 * import { FakeRoot, kunpeng920 } from "@wd/wd/testing";
 * using root = kunpeng920(FakeRoot.create());
 * const kinds: EngineKind[] = listDevices(root.env().env).map((d) => d.kind);
 * console.log(kinds); // [ "hpre", "hpre", "sec", "sec", "zip", "zip" ]
 * ```
 */
export type EngineKind = "zip" | "sec" | "hpre" | "other";

/**
 * Which sysfs layout the device uses.
 *
 * @example
 * ```ts
 * import { findDevice, type UacceLayout } from "@wd/wd";
 * import { FakeRoot, legacyOpenEuler } from "@wd/wd/testing";
 * using root = legacyOpenEuler(FakeRoot.create());
 * const { env } = root.env();
 * const layout: UacceLayout = findDevice(env, "hisi_zip-0").layout;
 * console.log(layout); // legacy
 * ```
 */
export type UacceLayout = "mainline" | "legacy";

/**
 * The device a uacce entry belongs to (the `device` link).
 *
 * @example
 * ```ts
 * import { findDevice, type ParentDevice } from "@wd/wd";
 * import { FakeRoot, kunpeng920 } from "@wd/wd/testing";
 * using root = kunpeng920(FakeRoot.create());
 * const p: ParentDevice | null = findDevice(root.env().env, "hisi_zip-4").parent;
 * console.log(p?.name, p?.driver, p?.function, p?.description); // 0000:75:00.0 hisi_zip PF ...
 * ```
 */
export interface ParentDevice {
  /** The parent's name: a PCI address such as `0000:75:00.0`, or a platform device name. */
  name: string;
  /** The resolved sysfs path of the parent. */
  path: string;
  /** Its bus (`pci`, `platform`), from the `subsystem` link. */
  bus: string | null;
  /** PCI vendor id (`0x19e5`), when it has one. */
  vendor: string | null;
  /** PCI device id (`0xa250`), when it has one. */
  deviceId: string | null;
  /** The bound driver (`hisi_zip`), from the `driver` link. */
  driver: string | null;
  /** `PF` or `VF` for PCI functions (a VF has a `physfn` link), else null. */
  function: "PF" | "VF" | null;
  /** What the ids say it is ("HiSilicon ZIP engine (PF)"), when known. */
  description: string | null;
}

/**
 * The device node and who may open it.
 *
 * @example
 * ```ts
 * import { type DeviceNode, findDevice, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const node: DeviceNode = findDevice(env, "hisi_zip-4").node;
 * console.log(node.exists, node.accessible, node.accessError); // true true null
 * ```
 */
export interface DeviceNode {
  /** `/dev/<name>` under the root. */
  path: string;
  /** Whether the node exists. */
  exists: boolean;
  /** Whether it is a character device. */
  isCharDevice: boolean;
  /** Permission bits (`0o600`), when it exists. */
  mode: number | null;
  /** Owner uid. */
  uid: number | null;
  /** Owner gid. */
  gid: number | null;
  /** Owner name, when the passwd file knows it. */
  owner: string | null;
  /** Group name, when the group file knows it. */
  group: string | null;
  /** Whether this process may open it read-write (access(2)). */
  accessible: boolean;
  /** Why not (`"EACCES: permission denied"`), when it may not. */
  accessError: string | null;
}

/**
 * Everything wd knows about one uacce device.
 *
 * @example
 * ```ts
 * import { listDevices, simulatedEnv, type UacceDevice } from "@wd/wd";
 * await using env = simulatedEnv();
 * const usable = (d: UacceDevice) =>
 *   d.kind === "zip" && d.sva === true && !d.isolated && (d.availableInstances ?? 0) > 0;
 * console.log(listDevices(env).filter(usable).map((d) => d.name)); // [ "hisi_zip-4", "hisi_zip-5" ]
 * ```
 */
export interface UacceDevice {
  /** Class name, `<driver>-<id>`, such as `hisi_zip-4`. */
  name: string;
  /** The uacce id, the number after the last dash. */
  id: number | null;
  /** The driver: the parent's bound driver, else the name's prefix. */
  driver: string;
  /** The engine kind implied by the driver. */
  kind: EngineKind;
  /** Mainline or legacy (openEuler `attrs/`) layout. */
  layout: UacceLayout;
  /** The `api` string, such as `hisi_qm_v2`. */
  api: string | null;
  /** The hisi_qm hardware version the api implies (1, 2, 3, 5), else null. */
  hwVersion: number | null;
  /** The raw `flags`. */
  flags: number | null;
  /** Whether `UACCE_DEV_SVA` is set. */
  sva: boolean | null;
  /** Bits of `flags` wd does not know, kept raw. */
  flagsUnknown: number;
  /** Free queues (`available_instances`). */
  availableInstances: number | null;
  /** Algorithms the device offers, in the kernel's order. */
  algorithms: string[] | null;
  /** Size of the MMIO (doorbell) region in bytes. */
  regionMmioSize: number | null;
  /** Size of the DUS (queue memory) region in bytes. */
  regionDusSize: number | null;
  /** The raw `isolate` value (null when the kernel has none). */
  isolate: number | null;
  /** Whether the device is isolated (a missing `isolate` means not). */
  isolated: boolean;
  /** Hardware errors per hour before isolation (0 = never). */
  isolateStrategy: number | null;
  /** NUMA node of the device (-1 = unknown). */
  numaNode: number | null;
  /** Legacy layouts only: distance from the reading CPU's node. */
  numaDistance: number | null;
  /** The parent device. */
  parent: ParentDevice | null;
  /** The device node. */
  node: DeviceNode;
  /** The sysfs directory read. */
  sysfsPath: string;
  /** Attribute → why it is absent. */
  absent: Record<string, string>;
}

const KINDS: Record<string, EngineKind> = { hisi_zip: "zip", hisi_sec2: "sec", hisi_hpre: "hpre" };

/**
 * The hisi_qm version an `api` string implies: the number after `hisi_qm_v`, as UADK parses
 * it (drv/hisi_qm_udrv.c `get_version_id()`).
 *
 * @param api The api string.
 * @returns The version, or null for other apis.
 */
export function hwVersionOf(api: string | null): number | null {
  const m = api === null ? null : /^hisi_qm_v(\d+)/.exec(api);
  return m ? Number(m[1]) : null;
}

/**
 * Reads one device.
 *
 * @param env The environment.
 * @param name The class entry name (`hisi_zip-4`).
 * @returns The device; attributes that cannot be read are null and listed in `absent`.
 */
export function readDevice(env: Env, name: string): UacceDevice {
  const sysfsPath = hostPath(env, `sys/class/uacce/${name}`);
  const top = new AttrReader(env, sysfsPath);
  const layout: UacceLayout = top.has("attrs") ? "legacy" : "mainline";
  const a = layout === "legacy" ? new AttrReader(env, `${sysfsPath}/attrs`) : top;

  const parent = readParent(env, top);
  const prefix = name.replace(/-\d+$/, "");
  const driver = parent?.driver ?? prefix;
  const flags = a.int("flags", "flags", { min: 0, max: 0xffffffff });
  const api = a.text("api");
  const isolate = layout === "mainline" ? a.int("isolate", "isolate", { min: 0, max: 1 }) : null;
  if (a.absent["isolate"] === "missing") delete a.absent["isolate"]; // 6.1 kernels: not isolated

  const device: UacceDevice = {
    name,
    id: /-(\d+)$/.test(name) ? Number(/-(\d+)$/.exec(name)![1]) : null,
    driver,
    kind: KINDS[driver] ?? KINDS[prefix] ?? "other",
    layout,
    api,
    hwVersion: hwVersionOf(api),
    flags,
    sva: flags === null ? null : (flags & UACCE_DEV_SVA) !== 0,
    flagsUnknown: flags === null ? 0 : flags & ~UACCE_DEV_SVA,
    availableInstances: a.int("available_instances", "available_instances", { min: 0 }),
    algorithms: a.lines("algorithms"),
    regionMmioSize: a.int("region_mmio_size", "region_mmio_size", { min: 0 }),
    regionDusSize: a.int("region_dus_size", "region_dus_size", { min: 0 }),
    isolate,
    isolated: isolate !== null && isolate !== 0,
    isolateStrategy: layout === "mainline"
      ? a.int("isolate_strategy", "isolate_strategy", { min: 0 })
      : null,
    numaNode: layout === "legacy"
      ? a.int("node_id", "numa_node", { min: -1 })
      : top.int("device/numa_node", "numa_node", { min: -1 }),
    numaDistance: layout === "legacy" ? a.int("numa_distance") : null,
    parent,
    node: readNode(env, name),
    sysfsPath,
    absent: {},
  };
  if (layout === "mainline" && top.absent["isolate_strategy"] === "missing") {
    delete top.absent["isolate_strategy"]; // hidden together with isolate on 6.1
  }
  device.absent = { ...top.absent, ...(a === top ? {} : a.absent) };
  return device;
}

function readParent(env: Env, top: AttrReader): ParentDevice | null {
  const path = top.resolve("device", "parent");
  if (path === null) return null;
  const p = new AttrReader(env, path);
  const bus = p.linkName("subsystem");
  const vendor = p.text("vendor");
  const deviceId = p.text("device");
  const isPci = bus === "pci";
  return {
    name: basename(path),
    path,
    bus,
    vendor: isPci ? vendor : null,
    deviceId: isPci ? deviceId : null,
    driver: p.linkName("driver"),
    function: isPci ? (p.has("physfn") ? "VF" : "PF") : null,
    description: isPci ? lookupIds(vendor, deviceId) : null,
  };
}

function readNode(env: Env, name: string): DeviceNode {
  const path = hostPath(env, `dev/${name}`);
  const node: DeviceNode = {
    path,
    exists: false,
    isCharDevice: false,
    mode: null,
    uid: null,
    gid: null,
    owner: null,
    group: null,
    accessible: false,
    accessError: null,
  };
  try {
    const st = env.fs.stat(path);
    Object.assign(node, {
      exists: true,
      isCharDevice: st.isCharDevice,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      owner: nameOf(env, "etc/passwd", st.uid),
      group: nameOf(env, "etc/group", st.gid),
    });
  } catch {
    node.accessError = "ENOENT: no such file or directory";
    return node;
  }
  const e = env.sys.access(path, R_OK | W_OK);
  node.accessible = e === 0;
  node.accessError = e === 0 ? null : `${errnoName(e)}: ${errnoText(e)}`;
  return node;
}

const idNames = new Map<string, Map<number, string>>();

function nameOf(env: Env, file: string, id: number): string | null {
  const path = hostPath(env, file);
  let table = idNames.get(path);
  if (table === undefined) {
    table = new Map();
    try {
      for (const line of env.fs.readText(path).split("\n")) {
        const [n, , num] = line.split(":");
        if (n && num !== undefined && !table.has(Number(num))) table.set(Number(num), n);
      }
    } catch {
      // no passwd/group file under this root: ids stay numeric
    }
    idNames.set(path, table);
  }
  return table.get(id) ?? null;
}
