/**
 * A hisi_zip queue driven by hand through libc (open, ioctl, mmap, poll), for the guest's raw
 * ABI tests: every step separate, so a test can stop between any two or do them wrong.
 *
 * @module
 */

import { io, iowr } from "../../../src/ffi/ioctl.ts";
import type { Mapping } from "../../../src/ffi/mapping.ts";
import { libcSys, O_CLOEXEC, O_RDWR, POLLIN, type Sys } from "../../../src/ffi/sys.ts";
import {
  CQ_OFFSET,
  type Cqe,
  CQE_SIZE,
  decodeCqe,
  decodeSqe,
  DEPTH,
  doorbell,
  SQE_SIZE,
  type SqeResult,
} from "./sqe.ts";

/** `_IOWR('H', 10, struct hisi_qp_ctx)` (uapi misc/uacce/hisi_qm.h). */
export const SET_QP_CTX = iowr("H", 10, 4);
/** `_IOWR('H', 11, struct hisi_qp_info)`. */
export const SET_QP_INFO = iowr("H", 11, 16);
/** `_IO('W', 0)` (uapi misc/uacce/uacce.h). */
export const START_Q = io("W", 0);
/** `_IO('W', 1)`. */
export const PUT_Q = io("W", 1);
/** Region types: the mmap offset is type × page size. */
export const MMIO = 0;
/** Device user share: SQ, CQ and the status words. */
export const DUS = 1;
/** The v2 doorbell's offset in the MMIO region. */
export const DOORBELL_OFFSET = 0x1000;

/** One completion as the driver reads it. */
export interface Completion {
  /** The CQE. */
  cqe: Cqe;
  /** The SQE results in the slot it names. */
  result: SqeResult;
}

/** One open queue: an fd of /dev/<device> and whatever was done to it. */
export class RawQueue implements Disposable {
  /** The device (`hisi_zip-0`). */
  readonly device: string;
  /** The fd. */
  readonly fd: number;
  /** The queue number SET_QP_CTX returned (-1 before). */
  id = -1;
  /** The DUS mapping, once mapped. */
  dus: Mapping | undefined;
  /** The MMIO mapping, once mapped. */
  mmio: Mapping | undefined;
  /** The driver's SQ tail, CQ head and expected phase. */
  tail = 0;
  /** CQ head. */
  head = 0;
  /** Expected phase. */
  phase = 1;
  readonly #sys: Sys;
  #closed = false;

  private constructor(device: string, fd: number, sys: Sys) {
    this.device = device;
    this.fd = fd;
    this.#sys = sys;
  }

  /**
   * Opens a queue.
   *
   * @param device The device (`hisi_zip-0`).
   * @returns The queue.
   * @throws SysError (EBUSY when every queue is taken).
   */
  static open(device: string): RawQueue {
    const sys = libcSys();
    return new RawQueue(device, sys.open(`/dev/${device}`, O_RDWR | O_CLOEXEC), sys);
  }

  /** The region sizes sysfs advertises. */
  get sizes(): { mmio: number; dus: number } {
    const read = (name: string) =>
      Number(Deno.readTextFileSync(`/sys/class/uacce/${this.device}/${name}`));
    return { mmio: read("region_mmio_size"), dus: read("region_dus_size") };
  }

  /**
   * UACCE_CMD_QM_SET_QP_CTX.
   *
   * @param qcType 0 = compress, 1 = decompress.
   * @returns The queue number.
   */
  setCtx(qcType: number): number {
    const arg = new Uint8Array(4);
    new DataView(arg.buffer).setUint16(2, qcType, true);
    this.#sys.ioctl(this.fd, SET_QP_CTX, arg);
    this.id = new DataView(arg.buffer).getUint16(0, true);
    return this.id;
  }

  /**
   * UACCE_CMD_QM_SET_QP_INFO.
   *
   * @returns The SQE size and the depths.
   */
  info(): { sqeSize: number; sqDepth: number; cqDepth: number } {
    const arg = new Uint8Array(16);
    this.#sys.ioctl(this.fd, SET_QP_INFO, arg);
    const v = new DataView(arg.buffer);
    return {
      sqeSize: v.getUint32(0, true),
      sqDepth: v.getUint16(4, true),
      cqDepth: v.getUint16(6, true),
    };
  }

  /**
   * mmap of one region.
   *
   * @param type {@linkcode MMIO}, {@linkcode DUS}, or anything else to try.
   * @param length Bytes; defaults to the sysfs size.
   * @returns The mapping (also kept in `mmio` or `dus`).
   */
  map(type: number, length?: number): Mapping {
    const size = length ?? (type === MMIO ? this.sizes.mmio : this.sizes.dus);
    const m = this.#sys.mmap(this.fd, size, type * this.#sys.pageSize(), `region ${type}`);
    if (type === MMIO) this.mmio = m;
    if (type === DUS) this.dus = m;
    return m;
  }

  /**
   * Any other ioctl.
   *
   * @param request The request number.
   * @returns The result.
   */
  ioctl(request: number): number {
    return this.#sys.ioctl(this.fd, request);
  }

  /**
   * Opens the queue for work: SET_QP_CTX, both mappings, START.
   *
   * @param device The device.
   * @param qcType 0 = compress, 1 = decompress.
   * @returns The started queue.
   */
  static started(device: string, qcType: number): RawQueue {
    const q = RawQueue.open(device);
    try {
      q.setCtx(qcType);
      q.map(DUS);
      q.map(MMIO);
      q.ioctl(START_Q);
      return q;
    } catch (err) {
      q.close();
      throw err;
    }
  }

  /**
   * Writes the doorbell (one aligned 64-bit store).
   *
   * @param value The 64-bit doorbell word.
   */
  ring(value: bigint): void {
    Atomics.store(new BigUint64Array(this.mmio!.buffer, DOORBELL_OFFSET, 1), 0, value);
  }

  /**
   * Writes SQEs at the tail and rings the SQ doorbell once.
   *
   * @param sqes The SQEs.
   * @returns The slots used.
   */
  submit(...sqes: Uint8Array[]): number[] {
    const sq = new Uint8Array(this.dus!.buffer, 0, SQE_SIZE * DEPTH);
    const slots = sqes.map((sqe) => {
      const slot = this.tail;
      sq.set(sqe, slot * SQE_SIZE);
      this.tail = (slot + 1) % DEPTH;
      return slot;
    });
    this.ring(doorbell(this.id, 0, this.tail));
    return slots;
  }

  /** The CQE at a CQ index. */
  cqe(index: number): Cqe {
    return decodeCqe(new Uint8Array(this.dus!.buffer, CQ_OFFSET + index * CQE_SIZE, CQE_SIZE));
  }

  /** The SQE results in a slot. */
  result(slot: number): SqeResult {
    return decodeSqe(new Uint8Array(this.dus!.buffer, slot * SQE_SIZE, SQE_SIZE));
  }

  /**
   * Takes the completion at the CQ head if there is one, and acknowledges it (CQ doorbell).
   *
   * @returns The completion, or null when the head's phase is not the expected one.
   */
  take(): Completion | null {
    const w7 = new Uint16Array(this.dus!.buffer, CQ_OFFSET + this.head * CQE_SIZE + 14, 1);
    if ((Atomics.load(w7, 0) & 1) !== this.phase) return null;
    const cqe = this.cqe(this.head);
    const result = this.result(cqe.sqHead);
    this.head = (this.head + 1) % DEPTH;
    if (this.head === 0) this.phase ^= 1;
    this.ring(doorbell(this.id, 1, this.head));
    return { cqe, result };
  }

  /**
   * Waits for the next completion, sleeping in poll() as wd's driver does: before each sleep
   * it writes the CQ doorbell with priority 1 and then the SQ tail again (the doorbell page
   * of a fake device is RAM and keeps only the latest value).
   *
   * @param ms How long to wait at most.
   * @returns The completion.
   */
  async next(ms = 20_000): Promise<Completion> {
    const deadline = Date.now() + ms;
    for (;;) {
      const c = this.take();
      if (c !== null) return c;
      if (Date.now() > deadline) {
        throw new Error(`No completion on ${this.device} queue ${this.id} within ${ms} ms`);
      }
      this.ring(doorbell(this.id, 1, this.head, 1));
      this.ring(doorbell(this.id, 0, this.tail));
      await this.#sys.poll(this.fd, POLLIN, 100);
    }
  }

  /**
   * Submits one SQE and waits for its completion.
   *
   * @param sqe The SQE.
   * @returns What the device wrote back.
   */
  async run(sqe: Uint8Array): Promise<SqeResult> {
    const [slot] = this.submit(sqe);
    const c = await this.next();
    if (c.cqe.sqHead !== slot) throw new Error(`CQE names slot ${c.cqe.sqHead}, not ${slot}`);
    return c.result;
  }

  /**
   * poll(2) on the queue's fd.
   *
   * @param ms Timeout.
   * @returns revents (0 on timeout).
   */
  poll(ms: number): Promise<number> {
    return this.#sys.poll(this.fd, POLLIN, ms);
  }

  /** `ds_tx` (u32 at dus_size − 4) and `ds_rx` (u32 at dus_size − 8). */
  get status(): { dsTx: number; dsRx: number } {
    const v = new DataView(this.dus!.buffer);
    return { dsTx: v.getUint32(v.byteLength - 4, true), dsRx: v.getUint32(v.byteLength - 8, true) };
  }

  /** Unmaps both regions and closes the fd; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.dus?.unmap();
    this.mmio?.unmap();
    this.#sys.close(this.fd);
  }

  /** Same as {@linkcode RawQueue.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
