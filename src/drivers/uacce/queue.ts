/**
 * A uacce queue: one open of the device node, its two mapped regions and the ioctls that
 * configure and start it. One open = one hardware queue pair.
 *
 * Sequence (Linaro/uadk wd.c `wd_request_ctx()`, drv/hisi_qm_udrv.c `hisi_qm_alloc_qp()`):
 * open O_RDWR|O_CLOEXEC → mmap DUS (offset 1 × page) → mmap MMIO (offset 0) → SET_QP_CTX →
 * SET_QP_INFO → START_Q. Mapping before START suits both the mainline core and the legacy
 * one (which allows mmap only before START). Release: PUT_Q → munmap → close, on every path.
 *
 * @module
 */

import { onInterrupt } from "../../cleanup.ts";
import type { Env } from "../../env.ts";
import {
  BusyError,
  ExitCode,
  NotFoundError,
  PermissionError,
  UnsupportedError,
  WdError,
} from "../../errors.ts";
import { Errno, errnoText } from "../../ffi/errno.ts";
import { io, iowr } from "../../ffi/ioctl.ts";
import type { Mapping } from "../../ffi/mapping.ts";
import { SysError } from "../../ffi/sys_error.ts";
import { O_CLOEXEC, O_RDWR } from "../../ffi/sys.ts";
import { checkEnv, checkOneOf, checkOptions, describe } from "../../validate.ts";
import type { UacceDevice } from "./device.ts";
import { findDevice } from "./discover.ts";
import { isTestDevice, TEST_DEVICES_VAR } from "./policy.ts";

/** `_IO('W', 0)`: start the queue (include/uapi/misc/uacce/uacce.h). */
export const UACCE_CMD_START_Q: number = io("W", 0);
/** `_IO('W', 1)`: stop the queue and free its resources now. */
export const UACCE_CMD_PUT_Q: number = io("W", 1);
/** `_IOWR('H', 10, struct hisi_qp_ctx)`: set the queue type, get the queue number (uapi misc/uacce/hisi_qm.h). */
export const UACCE_CMD_QM_SET_QP_CTX: number = iowr("H", 10, 4);
/** `_IOWR('H', 11, struct hisi_qp_info)`: get SQE size and depths. */
export const UACCE_CMD_QM_SET_QP_INFO: number = iowr("H", 11, 16);
/** Region types: the mmap offset is the type times the page size. */
export const UACCE_QFRT_MMIO = 0;
/** Device user share: SQ, CQ and status words. */
export const UACCE_QFRT_DUS = 1;

/** Defaults UADK uses when SET_QP_INFO is refused by an older kernel (`QM_Q_DEPTH`, `HZIP_SQE_SIZE`). */
export const DEFAULT_QP_INFO = { sqeSize: 128, sqDepth: 1024, cqDepth: 1024 } as const;

/**
 * What a ZIP queue does, for its whole life: compress or decompress, never both.
 *
 * @example
 * ```ts
 * import { type Direction, simulatedEnv, UacceQueue } from "@wd/wd";
 * await using env = simulatedEnv();
 * for (const direction of ["compress", "decompress"] satisfies Direction[]) {
 *   using q = UacceQueue.open(env, "hisi_zip-4", { direction });
 *   console.log(q.info.direction, q.info.qcType); // compress 0, then decompress 1
 * }
 * ```
 */
export type Direction = "compress" | "decompress";

/** The directions, in `qc_type` order. */
export const DIRECTIONS: readonly Direction[] = ["compress", "decompress"];

/** The raw `qc_type` of `SET_QP_CTX`: 0 compresses, 1 decompresses. */
export type QueueType = 0 | 1;
/** `qc_type` of a compression queue. */
export const QC_COMPRESS: QueueType = 0;
/** `qc_type` of a decompression queue. */
export const QC_DECOMPRESS: QueueType = 1;

/**
 * The `qc_type` of a direction.
 *
 * @param direction `compress` or `decompress`.
 * @returns 0 or 1.
 */
export function qcTypeOf(direction: Direction): QueueType {
  return direction === "decompress" ? QC_DECOMPRESS : QC_COMPRESS;
}

/**
 * What the kernel told us about a started queue.
 *
 * @example
 * ```ts
 * import { type QueueInfo, simulatedEnv, UacceQueue } from "@wd/wd";
 * await using env = simulatedEnv();
 * let info: QueueInfo;
 * {
 *   using q = UacceQueue.open(env, "hisi_zip-4");
 *   info = q.info;
 * }
 * console.log(info.qid, info.sqeSize, info.sqDepth, info.infoFromKernel); // 0 128 1024 true
 * ```
 */
export interface QueueInfo {
  /** Queue number inside the PCI function (the doorbell's `qn`). */
  qid: number;
  /** What the queue does. */
  direction: Direction;
  /** The raw `qc_type` set for it (0 compress, 1 decompress). */
  qcType: QueueType;
  /** SQE size in bytes. */
  sqeSize: number;
  /** SQ entries. */
  sqDepth: number;
  /** CQ entries. */
  cqDepth: number;
  /** Whether SET_QP_INFO answered (false: defaults were assumed). */
  infoFromKernel: boolean;
  /** System page size. */
  pageSize: number;
  /** Bytes of the MMIO mapping. */
  mmioSize: number;
  /** Bytes of the DUS mapping. */
  dusSize: number;
}

/**
 * Options of {@linkcode UacceQueue.open}.
 *
 * @example
 * ```ts
 * import { type OpenQueueOptions, simulatedEnv, UacceQueue } from "@wd/wd";
 * await using env = simulatedEnv();
 * const options: OpenQueueOptions = { direction: "decompress" };
 * using q = UacceQueue.open(env, "hisi_zip-5", options);
 * console.log(q.device.name, q.info.direction); // hisi_zip-5 decompress
 * ```
 */
export interface OpenQueueOptions {
  /** What the queue does: `compress` (the default) or `decompress`. */
  direction?: Direction | undefined;
  /** @deprecated The raw `qc_type` (0 or 1): use `direction`. */
  qcType?: QueueType | undefined;
}

/**
 * Checks the options of a queue: `direction` (or the deprecated `qcType`), and others `more`.
 *
 * @param where The function, for messages.
 * @param options The options.
 * @param more The other options it takes.
 * @throws TypeError, RangeError.
 */
export function checkQueueOptions<T extends OpenQueueOptions>(
  where: string,
  options: T,
  more: readonly (keyof T & string)[] = [],
): void {
  checkOptions(where, options, ["direction", "qcType", ...more]);
  checkOneOf(where, "direction", options.direction, DIRECTIONS);
  if (options.qcType !== undefined && options.qcType !== 0 && options.qcType !== 1) {
    throw new RangeError(
      `${where}: option "qcType" must be 0 or 1, not ${describe(options.qcType)}`,
    );
  }
  if (
    options.direction !== undefined && options.qcType !== undefined &&
    qcTypeOf(options.direction) !== options.qcType
  ) {
    throw new RangeError(`${where}: options "direction" and "qcType" disagree: use "direction"`);
  }
}

/**
 * The direction options ask for: `direction`, or the deprecated `qcType`, or `compress`.
 *
 * @param options The options.
 * @returns The direction.
 */
export function directionOf(options: OpenQueueOptions): Direction {
  if (options.direction !== undefined) return options.direction;
  return options.qcType === QC_DECOMPRESS ? "decompress" : "compress";
}

/**
 * An open, started uacce queue.
 *
 * @example Allocate a queue and release it
 * ```ts
 * import { simulatedEnv, UacceQueue } from "@wd/wd";
 * await using env = simulatedEnv();
 * using q = UacceQueue.open(env, "hisi_zip-4", { direction: "decompress" });
 * console.log(q.info.qid, q.info.direction, q.info.sqDepth); // 0 decompress 1024
 * ```
 */
export class UacceQueue implements Disposable {
  /** The device the queue belongs to. */
  readonly device: UacceDevice;
  /** The device node's fd. */
  readonly fd: number;
  /** Queue number, depths, region sizes. */
  readonly info: QueueInfo;
  /** The SQ/CQ memory. */
  readonly dus: Mapping;
  /** The doorbell page(s). */
  readonly mmio: Mapping;
  readonly #env: Env;
  #released = false;
  #unregister: () => void;

  private constructor(
    env: Env,
    device: UacceDevice,
    fd: number,
    info: QueueInfo,
    dus: Mapping,
    mmio: Mapping,
  ) {
    this.#env = env;
    this.device = device;
    this.fd = fd;
    this.info = info;
    this.dus = dus;
    this.mmio = mmio;
    this.#unregister = onInterrupt(() => this.release());
  }

  /**
   * Opens, maps, configures and starts a queue.
   *
   * @param env The environment (its `sys` does the calls).
   * @param device The device, by name (`hisi_zip-4`, `/dev/hisi_zip-4`) or as discovery read it.
   * @param options What the queue does (default: compress).
   * @returns The started queue; release it (`using`) to give it back.
   * @throws NotFoundError for a device that does not exist (or whose node is gone),
   *   BusyError (no free queue), PermissionError (node permissions), UnsupportedError
   *   (isolated, legacy, no SVA), WdError (anything else).
   */
  static open(env: Env, device: UacceDevice | string, options: OpenQueueOptions = {}): UacceQueue {
    checkEnv("UacceQueue.open", "env", env);
    checkQueueOptions("UacceQueue.open", options);
    if (typeof device === "string") device = findDevice(env, device);
    checkUsable(env, device);
    const sys = env.sys;
    const page = sys.pageSize();
    const dusSize = device.regionDusSize!;
    const mmioSize = device.regionMmioSize!;
    let fd: number;
    try {
      fd = sys.open(device.node.path, O_RDWR | O_CLOEXEC);
    } catch (err) {
      throw openError(device, err);
    }
    const undo: (() => void)[] = [() => sys.close(fd)];
    try {
      const dus = mapRegion(env, fd, device, "DUS", UACCE_QFRT_DUS * page, dusSize);
      undo.push(() => dus.unmap());
      const mmio = mapRegion(env, fd, device, "MMIO", UACCE_QFRT_MMIO * page, mmioSize);
      undo.push(() => mmio.unmap());
      const direction = directionOf(options);
      const qid = setQpCtx(env, fd, device, qcTypeOf(direction));
      const qp = qpInfo(env, fd);
      ioctlOrThrow(env, fd, device, UACCE_CMD_START_Q, "start queue");
      const info: QueueInfo = {
        qid,
        direction,
        qcType: qcTypeOf(direction),
        ...qp,
        pageSize: page,
        mmioSize,
        dusSize,
      };
      return new UacceQueue(env, device, fd, info, dus, mmio);
    } catch (err) {
      for (const fn of undo.reverse()) {
        try {
          fn();
        } catch {
          // keep unwinding
        }
      }
      throw err;
    }
  }

  /** Whether the queue was released. */
  get released(): boolean {
    return this.#released;
  }

  /**
   * Stops the queue (PUT_Q), unmaps both regions and closes the node. Safe to call twice.
   * PUT_Q fails on a queue the kernel already killed (ENXIO) or stopped; that is ignored:
   * close releases it either way (6.1 stops on PUT_Q and frees at close; older kernels free
   * at PUT_Q).
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#unregister();
    const sys = this.#env.sys;
    const steps = [
      () => sys.ioctl(this.fd, UACCE_CMD_PUT_Q),
      () => this.dus.unmap(),
      () => this.mmio.unmap(),
      () => sys.close(this.fd),
    ];
    let failure: unknown;
    for (const [i, step] of steps.entries()) {
      try {
        step();
      } catch (err) {
        if (i > 0) failure ??= err; // PUT_Q on a dead or stopped queue is expected to fail
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** Same as {@linkcode UacceQueue.release}. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * Refuses devices wd must not drive, with the reason: isolated, legacy layout, no SVA (unless
 * declared a test device), no node, unknown region sizes.
 *
 * @param env The environment.
 * @param device The device.
 * @throws WdError when the device is unusable.
 */
export function checkUsable(env: Env, device: UacceDevice): void {
  const name = device.name;
  const unsupported = (msg: string, hint: string) => new UnsupportedError(msg, { hint });
  if (device.layout === "legacy") {
    throw unsupported(
      `Cannot use "${name}": legacy out-of-tree uacce layout`,
      "boot a mainline kernel (5.7 or later)",
    );
  }
  if (device.isolated) {
    throw unsupported(
      `Cannot use "${name}": the kernel isolated it after hardware errors`,
      `run wd doctor ${name}`,
    );
  }
  if (device.sva !== true && !isTestDevice(env, name)) {
    throw unsupported(
      `Cannot use "${name}": it has no SVA, so it cannot work on process addresses`,
      `real hisi_qm devices always have SVA; for a test device set ${TEST_DEVICES_VAR}=${name}`,
    );
  }
  if (!device.node.exists) {
    throw new NotFoundError(`Cannot use "${name}": ${device.node.path} does not exist`, {
      hint: `run wd doctor ${name}`,
    });
  }
  if (device.regionDusSize === null || device.regionMmioSize === null) {
    throw new WdError(`Cannot use "${name}": the region sizes are unreadable`, {
      hint: `run wd info ${name}`,
    });
  }
}

function openError(device: UacceDevice, err: unknown): unknown {
  if (!(err instanceof SysError)) return err;
  const path = device.node.path;
  switch (err.errno) {
    case Errno.EBUSY:
      return new BusyError(
        `Cannot open a queue on "${device.name}": all its queues are in use (EBUSY)`,
        {
          cause: err,
          hint: `see who holds them with: fuser -v ${path}; or use another device`,
        },
      );
    case Errno.EACCES:
      return new PermissionError(`Cannot open "${path}": permission denied (EACCES)`, {
        cause: err,
        hint: `run wd doctor ${device.name} for the udev rule or group to use`,
      });
    case Errno.EPERM:
      return new WdError(
        `Cannot open a queue on "${device.name}": the device is not startable, likely resetting (EPERM)`,
        {
          exitCode: ExitCode.FAILURE,
          cause: err,
          hint: "retry in a moment; check dmesg",
        },
      );
    case Errno.ENOENT:
    case Errno.ENODEV:
    case Errno.EINVAL:
    case Errno.ENXIO:
      return new NotFoundError(`Cannot open "${path}": the device is gone (${err.code})`, {
        cause: err,
        hint: "run wd list",
      });
  }
  return err;
}

function mapRegion(
  env: Env,
  fd: number,
  device: UacceDevice,
  what: string,
  offset: number,
  size: number,
): Mapping {
  try {
    return env.sys.mmap(fd, size, offset, `${what} region of ${device.node.path}`);
  } catch (err) {
    if (err instanceof SysError) {
      const why = err.errno === Errno.EINVAL
        ? `the kernel refused ${size} bytes at offset ${offset} (size mismatch with region_${what.toLowerCase()}_size?)`
        : err.errno === Errno.ENXIO
        ? "the queue is dead"
        : err.errno === Errno.EEXIST
        ? "the region is already mapped on this fd"
        : err.message;
      throw new WdError(`Cannot map the ${what} region of "${device.name}": ${why} (${err.code})`, {
        cause: err,
      });
    }
    throw err;
  }
}

function ioctlOrThrow(
  env: Env,
  fd: number,
  device: UacceDevice,
  request: number,
  what: string,
  arg?: Uint8Array,
): void {
  try {
    env.sys.ioctl(fd, request, arg);
  } catch (err) {
    if (err instanceof SysError) {
      const why = err.errno === Errno.ENXIO
        ? "the queue is dead"
        : err.errno === Errno.ENOTTY
        ? `${device.node.path} is not a uacce device node`
        : errnoText(err.errno);
      throw new WdError(`Cannot ${what} on "${device.name}": ${why} (${err.code})`, { cause: err });
    }
    throw err;
  }
}

/** `struct hisi_qp_ctx { __u16 id; __u16 qc_type; }` → the queue number. */
function setQpCtx(env: Env, fd: number, device: UacceDevice, qcType: QueueType): number {
  const arg = new Uint8Array(4);
  const view = new DataView(arg.buffer);
  view.setUint16(2, qcType, true);
  ioctlOrThrow(env, fd, device, UACCE_CMD_QM_SET_QP_CTX, "set the queue type", arg);
  return view.getUint16(0, true);
}

/**
 * `struct hisi_qp_info { __u32 sqe_size; __u16 sq_depth; __u16 cq_depth; __u64 reserved; }`.
 * Older kernels refuse it (EINVAL); UADK then assumes 128/1024/1024, and so do we.
 */
function qpInfo(
  env: Env,
  fd: number,
): Pick<QueueInfo, "sqeSize" | "sqDepth" | "cqDepth" | "infoFromKernel"> {
  const arg = new Uint8Array(16);
  try {
    env.sys.ioctl(fd, UACCE_CMD_QM_SET_QP_INFO, arg);
  } catch (err) {
    if (err instanceof SysError && (err.errno === Errno.EINVAL || err.errno === Errno.ENOTTY)) {
      return { ...DEFAULT_QP_INFO, infoFromKernel: false };
    }
    throw err;
  }
  const view = new DataView(arg.buffer);
  return {
    sqeSize: view.getUint32(0, true),
    sqDepth: view.getUint16(4, true),
    cqDepth: view.getUint16(6, true),
    infoFromKernel: true,
  };
}
