/**
 * A ZIP queue with many requests in flight: SQEs go into the ring, one doorbell covers every SQE
 * written in the same turn of the event loop, and a single reaper resolves each request's promise
 * in order. The request keeps its buffers referenced until its completion is reaped, so nothing
 * the device reads or writes can be freed under it.
 *
 * @module
 */

import type { Env } from "../../env.ts";
import { QmRing, QueueDeadError } from "../hisi_qm/ring.ts";
import type { DmaBuffer } from "./dma.ts";
import { completionTimeoutMs, MAX_TIMEOUT_MS } from "./timeout.ts";
import type { UacceDevice } from "../uacce/device.ts";
import {
  checkQueueOptions,
  directionOf,
  type OpenQueueOptions,
  UacceQueue,
} from "../uacce/queue.ts";
import { checkInteger } from "../../validate.ts";
import {
  ALG_CODE,
  decodeSqeResult,
  encodeSqe,
  type SqeRequest,
  type SqeResult,
  sqeTypeFor,
  type ZipAlg,
} from "./sqe.ts";

/**
 * What a request names besides its SQE: every buffer the device touches, kept alive until the
 * request completes (or, on a queue that died, until the queue is released).
 */
export type Keep = DmaBuffer[];

/** A request: the SQE fields the caller chooses (type, algorithm code and tag are filled in). */
export type ZipRequest = Omit<SqeRequest, "sqeType" | "tag" | "alg"> & { alg: ZipAlg };

/**
 * A request with every field not given at its neutral value: one stateless last block of a new
 * stream, a 32 KiB window (decompression ignores it, docs/hisi_zip_sqe.md §9), no buffers, no
 * context, zero running checksum and ISIZE.
 *
 * @param fields The algorithm and whatever differs.
 * @returns The request.
 */
export function zipRequest(fields: Pick<ZipRequest, "alg"> & Partial<ZipRequest>): ZipRequest {
  return {
    last: true,
    stateful: false,
    newStream: true,
    window: 4,
    inputLength: 0,
    destAvail: 0,
    src: 0,
    dst: 0,
    ctx: 0,
    ctxDw0: 0,
    ctxDw1: 0,
    ctxDw2: 0,
    isize: 0,
    checksum: 0,
    ...fields,
  };
}

/** Longest stretch a busy queue keeps the event loop from timers and signal handlers, in ms. */
const EVENT_LOOP_TURN_MS = 20;

/** Options of {@linkcode ZipQueue.open}. */
export interface ZipQueueOptions extends OpenQueueOptions {
  /** Longest wait for a completion before the queue dies, in ms (`WD_TIMEOUT_MS`, else 5000). */
  timeoutMs?: number | undefined;
}

interface Pending {
  resolve: (r: SqeResult) => void;
  reject: (e: unknown) => void;
  keep: Keep;
}

/** One queue of a ZIP device and the requests in flight on it. */
export class ZipQueue implements Disposable {
  /** The uacce queue. */
  readonly queue: UacceQueue;
  readonly #ring: QmRing;
  readonly #pending: (Pending | undefined)[];
  readonly #timeoutMs: number;
  readonly #spaceWaiters: (() => void)[] = [];
  /** Buffers of requests in flight when the queue died: the device may still touch them. */
  readonly #quarantine: DmaBuffer[] = [];
  #dead: unknown;
  #pumping = false;
  #ringScheduled = false;

  private constructor(queue: UacceQueue, env: Env, timeoutMs: number) {
    this.queue = queue;
    this.#ring = new QmRing({
      fd: queue.fd,
      qid: queue.info.qid,
      sqeSize: queue.info.sqeSize,
      sqDepth: queue.info.sqDepth,
      cqDepth: queue.info.cqDepth,
      hwVersion: queue.device.hwVersion ?? 2,
      dus: queue.dus,
      mmio: queue.mmio,
    }, env.sys);
    this.#pending = new Array(queue.info.sqDepth);
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Opens and starts a queue on a device.
   *
   * @param env The environment.
   * @param device The device, by name or as discovery read it.
   * @param options Direction (default: compress) and timeout.
   * @returns The queue.
   * @throws WdError as {@linkcode UacceQueue.open} does, and (usage) for a bad `WD_TIMEOUT_MS`.
   */
  static open(env: Env, device: UacceDevice | string, options: ZipQueueOptions = {}): ZipQueue {
    checkQueueOptions("ZipQueue.open", options, ["timeoutMs"]);
    checkInteger("ZipQueue.open", "timeoutMs", options.timeoutMs, { min: 1, max: MAX_TIMEOUT_MS });
    const timeoutMs = options.timeoutMs ?? completionTimeoutMs(env);
    const q = UacceQueue.open(env, device, { direction: directionOf(options) });
    try {
      return new ZipQueue(q, env, timeoutMs);
    } catch (err) {
      q.release();
      throw err;
    }
  }

  /** Requests in flight. */
  get inFlight(): number {
    return this.#ring.outstanding;
  }

  /** Free SQ slots. */
  get free(): number {
    return this.#ring.free;
  }

  /** Why the queue died, if it did. */
  get dead(): unknown {
    return this.#dead;
  }

  /**
   * Submits a request; resolves with the device's results when it completes. Waits for a free
   * slot when the ring is full, and for the kernel to walk its CQ head when the device could
   * otherwise lap it ({@linkcode QmRing.needsSync}).
   *
   * @param req The request.
   * @param keep Whatever the device touches (buffers), held until completion.
   * @returns The results.
   * @throws QueueDeadError when the queue dies before the request completes.
   */
  async submit(req: ZipRequest, keep: Keep): Promise<SqeResult> {
    for (;;) {
      if (this.#dead !== undefined) throw this.#dead;
      if (this.#ring.free === 0) {
        await new Promise<void>((r) => this.#spaceWaiters.push(r));
      } else if (this.#ring.needsSync) {
        await this.#ring.sync().catch((err) => this.#die(err));
      } else break;
    }
    const slot = this.#ring.tail;
    const sqeType = sqeTypeFor(req.alg, this.queue.device.hwVersion ?? 2);
    encodeSqe(this.#ring.sq, this.#ring.slotBase(slot), {
      ...req,
      alg: ALG_CODE[req.alg],
      sqeType,
      tag: slot,
    });
    const done = new Promise<SqeResult>((resolve, reject) => {
      this.#pending[slot] = { resolve, reject, keep };
    });
    this.#ring.push();
    this.#scheduleRing();
    return done;
  }

  /** Rings once for every SQE written in this turn, then makes sure someone reaps. */
  #scheduleRing(): void {
    if (this.#ringScheduled) return;
    this.#ringScheduled = true;
    queueMicrotask(() => {
      this.#ringScheduled = false;
      try {
        this.#ring.ring();
      } catch (err) {
        this.#die(err);
        return;
      }
      if (!this.#pumping) this.#pump();
    });
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    let turned = performance.now();
    try {
      while (this.#ring.outstanding > 0 && this.#dead === undefined) {
        if (this.#reap() > 0) {
          // Let the requests just resolved run on: they submit more work before we spin. A
          // busy queue would otherwise never give the event loop a turn: now and then, let
          // timers and signal handlers (Ctrl-C) run too.
          if (performance.now() - turned < EVENT_LOOP_TURN_MS) await null;
          else {
            await new Promise((r) => setTimeout(r, 0));
            turned = performance.now();
          }
          continue;
        }
        const ready = await this.#ring.wait(this.#timeoutMs);
        if (this.#reap() > 0) continue;
        if (this.#ring.rxDisabled || this.#ring.txDisabled) {
          throw new QueueDeadError(
            `queue ${this.queue.info.qid} of ${this.queue.device.name} was stopped by the device (${
              this.#ring.txDisabled ? "ds_tx" : "ds_rx"
            })`,
          );
        }
        if (!ready) {
          throw new QueueDeadError(
            `no completion from ${this.queue.device.name} queue ${this.queue.info.qid} in ${this.#timeoutMs} ms`,
          );
        }
      }
    } catch (err) {
      this.#die(err);
    } finally {
      this.#pumping = false;
    }
  }

  #reap(): number {
    return this.#ring.reap((slot) => {
      const p = this.#pending[slot];
      this.#pending[slot] = undefined;
      p?.resolve(decodeSqeResult(this.#ring.sq, this.#ring.slotBase(slot)));
      this.#spaceWaiters.shift()?.();
    });
  }

  #die(err: unknown): void {
    if (this.#dead !== undefined) return;
    this.#dead = err instanceof QueueDeadError
      ? err
      : new QueueDeadError(err instanceof Error ? err.message : String(err));
    for (const [i, p] of this.#pending.entries()) {
      if (p === undefined) continue;
      this.#pending[i] = undefined;
      for (const b of p.keep) {
        b.hold(); // until release(): the device may still read or write it
        this.#quarantine.push(b);
      }
      p.reject(this.#dead);
    }
    for (const w of this.#spaceWaiters.splice(0)) w();
  }

  /** Releases the queue. In-flight requests are rejected first; the kernel drains the rest. */
  release(): void {
    if (this.queue.released) return;
    this.#die(new QueueDeadError("the queue was released"));
    try {
      this.queue.release(); // the kernel stops the queue: the device lets go of our memory
    } finally {
      for (const b of this.#quarantine.splice(0)) b.unhold();
    }
  }

  /** Same as {@linkcode ZipQueue.release}. */
  [Symbol.dispose](): void {
    this.release();
  }
}
