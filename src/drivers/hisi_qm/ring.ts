/**
 * The hisi_qm submission and completion rings of one queue.
 *
 * SQ at DUS offset 0 (`sq_depth` × `sqe_size`), CQ right after it (`cq_depth` × 16 B), the
 * `ds_tx`/`ds_rx` words in the last 8 bytes of the DUS (docs/hisi_qm_queue.md §4). Submission:
 * write SQEs at the tail, fence, one 64-bit SQ doorbell with the new tail (§6). Completion:
 * the CQE at the head is new when its phase bit equals the expected phase, which starts at 1 and
 * flips when the head wraps (§7); the device wrote its results into the SQ slot the CQE names.
 *
 * @module
 */

import { WdError } from "../../errors.ts";
import type { Sys } from "../../ffi/sys.ts";
import { POLLIN, POLLRDNORM } from "../../ffi/sys.ts";
import type { Mapping } from "../../ffi/mapping.ts";
import { DB_CMD_CQ, DB_CMD_SQ, type DoorbellLayout, doorbellLayout } from "./doorbell.ts";

/** CQE size in bytes (`struct qm_cqe`). */
export const CQE_SIZE = 16;
/** u16 index of `sq_head` inside a CQE (byte 8). */
const CQE_SQ_HEAD = 4;
/** u16 index of `w7` inside a CQE (byte 14); bit 0 is the phase. */
const CQE_W7 = 7;

/** The queue a ring runs on. */
export interface RingQueue {
  /** Device node fd, for poll(). */
  fd: number;
  /** Queue number (the doorbell's qn). */
  qid: number;
  /** SQE size. */
  sqeSize: number;
  /** SQ depth. */
  sqDepth: number;
  /** CQ depth. */
  cqDepth: number;
  /** hisi_qm hardware version. */
  hwVersion: number;
  /** The DUS mapping. */
  dus: Mapping;
  /** The MMIO mapping. */
  mmio: Mapping;
}

/**
 * Why a queue can no longer be used (reset, hardware error, lost completion, timeout).
 *
 * @example A queue the device stopped
 * ```ts
 * import { QueueDeadError, simulatedEnv, ZipSession } from "@wd/wd";
 * await using env = simulatedEnv("ds_tx@1"); // the device stops the queue after request 1
 * using s = ZipSession.open(env, "hisi_zip-4", { timeoutMs: 2000 });
 * const data = new Uint8Array(4096);
 * await s.compressBlock(data);
 * const err = await s.compressBlock(data).then(() => null, (e) => e);
 * console.log(err instanceof QueueDeadError); // true
 * ```
 */
export class QueueDeadError extends WdError {
  /**
   * Makes the error.
   *
   * @param message What happened to the queue.
   */
  constructor(message: string) {
    super(`Cannot use the queue: ${message}`, {
      hint: "run wd doctor; the auto engine (wd zip's default) continues in software",
    });
    this.name = "QueueDeadError";
  }
}

/**
 * How long the waiter spins on the phase bit before it sleeps in poll(), in ms: about one
 * 8 KiB request on Kunpeng 920 (~15 µs, docs/hisi_zip_sqe.md §11), so a busy queue never sleeps
 * and an idle one costs little.
 */
const SPIN_MS = 0.02;

/**
 * The rings of one started queue. Single-threaded: one owner submits and reaps.
 */
export class QmRing {
  /** The SQ as dwords, for SQE codecs (slot i at dword i × sqeSize / 4). */
  readonly sq: Uint32Array;
  readonly #cq: Uint16Array;
  readonly #status: Uint32Array;
  readonly #db: BigUint64Array;
  readonly #dbIndex: number;
  readonly #layout: DoorbellLayout;
  readonly #q: RingQueue;
  readonly #sys: Sys;
  #tail = 0;
  #head = 0;
  #outstanding = 0;
  #cqHead = 0;
  #phase = 1;
  #unrung = 0;
  /** Requests pushed, ever. */
  #pushed = 0;
  /** Requests reaped when the kernel last walked the CQ (the start of the last poll). */
  #walkedTo = 0;
  #reaped = 0;
  #syncing: Promise<void> | undefined;

  /**
   * Lays the rings over a started queue's regions.
   *
   * @param q The queue.
   * @param sys The syscall layer (for poll()).
   */
  constructor(q: RingQueue, sys: Sys) {
    const sqBytes = q.sqeSize * q.sqDepth;
    const dus = q.dus.buffer;
    if (dus.byteLength < sqBytes + CQE_SIZE * q.cqDepth + 8) {
      throw new QueueDeadError(`DUS region of ${dus.byteLength} bytes cannot hold the rings`);
    }
    this.#q = q;
    this.#sys = sys;
    this.sq = new Uint32Array(dus, 0, sqBytes / 4);
    this.#cq = new Uint16Array(dus, sqBytes, (CQE_SIZE * q.cqDepth) / 2);
    this.#status = new Uint32Array(dus, dus.byteLength - 8, 2); // [ds_rx, ds_tx]
    this.#layout = doorbellLayout(q.hwVersion);
    this.#db = new BigUint64Array(q.mmio.buffer);
    this.#dbIndex = this.#layout.offset / 8;
  }

  /** SQEs that can be submitted now (one slot always stays free). */
  get free(): number {
    return this.#q.sqDepth - 1 - this.#outstanding;
  }

  /** Requests submitted and not yet reaped. */
  get outstanding(): number {
    return this.#outstanding;
  }

  /** The slot the next SQE goes into; fill it, then call {@linkcode QmRing.push}. */
  get tail(): number {
    return this.#tail;
  }

  /** The dword index of a slot's SQE. */
  slotBase(slot: number): number {
    return (slot * this.#q.sqeSize) >>> 2;
  }

  /** `ds_tx` = 1: the send side is disabled (reset or error). */
  get txDisabled(): boolean {
    return Atomics.load(this.#status, 1) === 1;
  }

  /** `ds_rx` = 1: the receive side is disabled. */
  get rxDisabled(): boolean {
    return Atomics.load(this.#status, 0) === 1;
  }

  /**
   * Accounts the SQE just written at the tail; the doorbell waits for {@linkcode QmRing.ring},
   * so several SQEs share one.
   *
   * @throws QueueDeadError when the ring is full (a caller bug).
   */
  push(): void {
    if (this.free <= 0) {
      throw new QueueDeadError("SQ full: a request was written without a free slot");
    }
    this.#tail = (this.#tail + 1) % this.#q.sqDepth;
    this.#outstanding++;
    this.#unrung++;
    this.#pushed++;
  }

  /**
   * Whether the next push must wait for {@linkcode QmRing.sync}. The kernel keeps its own CQ
   * head, which only poll() moves (hisi_qm `hisi_qm_is_q_updated()` walks while the phase bit
   * matches). A driver that reaps by spinning leaves it behind; once the device has written a
   * whole CQ's worth of entries past it, the entry under it carries the next lap's phase, and
   * poll() sees nothing new until the device laps it again: a sleep in poll() would last its
   * whole timeout. The device can have written at most the requests pushed since the kernel
   * last looked, beyond those reaped by then, so that count stays below the CQ depth.
   */
  get needsSync(): boolean {
    return this.#pushed + 1 - this.#walkedTo >= this.#q.cqDepth;
  }

  /**
   * Lets the kernel walk its CQ head up to the device's (a poll() that does not sleep).
   * Concurrent callers share one call.
   *
   * @throws SysError when poll() fails.
   */
  sync(): Promise<void> {
    return this.#syncing ??= this.#poll(0).then(() => {}).finally(() => {
      this.#syncing = undefined;
    });
  }

  /** poll(2) on the queue; the kernel walks its CQ head at least once during the call. */
  #poll(timeoutMs: number): Promise<number> {
    this.#walkedTo = this.#reaped;
    return this.#sys.poll(this.#q.fd, POLLIN | POLLRDNORM, timeoutMs);
  }

  /**
   * Rings the SQ doorbell for every SQE pushed since the last ring.
   *
   * @throws QueueDeadError when the queue's send side was disabled.
   */
  ring(): void {
    if (this.#unrung === 0) return;
    if (this.txDisabled) {
      throw new QueueDeadError(
        "the queue's send side is disabled (ds_tx): reset or hardware error",
      );
    }
    this.#unrung = 0;
    this.#doorbell(DB_CMD_SQ, this.#tail, 0);
  }

  /**
   * Reaps every completion the device has posted, in order.
   *
   * @param onComplete Called with the SQ slot of each completed request, oldest first.
   * @returns How many were reaped.
   * @throws QueueDeadError on a corrupt CQE, an out-of-order completion, or `ds_rx`.
   */
  reap(onComplete: (slot: number) => void): number {
    let n = 0;
    const cq = this.#cq;
    for (;;) {
      const e = this.#cqHead * 8;
      if ((Atomics.load(cq, e + CQE_W7) & 1) !== this.#phase) break;
      // The Atomics load above orders the CQE and SQE reads after it (rmb, §8).
      const slot = cq[e + CQE_SQ_HEAD]!;
      if (slot >= this.#q.sqDepth) {
        throw new QueueDeadError(`CQE names SQ slot ${slot} of ${this.#q.sqDepth}`);
      }
      if (slot !== this.#head) {
        throw new QueueDeadError(
          `the device completed slot ${slot} before slot ${this.#head}: a completion was lost`,
        );
      }
      this.#head = (this.#head + 1) % this.#q.sqDepth;
      this.#outstanding--;
      this.#reaped++;
      if (++this.#cqHead === this.#q.cqDepth) {
        this.#cqHead = 0;
        this.#phase ^= 1;
      }
      n++;
      onComplete(slot);
    }
    if (n > 0) {
      if (this.rxDisabled) {
        throw new QueueDeadError(
          "the queue's receive side is disabled (ds_rx): reset or hardware error",
        );
      }
      this.#doorbell(DB_CMD_CQ, this.#cqHead, 0);
    }
    return n;
  }

  /** Whether a completion is waiting at the head. */
  get completionReady(): boolean {
    return (Atomics.load(this.#cq, this.#cqHead * 8 + CQE_W7) & 1) === this.#phase;
  }

  /**
   * Waits for a completion: spins on the phase bit briefly, then re-arms the interrupt (CQ
   * doorbell with priority 1), writes the SQ tail again (the fake devices read doorbells from
   * RAM, docs/zip_device_model.md; hardware ignores a repeated tail) and sleeps in poll(2).
   *
   * @param timeoutMs The longest to sleep.
   * @returns False on timeout; true when poll reported something (a completion, or an error the
   *   caller finds in the status words).
   */
  async wait(timeoutMs: number): Promise<boolean> {
    const spinUntil = performance.now() + SPIN_MS;
    for (let i = 1; !this.completionReady; i++) {
      if ((i & 63) === 0 && performance.now() > spinUntil) break;
    }
    if (this.completionReady) return true;
    if (this.rxDisabled) return false;
    this.#doorbell(DB_CMD_CQ, this.#cqHead, 1);
    this.#doorbell(DB_CMD_SQ, this.#tail, 0);
    if (this.completionReady) return true;
    const revents = await this.#poll(timeoutMs);
    return revents !== 0 || this.completionReady;
  }

  #doorbell(cmd: number, index: number, priority: number): void {
    // INFERRED (docs/hisi_zip_assumptions.md §3.1): a seq-cst Atomics store is one aligned
    // 64-bit store and orders the SQE writes before it; UADK uses `dsb sy`. Unverified on arm64.
    Atomics.store(this.#db, this.#dbIndex, this.#layout.encode(this.#q.qid, cmd, index, priority));
  }
}
