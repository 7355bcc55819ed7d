/**
 * The kernel half of the device model: what the uacce core and hisi_qm do for open, ioctl,
 * mmap, poll and close on a ZIP device node, with the 6.1 core's behaviour where kernels differ
 * (tests/vm/README.md): PUT_Q stops the queue back to INIT; a region cannot be mapped
 * twice on one fd, even after munmap (EEXIST).
 *
 * @module
 */

import { Errno } from "../../ffi/errno.ts";
import { Mapping } from "../../ffi/mapping.ts";
import { SysError } from "../../ffi/sys_error.ts";
import { POLLERR, POLLIN, POLLRDNORM, type Sys } from "../../ffi/sys.ts";
import {
  UACCE_CMD_PUT_Q,
  UACCE_CMD_QM_SET_QP_CTX,
  UACCE_CMD_QM_SET_QP_INFO,
  UACCE_CMD_START_Q,
  UACCE_QFRT_DUS,
  UACCE_QFRT_MMIO,
} from "../uacce/queue.ts";
import { H, MAX_QUEUES, Q, QSTATE, slotWord } from "./shared.ts";
import type { SimDeviceSpec } from "./sysfs.ts";

/** Depths the model's queues have (hisi_qm defaults). */
export const SIM_SQ_DEPTH = 1024;
/** CQ depth. */
export const SIM_CQ_DEPTH = 1024;
const SQE_SIZE = 128;

/** One device as the kernel side tracks it. */
export interface KernelDevice {
  /** Index in the device list. */
  index: number;
  /** Its spec. */
  spec: SimDeviceSpec;
  /** hisi_qm version. */
  hwVersion: number;
  /** Queues it has. */
  queues: number;
  /** Queue numbers in use. */
  used: Set<number>;
  /** Where the cyclic queue-number search starts. */
  nextQid: number;
}

/** The hooks the kernel side needs from the machine. */
export interface KernelHost {
  /** The libc layer for real memory. */
  base: Sys;
  /** The shared control words. */
  control: Int32Array;
  /** Starts the device thread if it is not running. */
  ensureDevice(): void;
  /** Publishes a device's free-queue count to sysfs. */
  publishAvailable(dev: KernelDevice): void;
  /** Whether every open must fail with EBUSY. */
  busy: boolean;
}

interface KernelQueue {
  fd: number;
  path: string;
  dev: KernelDevice;
  qid: number;
  slot: number;
  qcType: number;
  started: boolean;
  everMapped: Set<number>;
  dus: Mapping;
  mmio: Mapping;
  cqHead: number;
  phase: number;
}

let nextFd = 1 << 20; // far above real fds

/** The queues of the model, keyed by their fake fds. */
export class SimKernel {
  readonly #host: KernelHost;
  readonly #queues = new Map<number, KernelQueue>();
  readonly #slots = new Set<number>();

  /**
   * @param host Memory, shared words and sysfs hooks.
   */
  constructor(host: KernelHost) {
    this.#host = host;
  }

  /** Whether an fd is one of the model's queues. */
  owns(fd: number): boolean {
    return this.#queues.has(fd);
  }

  /** The path a queue fd was opened on. */
  pathOf(fd: number): string | undefined {
    return this.#queues.get(fd)?.path;
  }

  /** Open fds. */
  get openCount(): number {
    return this.#queues.size;
  }

  /**
   * open(2) of a device node: one open = one queue (`uacce_fops_open()` → `hisi_qm_create_qp()`).
   *
   * @param dev The device.
   * @param path The node path.
   * @param flags open flags.
   * @returns The fd.
   */
  open(dev: KernelDevice, path: string, flags: number): number {
    if ((flags & 3) !== 2) throw new SysError("open", Errno.EACCES, path); // uacce nodes need O_RDWR here
    if (this.#host.busy || dev.used.size >= dev.queues) {
      throw new SysError("open", Errno.EBUSY, path);
    }
    // hisi_qm allocates queue numbers cyclically (idr_alloc_cyclic): not the one just freed.
    let qid = dev.nextQid;
    while (dev.used.has(qid)) qid = (qid + 1) % dev.queues;
    dev.nextQid = (qid + 1) % dev.queues;
    let slot = 0;
    while (this.#slots.has(slot)) slot++;
    if (slot >= MAX_QUEUES) throw new SysError("open", Errno.EBUSY, path);
    const base = this.#host.base;
    const dus = base.mapAnonymous(dev.spec.dusSize, `model DUS of ${dev.spec.name} queue ${qid}`);
    const mmio = base.mapAnonymous(
      dev.spec.mmioSize,
      `model MMIO of ${dev.spec.name} queue ${qid}`,
    );
    const fd = nextFd++;
    dev.used.add(qid);
    this.#slots.add(slot);
    const ctl = this.#host.control;
    Atomics.store(ctl, H.SLOTS, Math.max(Atomics.load(ctl, H.SLOTS), slot + 1));
    this.#queues.set(fd, {
      fd,
      path,
      dev,
      qid,
      slot,
      qcType: 0,
      started: false,
      everMapped: new Set(),
      dus,
      mmio,
      cqHead: 0,
      phase: 1,
    });
    this.#host.publishAvailable(dev);
    return fd;
  }

  /**
   * ioctl(2): SET_QP_CTX, SET_QP_INFO, START_Q, PUT_Q (qm.c `hisi_qm_uacce_ioctl()`, uacce.c).
   *
   * @param fd The queue fd.
   * @param request The command.
   * @param arg The argument struct.
   * @returns 0.
   */
  ioctl(fd: number, request: number, arg?: Uint8Array): number {
    const q = this.#get(fd, "ioctl");
    const fail = (errno: number) =>
      new SysError(`ioctl 0x${request.toString(16)} on`, errno, q.path);
    switch (request) {
      case UACCE_CMD_QM_SET_QP_CTX: {
        if (arg === undefined || arg.length < 4) throw fail(Errno.EFAULT);
        const v = new DataView(arg.buffer, arg.byteOffset, 4);
        const type = v.getUint16(2, true);
        if (type > 1) throw fail(Errno.EINVAL);
        q.qcType = type;
        v.setUint16(0, q.qid, true);
        return 0;
      }
      case UACCE_CMD_QM_SET_QP_INFO: {
        if (arg === undefined || arg.length < 16) throw fail(Errno.EFAULT);
        const v = new DataView(arg.buffer, arg.byteOffset, 16);
        v.setUint32(0, SQE_SIZE, true);
        v.setUint16(4, SIM_SQ_DEPTH, true);
        v.setUint16(6, SIM_CQ_DEPTH, true);
        return 0;
      }
      case UACCE_CMD_START_Q:
        if (q.started) throw fail(Errno.EINVAL);
        this.#start(q);
        return 0;
      case UACCE_CMD_PUT_Q:
        this.#stop(q);
        return 0;
    }
    throw fail(Errno.EINVAL);
  }

  /**
   * mmap(2) of a region: offset = type × page size (`uacce_fops_mmap()`).
   *
   * @param fd The queue fd.
   * @param length Bytes.
   * @param offset Byte offset.
   * @param label For messages.
   * @returns A mapping over the queue's region.
   */
  mmap(fd: number, length: number, offset: number, label: string): Mapping {
    const q = this.#get(fd, "mmap");
    const page = this.#host.base.pageSize();
    const fail = (errno: number) => new SysError("mmap", errno, label);
    if (offset % page !== 0) throw fail(Errno.EINVAL);
    const type = offset / page;
    if (type !== UACCE_QFRT_MMIO && type !== UACCE_QFRT_DUS) throw fail(Errno.EINVAL);
    if (q.everMapped.has(type)) throw fail(Errno.EEXIST); // 6.1 keeps the slot after munmap
    const mem = type === UACCE_QFRT_DUS ? q.dus : q.mmio;
    if (type === UACCE_QFRT_DUS ? length !== mem.length : length > mem.length || length === 0) {
      throw fail(Errno.EINVAL);
    }
    q.everMapped.add(type);
    return new Mapping(Deno.UnsafePointer.create(mem.address)!, length, () => {}, label);
  }

  /**
   * poll(2): POLLIN when the device posted completions since the last poll
   * (qm.c `hisi_qm_is_q_updated()` walks the CQ with its own head and phase).
   *
   * @param fd The queue fd.
   * @param timeoutMs The longest to wait.
   * @returns revents.
   */
  async poll(fd: number, timeoutMs: number): Promise<number> {
    const q = this.#get(fd, "poll");
    const ctl = this.#host.control;
    const word = slotWord(q.slot, Q.POSTED);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(ctl, word);
      if (this.#updated(q)) return POLLIN | POLLRDNORM;
      if (this.#stopped(q)) return POLLERR; // the device stopped the queue (ds_tx/ds_rx)
      const left = deadline - performance.now();
      if (left <= 0 || !this.#queues.has(fd)) return 0;
      Atomics.add(ctl, H.WAKE, 1); // the device may be in its idle sleep: wake it to read doorbells
      Atomics.notify(ctl, H.WAKE);
      const w = Atomics.waitAsync(ctl, word, seen, left);
      if (!w.async) continue;
      // Neither Atomics.waitAsync nor the device thread (an unref'd worker) keeps the event
      // loop alive: a timer does, as a real poll(2) in flight does. It outlasts the wait (whose
      // own timeout is V8's, not the loop's) and is cleared when the wait ends.
      const alive = setTimeout(() => {}, Math.min(left + 1000, 0x7fffffff));
      try {
        await w.value;
      } finally {
        clearTimeout(alive);
      }
    }
  }

  /**
   * close(2): stops the queue, frees it, and gives the queue back to the device's pool.
   *
   * @param fd The queue fd.
   */
  close(fd: number): void {
    const q = this.#get(fd, "close");
    this.#stop(q);
    this.#queues.delete(fd);
    this.#slots.delete(q.slot);
    q.dev.used.delete(q.qid);
    q.dus.unmap();
    q.mmio.unmap();
    this.#host.publishAvailable(q.dev);
  }

  /** Closes every queue (machine shutdown). */
  closeAll(): void {
    for (const fd of [...this.#queues.keys()]) this.close(fd);
  }

  #get(fd: number, op: string): KernelQueue {
    const q = this.#queues.get(fd);
    if (q === undefined) throw new SysError(op, Errno.EBADF, `fd ${fd}`);
    return q;
  }

  #stopped(q: KernelQueue): boolean {
    const status = new Uint32Array(q.dus.buffer, q.dus.length - 8, 2);
    return status[0] === 1 || status[1] === 1;
  }

  #updated(q: KernelQueue): boolean {
    const cq = new Uint16Array(q.dus.buffer, SIM_SQ_DEPTH * SQE_SIZE, SIM_CQ_DEPTH * 8);
    let updated = false;
    while ((Atomics.load(cq, q.cqHead * 8 + 7) & 1) === q.phase) {
      updated = true;
      if (++q.cqHead === SIM_CQ_DEPTH) {
        q.cqHead = 0;
        q.phase ^= 1;
      }
    }
    return updated;
  }

  #start(q: KernelQueue): void {
    this.#host.ensureDevice();
    const ctl = this.#host.control;
    const set = (f: number, v: number) => Atomics.store(ctl, slotWord(q.slot, f), v);
    const split = (a: bigint) => [Number(a & 0xffffffffn) | 0, Number(a >> 32n) | 0] as const;
    const [dl, dh] = split(q.dus.address);
    const [ml, mh] = split(q.mmio.address);
    // hisi_qm zeroes the CQ when the queue is created (the anonymous mapping is zero), not at START:
    // after PUT_Q and START the old CQEs look like new ones, as on the 6.1 rig. Never restart.
    new Uint8Array(q.mmio.buffer).fill(0); // a fresh doorbell: the device compares against 0
    q.cqHead = 0;
    q.phase = 1;
    set(Q.QID, q.qid);
    set(Q.QC_TYPE, q.qcType);
    set(Q.DEVICE, q.dev.index);
    set(Q.HW_VERSION, q.dev.hwVersion);
    set(Q.DUS_LO, dl);
    set(Q.DUS_HI, dh);
    set(Q.MMIO_LO, ml);
    set(Q.MMIO_HI, mh);
    set(Q.DUS_SIZE, q.dus.length);
    set(Q.SQ_DEPTH, SIM_SQ_DEPTH);
    set(Q.CQ_DEPTH, SIM_CQ_DEPTH);
    Atomics.add(ctl, slotWord(q.slot, Q.GENERATION), 1);
    set(Q.STATE, QSTATE.STARTED);
    Atomics.add(ctl, H.WAKE, 1);
    Atomics.notify(ctl, H.WAKE);
    q.started = true;
  }

  /** Takes the queue from the device and waits until the device has let go of its memory. */
  #stop(q: KernelQueue): void {
    if (!q.started) return;
    q.started = false;
    const ctl = this.#host.control;
    const gen = Atomics.load(ctl, slotWord(q.slot, Q.GENERATION));
    Atomics.store(ctl, slotWord(q.slot, Q.STATE), QSTATE.STOPPING);
    Atomics.add(ctl, H.WAKE, 1);
    Atomics.notify(ctl, H.WAKE);
    const ack = slotWord(q.slot, Q.ACK);
    // The device acks between requests (it never sleeps on one), so this is short; the
    // deadline only keeps a crashed device thread from hanging the process.
    const deadline = performance.now() + 30_000;
    while (
      Atomics.load(ctl, ack) !== gen && Atomics.load(ctl, H.RUN) === 1 &&
      performance.now() < deadline
    ) {
      Atomics.wait(ctl, ack, Atomics.load(ctl, ack), 1);
    }
    Atomics.store(ctl, slotWord(q.slot, Q.STATE), QSTATE.FREE);
  }
}
