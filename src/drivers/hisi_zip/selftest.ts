/**
 * Round-trips generated data through a ZIP device: compress on one queue, decompress on
 * another, check every result (warm-up, latency and throughput runs alike) byte for byte
 * against the input and against the software codec, and time it. What `wd queue test` runs.
 *
 * Memory is bounded whatever the count: inputs are generated a round at a time
 * ({@linkcode ROUND_BYTES}), and the requests in flight are capped by the queue's depth and by
 * {@linkcode DMA_BUDGET}. The work yields to the event loop between requests, so a signal
 * (Ctrl-C, SIGTERM) is handled within a fraction of a second.
 *
 * @module
 */

import * as zlib from "node:zlib";
import { equalBytes } from "../../bytes.ts";
import type { Env } from "../../env.ts";
import { BusyError, ExitCode, UnsupportedError, WdError } from "../../errors.ts";
import { checkEnv, checkInteger, checkOneOf, checkOptions } from "../../validate.ts";
import type { UacceDevice } from "../uacce/device.ts";
import { findDevice } from "../uacce/discover.ts";
import { MAX_REQUEST, outputBound } from "./limits.ts";
import { type BlockOutput, ZipSession } from "./session.ts";
import { ALG_CODE, type ZipAlg } from "./sqe.ts";
import { MAX_TIMEOUT_MS } from "./timeout.ts";
import { ZipQueue } from "./zip_queue.ts";

/** Most memory the device's buffers of one test may take (both queues' requests in flight). */
export const DMA_BUDGET = 256 << 20;
/** Test data generated and held at once (a round of the throughput run). */
export const ROUND_BYTES = 32 << 20;
/** Failures listed one by one; more are counted. */
const MAX_LISTED = 20;
/** Requests of the latency run. */
const LATENCY_RUNS = 200;

/**
 * Options of {@linkcode selfTest}; each has a default.
 *
 * @example
 * ```ts
 * import { selfTest, type SelfTestOptions, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv("v3");
 * const options: SelfTestOptions = { alg: "deflate", size: 8192, count: 10, inFlight: 4 };
 * console.log((await selfTest(env, "hisi_zip-2", options)).verified); // 10
 * ```
 */
export interface SelfTestOptions {
  /** Algorithm: `gzip` when the device lists it (the default), else the first it lists. */
  alg?: ZipAlg | undefined;
  /** Bytes per request, 1 to 8 MiB; default 64 KiB. */
  size?: number | undefined;
  /** Requests, 1 to a billion; default 100. Memory stays bounded whatever the count. */
  count?: number | undefined;
  /**
   * Requests in flight in the throughput runs, from 1 (capped by the queue's depth and the
   * memory budget, {@linkcode DMA_BUDGET}, and the result says so); default 32.
   */
  inFlight?: number | undefined;
  /** Completion timeout in ms (default: `WD_TIMEOUT_MS`, else 5000). */
  timeoutMs?: number | undefined;
}

/**
 * The defaults of {@linkcode selfTest}: what `wd queue test` sends.
 *
 * @example
 * ```ts
 * import { SELF_TEST_DEFAULTS } from "@wd/wd";
 * console.log(SELF_TEST_DEFAULTS); // { size: 65536, count: 100, inFlight: 32 }
 * ```
 */
export const SELF_TEST_DEFAULTS = { size: 64 << 10, count: 100, inFlight: 32 } as const;

/** Most requests one self-test sends. */
export const MAX_SELF_TEST_COUNT = 1_000_000_000;

/**
 * What the self-test found.
 *
 * @example
 * ```ts
 * import { selfTest, type SelfTestResult, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const r: SelfTestResult = await selfTest(env, "hisi_zip-5", { count: 10, size: 4096 });
 * if (r.failures.length > 0) throw new Error(r.failures.join("\n"));
 * console.log(`${r.device}: ${r.verified}/${r.count} exact, ratio ${r.ratio.toFixed(2)}`);
 * console.log(`compress p99 ${r.compressLatencyUs.p99.toFixed(0)} µs, ${r.compressMBps.toFixed(0)} MB/s`);
 * ```
 */
export interface SelfTestResult {
  /** The device tested. */
  device: string;
  /** The algorithm used. */
  alg: ZipAlg;
  /** Bytes per request. */
  size: number;
  /** Requests sent. */
  count: number;
  /** Requests whose every round trip came back byte-exact through the device and software. */
  verified: number;
  /** Failures, one line each (at most 20, then a count). */
  failures: string[];
  /** Requests in flight actually used, and why fewer than asked when so. */
  inFlight: { used: number; limit?: string };
  /** Input bytes / compressed bytes. */
  ratio: number;
  /** Microseconds per compression with one request in flight: median and 99th percentile. */
  compressLatencyUs: { median: number; p99: number };
  /** Same for decompression. */
  decompressLatencyUs: { median: number; p99: number };
  /** MB/s (10^6 bytes of uncompressed data per second) with `inFlight.used` requests in flight. */
  compressMBps: number;
  /** Same for decompression. */
  decompressMBps: number;
}

const HEADERS: Record<ZipAlg, Uint8Array> = {
  gzip: new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
  zlib: new Uint8Array([0x78, 0x9c]),
  deflate: new Uint8Array(0),
};

const WORDS = [
  "queue",
  "doorbell",
  "deflate",
  "kunpeng",
  "uacce",
  "phase",
  "member",
  "stream",
  "zlib",
  "gzip",
].map((w) => new TextEncoder().encode(w));
const HEX = new TextEncoder().encode("0123456789abcdef");

/**
 * Deterministic, compressible test data (log-like lines: `seed:offset word word hex`),
 * different for each seed. Written byte by byte: hundreds of MB/s, so generating a request's
 * data never holds up the test (or a signal) for long.
 *
 * @param size Bytes.
 * @param seed Which block.
 * @returns The data.
 */
export function testPattern(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size + 64); // a line is at most 57 bytes: the last one may overrun
  let x = (seed * 2654435761) >>> 0;
  let o = 0;
  while (o < size) {
    x = (x * 1664525 + 1013904223) >>> 0;
    let n = decimal(out, o, seed);
    out[n++] = 0x3a; // ':'
    n = decimal(out, n, o);
    out[n++] = 0x20;
    n = word(out, n, WORDS[x % 10]!);
    n = word(out, n, WORDS[(x >>> 8) % 10]!);
    for (let shift = 12; shift >= 0; shift -= 4) out[n++] = HEX[(x >>> (16 + shift)) & 15]!;
    out[n++] = 0x0a;
    o = n;
  }
  return out.subarray(0, size);
}

/** Writes a word and a space at `at`; returns the end. */
function word(buf: Uint8Array, at: number, w: Uint8Array): number {
  for (let i = 0; i < w.length; i++) buf[at++] = w[i]!;
  buf[at++] = 0x20;
  return at;
}

/** Writes `v` (a whole number below 2^53) in decimal at `at`; returns the end. */
function decimal(buf: Uint8Array, at: number, v: number): number {
  let digits = 1;
  for (let p = 10; p <= v; p *= 10) digits++;
  for (let i = at + digits - 1; i >= at; i--) {
    buf[i] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  }
  return at + digits;
}

function softDecode(alg: ZipAlg, bytes: Uint8Array): Uint8Array | string {
  try {
    return alg === "gzip"
      ? zlib.gunzipSync(bytes)
      : alg === "zlib"
      ? zlib.inflateSync(bytes)
      : zlib.inflateRawSync(bytes);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function percentiles(us: number[]): { median: number; p99: number } {
  const s = [...us].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { median: at(0.5), p99: at(0.99) };
}

/**
 * Lets timers and signal handlers run when the work has kept them waiting for a while (a long
 * run of synchronous work and awaited promises never gives them a turn).
 */
function eventLoopTurns(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < 50) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    last = performance.now();
  };
}

/** The failures of a run, counted and listed up to a limit. */
class Failures {
  readonly lines: string[] = [];
  readonly requests = new Set<number>();
  #more = 0;

  add(request: number, what: string): void {
    this.requests.add(request);
    if (this.lines.length < MAX_LISTED) this.lines.push(`request ${request}: ${what}`);
    else this.#more++;
  }

  list(): string[] {
    return this.#more > 0 ? [...this.lines, `... and ${this.#more} more`] : this.lines;
  }
}

/**
 * Checks one round trip: the device's decompression against the input, and software's
 * decoding of the device's compression against it too.
 */
function checkRoundTrip(
  alg: ZipAlg,
  input: Uint8Array,
  packed: BlockOutput,
  unpacked: BlockOutput | Error,
): string | undefined {
  if (unpacked instanceof Error) return `the device could not decompress it (${unpacked.message})`;
  if (!equalBytes(unpacked.bytes, input)) {
    return "the device's decompression differs from the input";
  }
  const soft = softDecode(alg, packed.bytes);
  if (typeof soft === "string") return `software cannot decode the device's output (${soft})`;
  if (!equalBytes(soft, input)) return "software decodes the device's output differently";
  return undefined;
}

/**
 * The algorithm a test uses: the one asked for when the device lists it; else gzip when it
 * lists that, else the first it lists that wd drives.
 *
 * @param device The device.
 * @param wanted The algorithm asked for, if any.
 * @returns The algorithm.
 * @throws UnsupportedError when the device does not list it, or lists none wd drives.
 */
export function pickAlg(device: UacceDevice, wanted?: string): ZipAlg {
  const lists = device.algorithms ?? [];
  const offered = lists.filter((a): a is ZipAlg => a in ALG_CODE);
  if (wanted === undefined) {
    const alg = offered.includes("gzip") ? "gzip" : offered[0];
    if (alg !== undefined) return alg;
    throw new UnsupportedError(`Cannot test "${device.name}": it offers no algorithm wd drives`, {
      hint: `it offers: ${lists.join(", ") || "nothing"}; wd drives zlib, gzip, deflate`,
    });
  }
  if (!lists.includes(wanted) || !(wanted in ALG_CODE)) {
    throw new UnsupportedError(`Cannot test "${device.name}" with "${wanted}": not offered`, {
      hint: `it offers: ${lists.join(", ")}; wd drives zlib, gzip, deflate`,
    });
  }
  return wanted as ZipAlg;
}

/**
 * Runs the self-test on two queues of a ZIP device (one compresses, one decompresses): every
 * round trip checked byte for byte through the device and the software decoder, latency and
 * throughput measured. Both queues are released on every path.
 *
 * @param env The environment.
 * @param device The device, by name (`hisi_zip-4`) or as discovery read it.
 * @param options What to send; every option has a default ({@linkcode SELF_TEST_DEFAULTS}).
 * @returns What was found: `failures` is empty when every round trip was exact.
 * @throws NotFoundError (no such device), UnsupportedError (not a ZIP device, or the algorithm
 *   is not offered), BusyError (the device has no two free queues), TypeError and RangeError
 *   for bad options.
 *
 * @example Test a device of the model
 * ```ts
 * import { selfTest, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const r = await selfTest(env, "hisi_zip-4", { count: 20, size: 4096 });
 * console.log(r.alg, `${r.verified}/${r.count}`, r.failures); // gzip 20/20 []
 * ```
 */
export async function selfTest(
  env: Env,
  device: UacceDevice | string,
  options: SelfTestOptions = {},
): Promise<SelfTestResult> {
  const where = "selfTest";
  checkEnv(where, "env", env);
  checkOptions(where, options, ["alg", "size", "count", "inFlight", "timeoutMs"]);
  checkOneOf(where, "alg", options.alg, Object.keys(ALG_CODE));
  checkInteger(where, "size", options.size, { min: 1, max: MAX_REQUEST });
  checkInteger(where, "count", options.count, { min: 1, max: MAX_SELF_TEST_COUNT });
  checkInteger(where, "inFlight", options.inFlight, { min: 1, max: Number.MAX_SAFE_INTEGER });
  checkInteger(where, "timeoutMs", options.timeoutMs, { min: 1, max: MAX_TIMEOUT_MS });
  if (typeof device === "string") device = findDevice(env, device);
  if (device.kind !== "zip") {
    throw new UnsupportedError(`Cannot test "${device.name}": wd drives only ZIP engines`);
  }
  const alg = pickAlg(device, options.alg);
  const size = options.size ?? SELF_TEST_DEFAULTS.size;
  const count = options.count ?? SELF_TEST_DEFAULTS.count;
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  using cq = ZipQueue.open(env, device, { direction: "compress", ...timeout });
  using dq = openSecond(env, device, timeout);
  const inFlight = inFlightFor(
    options.inFlight ?? SELF_TEST_DEFAULTS.inFlight,
    size,
    cq.queue.info.sqDepth,
  );
  const common = { alg, blockSize: size, inFlight: inFlight.used };
  using c = ZipSession.onQueue(env, cq, common);
  using d = ZipSession.onQueue(env, dq, common);
  const failures = new Failures();
  const turn = eventLoopTurns();
  const header = HEADERS[alg];
  const roundTrip = async (
    run: string,
    i: number,
    input: Uint8Array,
    timed?: { c: number[]; d: number[] },
  ) => {
    let t0 = performance.now();
    const packed = await c.compressBlock(input, header);
    timed?.c.push((performance.now() - t0) * 1000);
    t0 = performance.now();
    const unpacked = await d.decompressBlock(packed.bytes.subarray(header.length), size)
      .catch((e: unknown) => e instanceof Error ? e : new Error(String(e)));
    timed?.d.push((performance.now() - t0) * 1000);
    const bad = checkRoundTrip(alg, input, packed, unpacked);
    if (bad !== undefined) failures.add(i, `${bad} (${run})`);
  };

  // Warm-up (page faults; on the model, its thread's start) and latency: one at a time.
  await roundTrip("warm-up", 0, testPattern(size, 0));
  const lat = { c: [] as number[], d: [] as number[] };
  for (let i = 0; i < Math.min(count, LATENCY_RUNS); i++) {
    await roundTrip("latency run", i, testPattern(size, i), lat);
    await turn();
  }

  // Throughput: rounds of generated data, all in flight, each result checked after the clock.
  let compressMs = 0;
  let decompressMs = 0;
  let compressed = 0;
  const perRound = Math.max(inFlight.used, Math.floor(ROUND_BYTES / size));
  for (let first = 0; first < count; first += perRound) {
    const n = Math.min(perRound, count - first);
    const inputs: Uint8Array[] = [];
    for (let k = 0; k < n; k++) {
      inputs.push(testPattern(size, first + k));
      await turn();
    }
    let t0 = performance.now();
    const packed = await Promise.all(inputs.map((b) => c.compressBlock(b, header)));
    compressMs += performance.now() - t0;
    t0 = performance.now();
    const unpacked = await Promise.all(
      packed.map((p) =>
        d.decompressBlock(p.bytes.subarray(header.length), size)
          .catch((e: unknown) => e instanceof Error ? e : new Error(String(e)))
      ),
    );
    decompressMs += performance.now() - t0;
    for (let k = 0; k < n; k++) {
      compressed += packed[k]!.bytes.length - header.length;
      const bad = checkRoundTrip(alg, inputs[k]!, packed[k]!, unpacked[k]!);
      if (bad !== undefined) failures.add(first + k, `${bad} (throughput run)`);
      await turn();
    }
  }
  const total = size * count;
  return {
    device: device.name,
    alg,
    size,
    count,
    verified: count - [...failures.requests].filter((r) => r < count).length,
    failures: failures.list(),
    inFlight,
    ratio: compressed === 0 ? 0 : total / compressed,
    compressLatencyUs: percentiles(lat.c),
    decompressLatencyUs: percentiles(lat.d),
    compressMBps: total / 1e6 / (compressMs / 1000),
    decompressMBps: total / 1e6 / (decompressMs / 1000),
  };
}

/** The decompression queue, with what a busy device means when wd holds its other queue. */
function openSecond(env: Env, device: UacceDevice, timeout: { timeoutMs?: number }): ZipQueue {
  try {
    return ZipQueue.open(env, device, { direction: "decompress", ...timeout });
  } catch (err) {
    if (!(err instanceof WdError) || err.exitCode !== ExitCode.BUSY) throw err;
    throw new BusyError(
      `Cannot open a second queue on "${device.name}": its only free queue is the one this test holds`,
      {
        cause: err,
        hint: "a round trip needs two queues (one compresses, one decompresses); free one " +
          "(wd doctor shows what holds them) or test another device",
      },
    );
  }
}

/** Requests in flight: as asked, within the queue's depth and the memory budget. */
function inFlightFor(asked: number, size: number, depth: number): SelfTestResult["inFlight"] {
  // Each request in flight holds an input and an output buffer on each of the two queues.
  const perRequest = 2 * (size + outputBound(size));
  const byMemory = Math.max(1, Math.floor(DMA_BUDGET / perRequest));
  if (asked > depth && depth <= byMemory) {
    return { used: depth, limit: `the queue is ${depth} deep` };
  }
  if (asked > byMemory) {
    return {
      used: byMemory,
      limit: `${byMemory} × ${size}-byte requests fill the ${DMA_BUDGET >> 20} MiB budget`,
    };
  }
  return { used: asked };
}
