/**
 * Intel DSA and IAA devices as the idxd driver shows them on the dsa bus
 * (Documentation/ABI/stable/sysfs-driver-dma-idxd, drivers/dma/idxd/sysfs.c): the device
 * (`dsa0`, `iax1`: one id space for both), its groups (`group<id>.<n>`), engines
 * (`engine<id>.<n>`) and work queues (`wq<id>.<n>`), each a directory under the PCI function.
 * Hidden attributes (`max_batch_size` and the read-buffer ones on IAA, `iaa_cap` before IAA 2.0,
 * `event_log_size` without an event log) and failed reads are null, with the reason in `absent`.
 * Kernels before 5.17 name the read buffers `tokens` (`max_tokens`, `token_limit`,
 * `tokens_reserved`, ...); they are read under those names when the new ones are missing.
 * Values derived from an attribute (`ops` from `op_cap`) are null when it is, with the reason
 * under the attribute's name.
 *
 * @module
 */

import type { Env } from "../../env.ts";
import { AttrReader, basename, naturalCompare } from "../sysfs.ts";
import { cmdStatusText, decodeOps, parseOpCap } from "./ops.ts";
import { type IdxdWq, readWq } from "./wq.ts";

/**
 * DSA (data streaming) or IAA (analytics, bus name `iax`).
 *
 * @example
 * ```ts
 * import { type IdxdKind, listIdxdDevices } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const kinds: IdxdKind[] = listIdxdDevices(root.env().env).map((d) => d.kind);
 * console.log(kinds); // [ "dsa", "iax" ]
 * ```
 */
export type IdxdKind = "dsa" | "iax";

/**
 * A device's `state`, as the kernel writes it (`state_show`, drivers/dma/idxd/sysfs.c).
 *
 * @example
 * ```ts
 * import { type IdxdDeviceState, listIdxdDevices } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const halted = listIdxdDevices(root.env().env).filter((d) => d.state === ("halted" satisfies IdxdDeviceState));
 * console.log(halted.length); // 0
 * ```
 */
export type IdxdDeviceState = "enabled" | "disabled" | "halted" | "unknown";

/** The values of {@linkcode IdxdDeviceState}. */
export const IDXD_DEVICE_STATES: readonly IdxdDeviceState[] = [
  "enabled",
  "disabled",
  "halted",
  "unknown",
];

/**
 * One group: engines and work queues that share resources.
 *
 * @example
 * ```ts
 * import { type IdxdGroup, listIdxdDevices } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const groups: IdxdGroup[] = listIdxdDevices(root.env().env).flatMap((d) => d.groups);
 * for (const g of groups) console.log(g.name, g.engines, g.workQueues);
 * ```
 */
export interface IdxdGroup {
  /** `group0.0`. */
  name: string;
  /** The engines in it (`engines` attribute). */
  engines: string[] | null;
  /** The work queues in it (`work_queues` attribute). */
  workQueues: string[] | null;
  /** Read buffers reserved (DSA only). */
  readBuffersReserved: number | null;
  /** Read buffers allowed (DSA only). */
  readBuffersAllowed: number | null;
  /** Whether the read buffer limit applies (DSA only). */
  useReadBufferLimit: number | null;
  /** Traffic class A. */
  trafficClassA: number | null;
  /** Traffic class B. */
  trafficClassB: number | null;
  /** Descriptor progress limit, when the device has one. */
  descProgressLimit: number | null;
  /** Batch progress limit, when the device has one. */
  batchProgressLimit: number | null;
  /** The group's resolved sysfs directory. */
  path: string;
  /** Attribute → why it is absent. */
  absent: Record<string, string>;
}

/**
 * One engine.
 *
 * @example
 * ```ts
 * import { type IdxdEngine, listIdxdDevices } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const idle: IdxdEngine[] = listIdxdDevices(root.env().env).flatMap((d) => d.engines)
 *   .filter((e) => e.groupId === -1);
 * console.log(idle.map((e) => e.name)); // engines in no group
 * ```
 */
export interface IdxdEngine {
  /** `engine0.0`. */
  name: string;
  /** Its group, -1 for none. */
  groupId: number | null;
  /** The engine's resolved sysfs directory. */
  path: string;
  /** Attribute → why it is absent. */
  absent: Record<string, string>;
}

/**
 * One DSA or IAA device and everything in it.
 *
 * @example
 * ```ts
 * import { type IdxdDevice, listIdxdDevices } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const devices: IdxdDevice[] = listIdxdDevices(root.env().env);
 * for (const d of devices) console.log(d.name, d.state, d.pasidEnabled, d.ops?.slice(0, 3));
 * ```
 */
export interface IdxdDevice {
  /** `dsa0`, `iax1`. */
  name: string;
  /** DSA or IAA. */
  kind: IdxdKind;
  /** The idxd id (the number in the name, shared by its groups, engines and wqs). */
  id: number;
  /** Hardware version (`0x100` = 1.0). */
  version: number | null;
  /** `enabled`, `disabled`, `halted` or `unknown`; null when absent or another value. */
  state: IdxdDeviceState | null;
  /** Whether the device can be configured (0/1). */
  configurable: number | null;
  /** Whether user PASID (SVA) is on: without it, user wqs cannot be enabled. */
  pasidEnabled: number | null;
  /** Limits. */
  maxGroups: number | null;
  /** Engines. */
  maxEngines: number | null;
  /** Work queues. */
  maxWorkQueues: number | null;
  /** Work queue entries shared by all wqs. */
  maxWorkQueuesSize: number | null;
  /** Largest batch (DSA only). */
  maxBatchSize: number | null;
  /** Largest transfer, bytes. */
  maxTransferSize: number | null;
  /** Operation capability bitmap, raw. */
  opCap: string | null;
  /** Operations named from it, in opcode order (`op_0x..` for bits no table names). */
  ops: string[] | null;
  /** Set `op_cap` bits that are no known opcode. */
  opsUnknown: number[];
  /** General capabilities, raw hex. */
  genCap: string | null;
  /** IAA capabilities (IAA 2.0+), raw hex. */
  iaaCap: string | null;
  /** Open clients over all wqs. */
  clients: number | null;
  /** NUMA node. */
  numaNode: number | null;
  /** Major number of its wq char devices. */
  cdevMajor: number | null;
  /** The last admin command's status (0 = fine). */
  cmdStatus: number | null;
  /** What that status means. */
  cmdStatusText: string | null;
  /** Software error bitmap, raw. */
  errors: string | null;
  /** Read buffers (DSA only). */
  maxReadBuffers: number | null;
  /** Read buffer limit (DSA only). */
  readBufferLimit: number | null;
  /** Event log entries, when the device has an event log. */
  eventLogSize: number | null;
  /** The bound driver (`idxd` while enabled). */
  driver: string | null;
  /** The PCI function it sits on. */
  pciAddress: string | null;
  /** The device's resolved sysfs directory. */
  path: string;
  /** Groups, in order. */
  groups: IdxdGroup[];
  /** Engines, in order. */
  engines: IdxdEngine[];
  /** Work queues, in order. */
  wqs: IdxdWq[];
  /** Attribute → why it is absent. */
  absent: Record<string, string>;
}

/**
 * Reads one device and its groups, engines and wqs.
 *
 * @param env The environment.
 * @param busDir The bus's `devices` directory where it was found.
 * @param name The device name (`dsa0`).
 * @param siblings Every entry name of that directory.
 * @returns The device.
 */
export function readIdxdDevice(
  env: Env,
  busDir: string,
  name: string,
  siblings: string[],
): IdxdDevice {
  const r = new AttrReader(env, `${busDir}/${name}`);
  const kind: IdxdKind = name.startsWith("iax") ? "iax" : "dsa";
  const id = Number(/\d+$/.exec(name)![0]);
  const children = (prefix: string) =>
    siblings.filter((n) => new RegExp(`^${prefix}${id}\\.\\d+$`).test(n)).sort(naturalCompare)
      .map((n) => `${busDir}/${n}`);
  const opCap = r.text("op_cap");
  const parsed = opCap === null ? null : parseOpCap(opCap);
  if (opCap !== null && parsed === null) {
    r.absent["op_cap"] = `malformed: ${JSON.stringify(opCap)} is in no kernel's op_cap format`;
  }
  const decoded = parsed === null ? null : decodeOps(kind, parsed.bits);
  const cmdStatus = r.int("cmd_status");
  const path = r.resolve(".") ?? `${busDir}/${name}`;
  return {
    name,
    kind,
    id,
    version: r.int("version"),
    state: r.choice("state", IDXD_DEVICE_STATES),
    configurable: r.int("configurable"),
    pasidEnabled: r.int("pasid_enabled"),
    maxGroups: r.int("max_groups"),
    maxEngines: r.int("max_engines"),
    maxWorkQueues: r.int("max_work_queues"),
    maxWorkQueuesSize: r.int("max_work_queues_size"),
    maxBatchSize: r.int("max_batch_size"),
    maxTransferSize: r.int("max_transfer_size"),
    opCap,
    ops: decoded?.names ?? null,
    opsUnknown: decoded?.unknown ?? [],
    genCap: r.text("gen_cap"),
    iaaCap: r.text("iaa_cap"),
    clients: r.int("clients"),
    numaNode: r.int("numa_node"),
    cdevMajor: r.int("cdev_major"),
    cmdStatus,
    cmdStatusText: cmdStatus === null ? null : cmdStatusText(cmdStatus),
    errors: r.text("errors"),
    maxReadBuffers: readBuffers(r, "max_read_buffers", "max_tokens"),
    readBufferLimit: readBuffers(r, "read_buffer_limit", "token_limit"),
    eventLogSize: r.int("event_log_size"),
    driver: r.linkName("driver"),
    pciAddress: basename(path.slice(0, path.lastIndexOf("/"))) || null,
    path,
    groups: children("group").map((d) => readGroup(env, d)),
    engines: children("engine").map((d) => readEngine(env, d)),
    wqs: children("wq").map((d) => readWq(env, d, name)),
    absent: r.absent,
  };
}

function readGroup(env: Env, dir: string): IdxdGroup {
  const r = new AttrReader(env, dir);
  const words = (attr: string) => r.text(attr)?.split(/\s+/).filter(Boolean) ?? null;
  return {
    name: basename(dir),
    engines: words("engines"),
    workQueues: words("work_queues"),
    readBuffersReserved: readBuffers(r, "read_buffers_reserved", "tokens_reserved"),
    readBuffersAllowed: readBuffers(r, "read_buffers_allowed", "tokens_allowed"),
    useReadBufferLimit: readBuffers(r, "use_read_buffer_limit", "use_token_limit"),
    trafficClassA: r.int("traffic_class_a"),
    trafficClassB: r.int("traffic_class_b"),
    descProgressLimit: r.int("desc_progress_limit"),
    batchProgressLimit: r.int("batch_progress_limit"),
    path: r.resolve(".") ?? dir,
    absent: r.absent,
  };
}

/**
 * A read-buffer attribute under its 5.17+ name, or under the name 5.6–5.16 kernels gave it
 * (`tokens`) when the new one is missing, as accel-config does (accfg/lib/libaccfg.c
 * `deprecated_attr`): 5.17+ kernels keep the old names as deprecated aliases whose reads log a
 * warning, so the old name is read only when the new one does not exist. The value and any
 * absence are recorded under the new name.
 */
function readBuffers(r: AttrReader, name: string, before517: string): number | null {
  const v = r.int(name);
  if (v !== null || r.absent[name] !== "missing" || !r.has(before517)) return v;
  delete r.absent[name];
  return r.int(before517, name);
}

function readEngine(env: Env, dir: string): IdxdEngine {
  const r = new AttrReader(env, dir);
  return {
    name: basename(dir),
    groupId: r.int("group_id"),
    path: r.resolve(".") ?? dir,
    absent: r.absent,
  };
}
