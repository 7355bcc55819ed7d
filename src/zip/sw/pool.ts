/**
 * A pool of deflate workers (pigz's design): blocks go to the least busy worker, results come
 * back as promises, the caller writes them in order. Input and output buffers are transferred,
 * not copied, both ways. Workers start on first use, so small inputs that never need them do
 * not pay their start-up, and they are all terminated when the pool is disposed, whatever
 * happened.
 *
 * @module
 */

import type { Format } from "../engine.ts";
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

/** What a worker sends back: a block, a failure, or that it has loaded its codec. */
export type BlockReply =
  | (BlockResult & { id: number })
  | { id: number; error: string }
  | { ready: true };

interface Pending {
  resolve(r: BlockResult): void;
  reject(e: Error): void;
  worker: number;
}

/** Worker threads that compress blocks. */
export class DeflatePool implements AsyncDisposable {
  readonly #size: number;
  #workers: Worker[] = [];
  #busy: number[] = [];
  #pending = new Map<number, Pending>();
  #nextId = 0;
  #closed = false;
  #ready = 0;

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

  /** Workers that have started and loaded their codec (see {@linkcode DeflatePool.warm}). */
  get ready(): number {
    return this.#ready;
  }

  /** Blocks sent and not yet back. */
  get inFlight(): number {
    return this.#pending.size;
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
    if (this.#closed) return Promise.reject(new Error("The deflate pool is closed"));
    if (this.#size === 0) return Promise.reject(new Error("The deflate pool has no workers"));
    this.#start();
    const w = this.#leastBusy();
    const id = this.#nextId++;
    const req: BlockRequest = { ...job, ...options, id };
    const transfer = [job.data.buffer as ArrayBuffer];
    if (options.out) transfer.push(options.out.buffer as ArrayBuffer);
    return new Promise<BlockResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, worker: w });
      this.#busy[w]!++;
      this.#workers[w]!.postMessage(req, transfer);
    });
  }

  /**
   * Starts the workers now and has them load `codec`; each says when it is ready (a worker
   * takes tens of milliseconds to start, while the caller can compress blocks itself).
   *
   * @param codec The codec they will use.
   */
  warm(codec: CodecName): void {
    if (this.#closed || this.#size === 0) return;
    this.#start();
    for (const w of this.#workers) w.postMessage({ warm: codec });
  }

  /** Terminates every worker and fails the blocks still in flight. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
    const err = new Error("The deflate pool was closed before the block was done");
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    return Promise.resolve();
  }

  #start(): void {
    if (this.#workers.length > 0) return;
    const url = new URL("./deflate_worker.ts", import.meta.url);
    for (let i = 0; i < this.#size; i++) {
      const w = new Worker(url, { type: "module" });
      w.onmessage = (e: MessageEvent<BlockReply>) => this.#reply(e.data);
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.#fail(i, new Error(`A deflate worker failed: ${e.message}`));
      };
      this.#workers.push(w);
      this.#busy.push(0);
    }
  }

  #leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.#busy.length; i++) if (this.#busy[i]! < this.#busy[best]!) best = i;
    return best;
  }

  #reply(r: BlockReply): void {
    if ("ready" in r) {
      this.#ready++;
      return;
    }
    const p = this.#pending.get(r.id);
    if (!p) return;
    this.#pending.delete(r.id);
    this.#busy[p.worker]!--;
    if ("error" in r) p.reject(new Error(`Cannot compress a block: ${r.error}`));
    else p.resolve({ data: r.data, out: r.out, check: r.check, length: r.length });
  }

  #fail(worker: number, err: Error): void {
    for (const [id, p] of this.#pending) {
      if (p.worker !== worker) continue;
      this.#pending.delete(id);
      p.reject(err);
    }
  }
}
