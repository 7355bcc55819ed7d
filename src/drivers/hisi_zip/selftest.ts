/**
 * Round-trips generated data through a ZIP device: compress on one queue, decompress on
 * another, check every result byte for byte against the input and against the software codec,
 * and time it. What `wd queue test` runs.
 *
 * @module
 */

import * as zlib from "node:zlib";
import type { Env } from "../../env.ts";
import type { UacceDevice } from "../uacce/device.ts";
import { ZipSession } from "./session.ts";
import type { ZipAlg } from "./sqe.ts";

/** Options of {@linkcode selfTest}. */
export interface SelfTestOptions {
  /** Algorithm. */
  alg: ZipAlg;
  /** Bytes per request. */
  size: number;
  /** Requests. */
  count: number;
  /** Requests in flight in the throughput runs. */
  inFlight: number;
  /** Completion timeout in ms (default: `WD_TIMEOUT_MS`, else 5000). */
  timeoutMs?: number;
}

/** What the self-test found. */
export interface SelfTestResult {
  /** Round trips that came back byte-exact through the device and software. */
  verified: number;
  /** Failures, one line each. */
  failures: string[];
  /** Input bytes / compressed bytes. */
  ratio: number;
  /** Microseconds per compression with one request in flight: median and 99th percentile. */
  compressLatencyUs: { median: number; p99: number };
  /** Same for decompression. */
  decompressLatencyUs: { median: number; p99: number };
  /** MB/s (10^6 bytes of uncompressed data per second) with `inFlight` requests in flight. */
  compressMBps: number;
  /** Same for decompression. */
  decompressMBps: number;
}

const HEADERS: Record<ZipAlg, Uint8Array> = {
  gzip: new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
  zlib: new Uint8Array([0x78, 0x9c]),
  deflate: new Uint8Array(0),
};

/**
 * Deterministic, compressible test data (log-like lines), different for each seed.
 *
 * @param size Bytes.
 * @param seed Which block.
 * @returns The data.
 */
export function testPattern(size: number, seed: number): Uint8Array {
  const words = [
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
  ];
  const out = new Uint8Array(size);
  const enc = new TextEncoder();
  let x = (seed * 2654435761) >>> 0;
  let o = 0;
  while (o < size) {
    x = (x * 1664525 + 1013904223) >>> 0;
    const line = enc.encode(
      `${seed}:${o} ${words[x % 10]} ${words[(x >>> 8) % 10]} ${(x >>> 16).toString(16)}\n`,
    );
    out.set(line.subarray(0, size - o), o);
    o += line.length;
  }
  return out;
}

function softDecode(alg: ZipAlg, bytes: Uint8Array): Uint8Array {
  return alg === "gzip"
    ? zlib.gunzipSync(bytes)
    : alg === "zlib"
    ? zlib.inflateSync(bytes)
    : zlib.inflateRawSync(bytes);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function percentiles(us: number[]): { median: number; p99: number } {
  const s = [...us].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { median: at(0.5), p99: at(0.99) };
}

/**
 * Runs the self-test on two queues of a device; both are released on every path.
 *
 * @param env The environment.
 * @param device The device.
 * @param options What to send.
 * @returns What was found.
 */
export async function selfTest(
  env: Env,
  device: UacceDevice,
  options: SelfTestOptions,
): Promise<SelfTestResult> {
  const { alg, size, count } = options;
  const inputs = Array.from({ length: count }, (_, i) => testPattern(size, i));
  const common = {
    alg,
    blockSize: size,
    inFlight: options.inFlight,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  using c = ZipSession.open(env, device, { ...common, direction: "compress" });
  using d = ZipSession.open(env, device, { ...common, direction: "decompress" });
  // Warm up: the first request pays for page faults and, on the model, its thread's start.
  await d.decompressBlock(
    (await c.compressBlock(inputs[0]!, HEADERS[alg])).bytes.subarray(HEADERS[alg].length),
    size,
  );
  const latency = async (fn: (i: number) => Promise<unknown>) => {
    const us: number[] = [];
    for (let i = 0; i < Math.min(count, 200); i++) {
      const t0 = performance.now();
      await fn(i);
      us.push((performance.now() - t0) * 1000);
    }
    return percentiles(us);
  };
  const compressLatencyUs = await latency((i) => c.compressBlock(inputs[i]!, HEADERS[alg]));
  let t0 = performance.now();
  const packed = await Promise.all(inputs.map((b) => c.compressBlock(b, HEADERS[alg])));
  const compressMs = performance.now() - t0;
  const bodies = packed.map((p) => p.bytes.subarray(HEADERS[alg].length));
  const decompressLatencyUs = await latency((i) => d.decompressBlock(bodies[i]!, size));
  t0 = performance.now();
  const unpacked = await Promise.all(bodies.map((b) => d.decompressBlock(b, size)));
  const decompressMs = performance.now() - t0;
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    if (!equal(unpacked[i]!.bytes, inputs[i]!)) {
      failures.push(`request ${i}: the device's decompression differs from the input`);
    } else if (!equal(softDecode(alg, packed[i]!.bytes), inputs[i]!)) {
      failures.push(`request ${i}: software decodes the device's output differently`);
    }
  }
  const total = size * count;
  const compressed = bodies.reduce((n, b) => n + b.length, 0);
  return {
    verified: count - failures.length,
    failures,
    ratio: compressed === 0 ? 0 : total / compressed,
    compressLatencyUs,
    decompressLatencyUs,
    compressMBps: total / 1e6 / (compressMs / 1000),
    decompressMBps: total / 1e6 / (decompressMs / 1000),
  };
}
