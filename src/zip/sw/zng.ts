/**
 * The built-in codec: Deno's node:zlib, which is zlib-ng inside. Both directions go through the
 * zlib handle's `writeSync`, the synchronous step node:zlib's own streams are built on: it
 * writes into buffers we own (no garbage per block) and reports exactly how much input a
 * stream consumed (where a member ends, where trailing data starts), which node:zlib's public
 * API does not.
 *
 * @module
 */

import zlib from "node:zlib";
import { ZipDataError } from "../errors.ts";
import { type BlockJob, grow, type InflateStep, type RawInflater } from "./codec.ts";

const { Z_FINISH, Z_NO_FLUSH, Z_SYNC_FLUSH } = zlib.constants;

/** The parts of node:zlib's internal handle this module relies on (Deno 2.9, as Node's). */
interface ZlibHandle {
  onerror: (message: string, errno: number) => void;
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  reset(): void;
  close(): void;
}

/** A node:zlib stream object, seen from inside. */
interface ZlibInternals {
  _handle: ZlibHandle;
  _writeState: Uint32Array;
}

function internals(stream: unknown): ZlibInternals {
  const s = stream as Partial<ZlibInternals>;
  if (typeof s._handle?.writeSync !== "function" || !(s._writeState instanceof Uint32Array)) {
    throw new Error("node:zlib has no synchronous handle here (Deno changed its internals)");
  }
  return s as ZlibInternals;
}

const NO_INPUT = new Uint8Array(1);

/**
 * node:zlib's CRC-32.
 *
 * @param data The bytes.
 * @param crc The CRC so far.
 * @returns The CRC.
 */
export function zngCrc32(data: Uint8Array, crc: number): number {
  return zlib.crc32(data, crc) >>> 0;
}

/** The dictionary length of a deflater kept for reuse (a whole window). */
const REUSED_DICTIONARY = 32 * 1024;

/** A deflate stream kept between blocks, and the dictionary buffer its `reset()` re-applies. */
interface Deflater {
  s: ZlibInternals;
  dictionary: Uint8Array | undefined;
  error: string | undefined;
}

/** Per level: one deflater without a dictionary, one with a whole window. */
const deflaters = new Map<string, Deflater>();

/**
 * A deflate stream for `level` primed with `dictionary`. Streams are reused: creating one
 * per block leaves garbage V8 frees only tens of MB later. `reset()` re-applies the
 * dictionary from the buffer given at creation, so that buffer is refilled first.
 */
function deflaterFor(level: number, dictionary: Uint8Array | undefined): Deflater {
  const n = dictionary?.length ?? 0;
  const reusable = n === 0 || n === REUSED_DICTIONARY;
  const key = `${level}:${n}`;
  let d = reusable ? deflaters.get(key) : undefined;
  if (d === undefined) {
    const dict = n > 0 ? new Uint8Array(n) : undefined;
    if (dict) dict.set(dictionary!);
    const s = internals(zlib.createDeflateRaw({ level, ...(dict ? { dictionary: dict } : {}) }));
    d = { s, dictionary: dict, error: undefined };
    const self = d;
    s._handle.onerror = (message) => self.error = message;
    if (reusable) deflaters.set(key, d);
    return d;
  }
  if (d.dictionary) d.dictionary.set(dictionary!);
  d.s._handle.reset();
  return d;
}

/**
 * Compresses one block to raw deflate with node:zlib, into `out` when it is large enough.
 *
 * @param job The block, its dictionary, level and whether it is last.
 * @param out Where to write (see {@linkcode deflateBound}); grown if too small.
 * @returns The raw deflate bytes (a view of `out` or of a larger buffer).
 */
export function zngDeflateBlock(job: BlockJob, out: Uint8Array): Uint8Array {
  const d = deflaterFor(job.level, job.dictionary);
  const s = d.s;
  const input = job.data.length > 0 ? job.data : NO_INPUT;
  let inOff = 0;
  let produced = 0;
  for (;;) {
    s._handle.writeSync(
      job.last ? Z_FINISH : Z_SYNC_FLUSH,
      input,
      inOff,
      job.data.length - inOff,
      out,
      produced,
      out.length - produced,
    );
    if (d.error !== undefined) {
      deflaters.delete(`${job.level}:${job.dictionary?.length ?? 0}`);
      s._handle.close();
      throw new Error(`node:zlib deflate failed: ${d.error}`);
    }
    const availOut = s._writeState[0]!;
    inOff = job.data.length - s._writeState[1]!;
    produced = out.length - availOut;
    if (availOut > 0) return out.subarray(0, produced); // input consumed, flush complete
    out = grow(out, produced);
  }
}

/** A streaming raw inflater over node:zlib. */
export class ZngInflater implements RawInflater {
  readonly #s: ZlibInternals;
  #error: string | undefined;

  /** Makes an inflater for raw deflate. */
  constructor() {
    this.#s = internals(zlib.createInflateRaw());
    this.#s._handle.onerror = (message) => this.#error = message;
  }

  /** Decodes from `input` into `output`; see {@linkcode RawInflater.inflate}. */
  inflate(input: Uint8Array, output: Uint8Array): InflateStep {
    this.#s._handle.writeSync(Z_NO_FLUSH, input, 0, input.length, output, 0, output.length);
    if (this.#error !== undefined) {
      const detail = this.#error;
      this.#error = undefined;
      throw new ZipDataError("data", { detail });
    }
    const availOut = this.#s._writeState[0]!;
    const availIn = this.#s._writeState[1]!;
    // zlib stops short of the input with room left in the output only at the stream's end.
    return {
      consumed: input.length - availIn,
      produced: output.length - availOut,
      ended: availIn > 0 && availOut > 0,
    };
  }

  /** Whether the stream is complete, at the end of the input. */
  finish(): boolean {
    const out = new Uint8Array(64);
    this.#s._handle.writeSync(Z_FINISH, NO_INPUT, 0, 0, out, 0, out.length);
    const ok = this.#error === undefined;
    this.#error = undefined;
    return ok;
  }

  /** Starts a new stream. */
  reset(): void {
    this.#error = undefined;
    this.#s._handle.reset();
  }

  /** Releases the zlib state. */
  [Symbol.dispose](): void {
    try {
      this.#s._handle.close();
    } catch {
      // already closed
    }
  }
}
