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

/** What a worker sends back: a block, a member, a failure, or that it has loaded its codec. */
export type BlockReply =
  | (BlockResult & { id: number })
  | (InflateResult & { id: number })
  | JobError
  | { ready: true };

interface Pending {
  resolve(r: BlockResult | InflateResult): void;
  reject(e: Error): void;
  worker: number;
}

const WORKER_URL = new URL("./deflate_worker.ts", import.meta.url);

/** A worker started before any pool, with what it has said so far. */
interface EarlyWorker {
  worker: Worker;
  codec: CodecName;
  ready: boolean;
  failed: boolean;
}

/** Workers started by {@linkcode prestartWorkers}, not yet taken by a pool. */
const early: EarlyWorker[] = [];

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
    const e: EarlyWorker = {
      worker: new Worker(WORKER_URL, { type: "module" }),
      codec,
      ready: false,
      failed: false,
    };
    e.worker.onmessage = (m: MessageEvent<BlockReply>) => {
      if ("ready" in m.data) e.ready = true;
    };
    e.worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault(); // a pool starts a fresh worker, whose failure is reported
      e.failed = true;
    };
    e.worker.postMessage({ warm: codec });
    early.push(e);
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
function takeEarly(): EarlyWorker | undefined {
  for (let e = early.shift(); e !== undefined; e = early.shift()) {
    if (!e.failed) return e;
    e.worker.terminate();
  }
  return undefined;
}

/** Worker threads that compress blocks. */
export class DeflatePool implements AsyncDisposable {
  readonly #size: number;
  #workers: Worker[] = [];
  #busy: number[] = [];
  #pending = new Map<number, Pending>();
  #nextId = 0;
  #closed = false;
  #warmed = false;
  /** Per worker: whether it has loaded the codec it was last asked for, and which. */
  #ready: boolean[] = [];
  #codecs: (CodecName | undefined)[] = [];
  #turn: MessageChannel | undefined;

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
    return this.#ready.filter(Boolean).length;
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
      this.#busy[w]!++;
      this.#workers[w]!.postMessage(req, transfer);
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
    this.#workers.forEach((w, i) => {
      if (this.#codecs[i] === codec) return; // a prestarted worker already loads it
      this.#ready[i] = false;
      this.#codecs[i] = codec;
      w.postMessage({ warm: codec });
    });
  }

  /**
   * Lets the workers' replies in: one turn of the event loop (about 20 µs) when workers run.
   * A caller that reads and compresses synchronously calls this before each block, or it would
   * see no worker become ready and no block come back until it next waits for one.
   */
  async poll(): Promise<void> {
    if (this.#workers.length === 0 || this.#closed) return;
    const ch = this.#turn ??= new MessageChannel();
    await new Promise((resolve) => {
      ch.port1.onmessage = resolve;
      ch.port2.postMessage(null);
    });
  }

  /** Terminates every worker and fails the blocks still in flight. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#closed = true;
    this.#turn?.port1.close();
    this.#turn?.port2.close();
    this.#turn = undefined;
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
    const err = new Error("The deflate pool was closed before the block was done");
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    return Promise.resolve();
  }

  #start(): void {
    if (this.#workers.length > 0) return;
    for (let i = 0; i < this.#size; i++) {
      const e = takeEarly();
      const w = e?.worker ?? new Worker(WORKER_URL, { type: "module" });
      this.#ready.push(e?.ready ?? false);
      this.#codecs.push(e?.codec);
      w.onmessage = (m: MessageEvent<BlockReply>) => this.#reply(i, m.data);
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

  #reply(worker: number, r: BlockReply): void {
    if ("ready" in r) {
      this.#ready[worker] = true;
      return;
    }
    const p = this.#pending.get(r.id);
    if (!p) return;
    this.#pending.delete(r.id);
    this.#busy[p.worker]!--;
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
