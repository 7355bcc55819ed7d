/**
 * A pool of deflate workers (pigz's design): blocks go to the least busy worker, results come
 * back as promises, the caller writes them in order. Input and output buffers are transferred,
 * not copied, both ways. Workers start on first use, so small inputs that never need them do
 * not pay their start-up, or earlier, when the command line says they will be needed
 * ({@linkcode prestartWorkers}); they are all terminated when the pool is disposed, whatever
 * happened.
 *
 * @module
 */

import type { Format } from "../engine.ts";
import { ZipDataError, type ZipDataErrorKind } from "../errors.ts";
import type { BlockJob, CodecName } from "./codec.ts";

/** A block sent to a worker. */
export interface BlockRequest extends BlockJob {
  /** Job id. */
  id: number;
  /** The codec to use. */
  codec: CodecName;
  /** The container, for the block's checksum. */
  format: Format;
  /** A buffer to write the output into (the worker allocates one when absent). */
  out?: Uint8Array | undefined;
}

/** A compressed block: the deflate bytes, the block's checksum, and the input buffer back. */
export interface BlockResult {
  /** The input block (its buffer, given back for reuse). */
  data: Uint8Array;
  /** Raw deflate bytes (a view of a whole buffer, for reuse once written). */
  out: Uint8Array;
  /** The block's checksum (CRC-32, Adler-32 or 0). */
  check: number;
  /** The block's uncompressed length. */
  length: number;
}

/** A whole gzip member's deflate data, of known size, sent to a worker to inflate. */
export interface InflateRequest {
  /** Job id. */
  id: number;
  /** The codec to inflate with. */
  inflate: CodecName;
  /** The deflate data. */
  data: Uint8Array;
  /** Its uncompressed size. */
  size: number;
  /** Where to write (at least `size + 1` bytes), transferred. */
  out?: Uint8Array | undefined;
}

/** An inflated member. */
export interface InflateResult {
  /** The deflate data's buffer, given back. */
  data: Uint8Array;
  /** The uncompressed bytes. */
  out: Uint8Array;
  /** Their CRC-32. */
  crc: number;
}

/** A failure, with the ZipDataError kind when the data was at fault. */
export interface JobError {
  /** Job id. */
  id: number;
  /** What went wrong. */
  error: string;
  /** The kind of data error, if it was one. */
  kind?: ZipDataErrorKind | undefined;
}

/** What a worker sends back: a block, a member, or a failure. */
export type BlockReply =
  | (BlockResult & { id: number })
  | (InflateResult & { id: number })
  | JobError;

/**
 * Index, in a worker's status array, of 1 once the codec it was last asked for is loaded. A
 * worker tells its pool how it stands through shared memory (an Int32Array over a
 * SharedArrayBuffer the pool sends it first), which the pool reads at once, without waiting
 * for a message to be handled: a turn of the event loop costs ~0.2 ms between blocks.
 */
export const STATUS_READY = 0;
/** Index, in a worker's status array, of the count of jobs it has finished. */
export const STATUS_DONE = 1;

/** The messages a worker takes. */
export type WorkerMessage =
  | BlockRequest
  | InflateRequest
  | { warm: CodecName }
  | { status: SharedArrayBuffer };

interface Pending {
  resolve(r: BlockResult | InflateResult): void;
  reject(e: Error): void;
  worker: number;
}

const WORKER_URL = new URL("./deflate_worker.ts", import.meta.url);

/** A worker, what it shares with this thread, and what it was sent. */
interface Slot {
  worker: Worker;
  /** [STATUS_READY], [STATUS_DONE], written by the worker. */
  status: Int32Array;
  /** The codec it was last asked to load. */
  codec: CodecName | undefined;
  /** Jobs sent to it. */
  posted: number;
  /** Whether it failed before a pool took it. */
  failed: boolean;
}

/** Starts a worker and hands it its status array. */
function startWorker(): Slot {
  const worker = new Worker(WORKER_URL, { type: "module" });
  const status = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  worker.postMessage({ status: status.buffer as SharedArrayBuffer } satisfies WorkerMessage);
  return { worker, status, codec: undefined, posted: 0, failed: false };
}

/** Asks a worker to load `codec`; its status says when it has. */
function warmSlot(slot: Slot, codec: CodecName): void {
  if (slot.codec === codec) return;
  slot.codec = codec;
  Atomics.store(slot.status, STATUS_READY, 0);
  slot.worker.postMessage({ warm: codec } satisfies WorkerMessage);
}

/** Workers started by {@linkcode prestartWorkers}, not yet taken by a pool. */
const early: Slot[] = [];

/**
 * Starts deflate workers now, loading `codec`, for the next pool that starts workers to take
 * over. A worker takes tens of milliseconds to start (an isolate, its modules, node:zlib);
 * started while the rest of the program loads, it is ready for the first block. Workers no
 * pool takes are ended by {@linkcode discardPrestarted}.
 *
 * @param count How many workers (at most; more calls do not add to them).
 * @param codec The codec they should load.
 */
export function prestartWorkers(count: number, codec: CodecName): void {
  for (let i = early.length; i < count; i++) {
    const slot = startWorker();
    slot.worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault(); // a pool starts a fresh worker, whose failure is reported
      slot.failed = true;
    };
    warmSlot(slot, codec);
    early.push(slot);
  }
}

/**
 * Ends the prestarted workers no pool took.
 *
 * @returns How many.
 */
export function discardPrestarted(): number {
  const left = early.splice(0);
  for (const e of left) e.worker.terminate();
  return left.length;
}

/** A prestarted worker that has not failed, if any is left. */
function takeEarly(): Slot | undefined {
  for (let e = early.shift(); e !== undefined; e = early.shift()) {
    if (!e.failed) return e;
    e.worker.terminate();
  }
  return undefined;
}

/** Worker threads that compress blocks. */
export class DeflatePool implements AsyncDisposable {
  readonly #size: number;
  #slots: Slot[] = [];
  #pending = new Map<number, Pending>();
  #nextId = 0;
  #closed = false;
  #warmed = false;

  /**
   * Makes a pool; no thread starts until the first block.
   *
   * @param size How many workers.
   */
  constructor(size: number) {
    this.#size = Math.max(0, size);
  }

  /** How many workers the pool runs at most. */
  get size(): number {
    return this.#size;
  }

  /**
   * Workers that have started and loaded their codec (see {@linkcode DeflatePool.warm}),
   * known at once: the workers say so in shared memory.
   */
  get ready(): number {
    return this.#slots.filter((w) => Atomics.load(w.status, STATUS_READY) === 1).length;
  }

  /**
   * Jobs sent and not yet finished, known at once (the workers count them in shared memory):
   * a finished job's result may still wait for this thread to take its message.
   */
  get inFlight(): number {
    return this.#slots.reduce((n, w) => n + this.#queued(w), 0);
  }

  /**
   * Compresses a block on a worker. `job.data` and `out` must each be a whole ArrayBuffer:
   * both are transferred (detached here) and come back in the result.
   *
   * @param job The block.
   * @param options The codec, the container (for the checksum), and the output buffer.
   * @returns The compressed block.
   */
  run(
    job: BlockJob,
    options: { codec: CodecName; format: Format; out?: Uint8Array | undefined },
  ): Promise<BlockResult> {
    const req: BlockRequest = { ...job, ...options, id: this.#nextId++ };
    return this.#post(req, [job.data, options.out]) as Promise<BlockResult>;
  }

  /**
   * Inflates a whole member on a worker. `data` is transferred.
   *
   * @param data The member's deflate data (its buffer is transferred).
   * @param options Its uncompressed size, the codec, and where to write (transferred).
   * @returns The bytes and their CRC-32, and `data` given back.
   * @throws ZipDataError when the data does not inflate to exactly `size` bytes.
   */
  inflate(
    data: Uint8Array,
    options: { size: number; codec: CodecName; out?: Uint8Array | undefined },
  ): Promise<InflateResult> {
    const { codec, size, out } = options;
    const req: InflateRequest = { id: this.#nextId++, inflate: codec, data, size, out };
    return this.#post(req, [data, out]) as Promise<InflateResult>;
  }

  /** Sends a job to the least busy worker, transferring the buffers of `views`. */
  #post(
    req: BlockRequest | InflateRequest,
    views: (Uint8Array | undefined)[],
  ): Promise<BlockResult | InflateResult> {
    if (this.#closed) return Promise.reject(new Error("The deflate pool is closed"));
    if (this.#size === 0) return Promise.reject(new Error("The deflate pool has no workers"));
    this.#start();
    const transfer = views.filter((v) => v !== undefined).map((v) => v.buffer as ArrayBuffer);
    const w = this.#leastBusy();
    return new Promise((resolve, reject) => {
      this.#pending.set(req.id, { resolve, reject, worker: w });
      const slot = this.#slots[w]!;
      slot.posted++;
      slot.worker.postMessage(req satisfies WorkerMessage, transfer);
    });
  }

  /**
   * Starts the workers now and has them load `codec`; each says when it is ready (a worker
   * takes tens of milliseconds to start, while the caller can compress blocks itself).
   * Callers send work only to ready workers, so this comes first; later calls do nothing.
   *
   * @param codec The codec they will use.
   */
  warm(codec: CodecName): void {
    if (this.#closed || this.#size === 0 || this.#warmed) return;
    this.#warmed = true;
    this.#start();
    for (const slot of this.#slots) warmSlot(slot, codec); // a prestarted one may have it
  }

  /** Terminates every worker and fails the blocks still in flight. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    for (const w of this.#slots) w.worker.terminate();
    this.#slots = [];
    const err = new Error("The deflate pool was closed before the block was done");
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    return Promise.resolve();
  }

  #start(): void {
    if (this.#slots.length > 0) return;
    for (let i = 0; i < this.#size; i++) {
      const slot = takeEarly() ?? startWorker();
      const w = slot.worker;
      w.onmessage = (m: MessageEvent<BlockReply>) => this.#reply(m.data);
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.#fail(i, new Error(`A deflate worker failed: ${e.message}`));
      };
      this.#slots.push(slot);
    }
  }

  #queued(slot: Slot): number {
    return slot.posted - Atomics.load(slot.status, STATUS_DONE);
  }

  #leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.#slots.length; i++) {
      if (this.#queued(this.#slots[i]!) < this.#queued(this.#slots[best]!)) best = i;
    }
    return best;
  }

  #reply(r: BlockReply): void {
    const p = this.#pending.get(r.id);
    if (!p) return;
    this.#pending.delete(r.id);
    if (!("error" in r)) return p.resolve(r);
    p.reject(
      r.kind
        ? new ZipDataError(r.kind, { detail: r.error })
        : new Error(`A worker failed: ${r.error}`),
    );
  }

  #fail(worker: number, err: Error): void {
    for (const [id, p] of this.#pending) {
      if (p.worker !== worker) continue;
      this.#pending.delete(id);
      p.reject(err);
    }
  }
}
