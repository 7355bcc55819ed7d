/**
 * Running compression requests on a raw queue: input and output in anonymous memory (the
 * device reads and writes the process's memory, as under SVA), the headers software adds,
 * and test data.
 *
 * @module
 */

import type { Mapping } from "../../../src/ffi/mapping.ts";
import { libcSys } from "../../../src/ffi/sys.ts";
import type { RawQueue } from "./raw_queue.ts";
import { type AlgName, encodeSqe, type SqeFields, type SqeResult } from "./sqe.ts";

/** The headers software writes before the device's output (UADK's fixed headers). */
export const HEADER: Record<AlgName, Uint8Array> = {
  gzip: Uint8Array.of(0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03),
  zlib: Uint8Array.of(0x78, 0x9c),
  deflate: new Uint8Array(0),
};

/**
 * Anonymous memory holding `data`, or `size` zeroed bytes.
 *
 * @param data The bytes, or a size.
 * @returns The mapping (at least one byte, so it has an address).
 */
export function memory(data: Uint8Array | number): Mapping {
  const size = typeof data === "number" ? data : data.length;
  const m = libcSys().mapAnonymous(Math.max(size, 1), "test buffer");
  if (typeof data !== "number") new Uint8Array(m.buffer).set(data);
  return m;
}

/** A request: the SQE fields without addresses and lengths, plus the input and capacity. */
export type Job = Omit<SqeFields, "src" | "dst" | "inLen" | "outCap"> & {
  /** The input bytes. */
  input: Uint8Array;
  /** The output capacity. */
  cap: number;
  /** Declared input length when it must differ from the input's (limits). */
  inLen?: number;
};

/**
 * Runs one request and returns what the device wrote back and produced.
 *
 * @param q A started queue of the right direction.
 * @param job The request.
 * @returns The results and the output bytes.
 */
export async function runJob(q: RawQueue, job: Job): Promise<{ r: SqeResult; out: Uint8Array }> {
  using src = memory(job.input);
  using dst = memory(job.cap);
  const r = await q.run(encodeSqe({
    ...job,
    src: src.address,
    dst: dst.address,
    inLen: job.inLen ?? job.input.length,
    outCap: job.cap,
  }));
  return { r, out: new Uint8Array(dst.buffer, 0, Math.min(r.produced, job.cap)).slice() };
}

/**
 * Compressible, deterministic text: words from a small vocabulary picked by an LCG.
 *
 * @param size Bytes wanted.
 * @param seed The generator's seed.
 * @returns The text as bytes.
 */
export function text(size: number, seed = 1): Uint8Array {
  const words = ["queue", "doorbell", "phase", "zlib", "gzip", "deflate", "uacce", "kernel", "sva"];
  let x = seed >>> 0;
  let s = "";
  while (s.length < size) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += words[x % words.length] + ((x >>> 8) % 11 === 0 ? ".\n" : " ");
  }
  return new TextEncoder().encode(s.slice(0, size));
}

/**
 * Asserts two byte arrays are equal (any Uint8Array subclass, such as node's Buffer), naming
 * the first difference instead of diffing every element.
 *
 * @param actual The bytes produced.
 * @param expected The bytes wanted.
 * @param what What is compared, for the message.
 */
export function assertBytes(actual: Uint8Array, expected: Uint8Array, what = "bytes"): void {
  const n = Math.min(actual.length, expected.length);
  let i = 0;
  while (i < n && actual[i] === expected[i]) i++;
  if (i === n && actual.length === expected.length) return;
  throw new Error(
    `${what} differ: ${actual.length} bytes against ${expected.length}, first difference at ${i}`,
  );
}
