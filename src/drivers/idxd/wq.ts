/**
 * One idxd work queue: `wq<dev>.<n>` on the dsa bus (drivers/dma/idxd/sysfs.c
 * `idxd_wq_attributes`). Attributes the kernel hides (`op_config`, `ats_disable`,
 * `prs_disable` without the capability, `max_batch_size` on IAA, `driver_name` before 6.7) or
 * refuses to show (`cdev_minor`: ENXIO without a char device; `occupancy`: EOPNOTSUPP without
 * support; `enqcmds_retries`: EOPNOTSUPP on dedicated wqs) are null, with the reason in
 * `absent`, never an error.
 *
 * A user wq that is enabled has a char device, `<wq>/<dsa|iax>!wq<dev>.<n>` in sysfs and
 * `/dev/<dsa|iax>/wq<dev>.<n>` in devfs; since 6.4 each open file of it shows as
 * `.../file<N>/pid` there when PASID is on (`idxd_wq_add_cdev`, `idxd_cdev_open`, cdev.c).
 *
 * @module
 */

import { type Env, hostPath } from "../../env.ts";
import { AttrReader, listNames } from "../sysfs.ts";
import { decodeOps, parseBitmap } from "./ops.ts";

/**
 * A work queue's `state` (`wq_state_show`, drivers/dma/idxd/sysfs.c; `locked` comes from
 * Intel's idxd mdev patches, found in some vendor kernels).
 *
 * @example
 * ```ts
 * import { type IdxdWqState, listIdxdDevices } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const state: IdxdWqState = "enabled";
 * console.log(listIdxdDevices(root.env().env).flatMap((d) => d.wqs).filter((w) => w.state === state).length);
 * ```
 */
export type IdxdWqState = "enabled" | "disabled" | "locked" | "unknown";

/**
 * A work queue's `mode`: one client (`dedicated`) or many, through ENQCMD (`shared`).
 *
 * @example
 * ```ts
 * import { type IdxdWqMode, listIdxdDevices } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const mode: IdxdWqMode = "shared";
 * console.log(listIdxdDevices(root.env().env).flatMap((d) => d.wqs).filter((w) => w.mode === mode).map((w) => w.name));
 * ```
 */
export type IdxdWqMode = "dedicated" | "shared";

/**
 * A work queue's `type` (`idxd_wq_type_names`): who it serves.
 *
 * @example
 * ```ts
 * import { type IdxdWqType, listIdxdDevices } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const type: IdxdWqType = "user";
 * console.log(listIdxdDevices(root.env().env).flatMap((d) => d.wqs).filter((w) => w.type === type).length);
 * ```
 */
export type IdxdWqType = "none" | "kernel" | "user";

/** The values of {@linkcode IdxdWqState}. */
export const IDXD_WQ_STATES: readonly IdxdWqState[] = ["enabled", "disabled", "locked", "unknown"];
/** The values of {@linkcode IdxdWqMode}. */
export const IDXD_WQ_MODES: readonly IdxdWqMode[] = ["dedicated", "shared"];
/** The values of {@linkcode IdxdWqType}. */
export const IDXD_WQ_TYPES: readonly IdxdWqType[] = ["none", "kernel", "user"];

/**
 * One work queue.
 *
 * @example User work queues a process could open
 * ```ts
 * import { type IdxdWq, listIdxdDevices } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const open: IdxdWq[] = listIdxdDevices(root.env().env).flatMap((d) => d.wqs)
 *   .filter((w) => w.state === "enabled" && w.type === "user" && w.devNodeExists);
 * for (const w of open) console.log(w.devNode, w.mode, w.size, w.holders); // /dev/dsa/wq0.0 dedicated 16 [ 4242 ] ...
 * ```
 */
export interface IdxdWq {
  /** `wq0.0`. */
  name: string;
  /** The device it belongs to (`dsa0`). */
  device: string;
  /** `enabled`, `disabled`, `locked` or `unknown`; null when absent or another value. */
  state: IdxdWqState | null;
  /** `dedicated` or `shared`; null when absent or another value. */
  mode: IdxdWqMode | null;
  /** `user`, `kernel` or `none`; null when absent or another value. */
  type: IdxdWqType | null;
  /** The wq's own `name` attribute ("" when unset). */
  wqName: string | null;
  /** The driver it should bind to (`driver_name`, 6.7+). */
  driverName: string | null;
  /** The driver bound now (`user`, `dmaengine`, `crypto`), from the `driver` link. */
  driver: string | null;
  /** Its group, -1 for none. */
  groupId: number | null;
  /** Entries of the device's wq space it holds. */
  size: number | null;
  /** Priority (1-15). */
  priority: number | null;
  /** Shared wqs: entries before submissions are refused; 0 on dedicated wqs. */
  threshold: number | null;
  /** Block on fault (0/1). */
  blockOnFault: number | null;
  /** Largest transfer, bytes. */
  maxTransferSize: number | null;
  /** Largest batch (DSA only). */
  maxBatchSize: number | null;
  /** ATS disabled (0/1), when the device can. */
  atsDisable: number | null;
  /** PRS disabled (0/1), when the device can. */
  prsDisable: number | null;
  /** Descriptors in the queue now, when the device reports it. */
  occupancy: number | null;
  /** ENQCMDS retries (shared wqs). */
  enqcmdsRetries: number | null;
  /** Operations allowed on this wq (`op_config`), raw bitmap. */
  opConfig: string | null;
  /** Operations allowed, named. */
  opConfigOps: string[] | null;
  /** Open clients. */
  clients: number | null;
  /** Minor number of its char device (only while it has one). */
  cdevMinor: number | null;
  /**
   * The work queue's char device as the host names it, `/dev/<dsa|iax>/<wq>` (without the
   * environment's root: what a process on that host opens).
   */
  devNode: string;
  /** Whether the node exists (looked for under the environment's root). */
  devNodeExists: boolean;
  /** PIDs holding the char device open; null when the kernel does not say. */
  holders: number[] | null;
  /** The wq's resolved sysfs directory. */
  path: string;
  /** Attribute → why it is absent. */
  absent: Record<string, string>;
}

/**
 * Reads one work queue.
 *
 * @param env The environment.
 * @param dir The wq's directory (on the bus).
 * @param device The device name (`dsa0`, `iax1`).
 * @returns The work queue.
 */
export function readWq(env: Env, dir: string, device: string): IdxdWq {
  const r = new AttrReader(env, dir);
  const kind = device.startsWith("iax") ? "iax" : "dsa";
  const name = dir.slice(dir.lastIndexOf("/") + 1);
  const opConfig = r.text("op_config");
  const bits = opConfig === null ? null : parseBitmap(opConfig);
  if (opConfig !== null && bits === null) {
    r.absent["op_config"] = `malformed: ${JSON.stringify(opConfig)} is not a %*pb bitmap`;
  }
  const devNode = `/dev/${kind}/${name}`;
  const clients = r.int("clients");
  return {
    name,
    device,
    state: r.choice("state", IDXD_WQ_STATES),
    mode: r.choice("mode", IDXD_WQ_MODES),
    type: r.choice("type", IDXD_WQ_TYPES),
    wqName: r.text("name"),
    driverName: r.text("driver_name"),
    driver: r.linkName("driver"),
    groupId: r.int("group_id"),
    size: r.int("size"),
    priority: r.int("priority"),
    threshold: r.int("threshold"),
    blockOnFault: r.int("block_on_fault"),
    maxTransferSize: r.int("max_transfer_size"),
    maxBatchSize: r.int("max_batch_size"),
    atsDisable: r.int("ats_disable"),
    prsDisable: r.int("prs_disable"),
    occupancy: r.int("occupancy"),
    enqcmdsRetries: r.int("enqcmds_retries"),
    opConfig,
    opConfigOps: bits === null ? null : decodeOps(kind, bits).names,
    clients,
    cdevMinor: r.int("cdev_minor"),
    devNode,
    devNodeExists: env.fs.exists(hostPath(env, devNode)),
    holders: readHolders(env, `${dir}/${kind}!${name}`, clients),
    path: r.resolve(".") ?? dir,
    absent: r.absent,
  };
}

/**
 * The PIDs of a wq char device's open files (`file<N>/pid`, 6.4+, PASID only). When there is
 * no char device, or clients are counted but no file says its PID, the kernel does not say.
 */
function readHolders(env: Env, cdevDir: string, clients: number | null): number[] | null {
  const files = listNames(env, cdevDir)?.filter((n) => /^file\d+$/.test(n));
  if (files === undefined) return null;
  const pids: number[] = [];
  for (const f of files) {
    const pid = new AttrReader(env, `${cdevDir}/${f}`).int("pid");
    if (pid === null) return null;
    pids.push(pid);
  }
  if (pids.length === 0 && (clients ?? 0) > 0) return null;
  return pids.sort((a, b) => a - b);
}
