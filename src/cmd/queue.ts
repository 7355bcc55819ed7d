/**
 * `wd queue alloc` and `wd queue test`: take a queue of a device and show what the kernel gave,
 * or round-trip data through the device and time it.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { ExitCode, UnsupportedError, UsageError } from "../errors.ts";
import { findDevice } from "../drivers/uacce/discover.ts";
import { UacceQueue } from "../drivers/uacce/queue.ts";
import { pickAlg, selfTest } from "../drivers/hisi_zip/selftest.ts";
import { MAX_REQUEST } from "../drivers/hisi_zip/limits.ts";
import { completionTimeoutMs } from "../drivers/hisi_zip/timeout.ts";
import { bytesText, renderJson } from "./render.ts";

/** Options of `wd queue alloc`. */
export interface AllocOptions {
  /** Print one JSON record. */
  json?: boolean | undefined;
  /** Queue type: compress (0) or decompress (1). */
  type?: "compress" | "decompress" | undefined;
}

/**
 * Runs `wd queue alloc`: opens, maps, configures and starts a queue, reports it, releases it.
 *
 * @param env The environment.
 * @param name The device.
 * @param options The options.
 * @returns The exit code.
 */
export function runQueueAlloc(env: Env, name: string, options: AllocOptions): number {
  const device = findDevice(env, name);
  const before = device.availableInstances;
  const direction = options.type ?? "compress";
  let during: number | null;
  let info;
  {
    using q = UacceQueue.open(env, device, { direction });
    info = q.info;
    during = findDevice(env, device.name).availableInstances;
  }
  const after = findDevice(env, device.name).availableInstances;
  if (options.json) {
    env.stdout.write(renderJson({
      device: device.name,
      qid: info.qid,
      qc_type: info.qcType,
      sqe_size: info.sqeSize,
      sq_depth: info.sqDepth,
      cq_depth: info.cqDepth,
      qp_info_from_kernel: info.infoFromKernel,
      page_size: info.pageSize,
      mmio_size: info.mmioSize,
      dus_size: info.dusSize,
      available_before: before,
      available_during: during,
      available_after: after,
    }));
    return ExitCode.OK;
  }
  const rows: [string, string][] = [
    ["sqe size", `${info.sqeSize} bytes`],
    ["sq depth", String(info.sqDepth)],
    ["cq depth", String(info.cqDepth)],
    [
      "qp info",
      info.infoFromKernel
        ? "from the kernel (SET_QP_INFO)"
        : "defaults (the kernel refused SET_QP_INFO)",
    ],
    ["mmio region", `${info.mmioSize} bytes (${bytesText(info.mmioSize)})`],
    ["dus region", `${info.dusSize} bytes (${bytesText(info.dusSize)})`],
    ["page size", bytesText(info.pageSize)],
    [
      "free queues",
      `${before ?? "?"} before, ${during ?? "?"} while held, ${after ?? "?"} after release`,
    ],
  ];
  env.stdout.write(
    `${device.name} queue ${info.qid} (${
      direction === "compress" ? "compression" : "decompression"
    }), released\n` +
      rows.map(([k, v]) => `  ${k.padEnd(14)}${v}\n`).join(""),
  );
  return ExitCode.OK;
}

/** Options of `wd queue test`. */
export interface TestOptions {
  /** Algorithm (default: gzip, else the first the device offers). */
  alg?: string | undefined;
  /** Bytes per request. */
  size: number;
  /** Requests. */
  count: number;
  /** Requests in flight. */
  inFlight: number;
  /** Completion timeout in ms (default: `WD_TIMEOUT_MS`, else 5000). */
  timeout?: number | undefined;
  /** Print one JSON record. */
  json?: boolean | undefined;
}

/**
 * Runs `wd queue test`.
 *
 * @param env The environment.
 * @param name The device.
 * @param options The options.
 * @returns 0 when every round trip was exact, else 1.
 */
export async function runQueueTest(env: Env, name: string, options: TestOptions): Promise<number> {
  const device = findDevice(env, name);
  if (device.kind !== "zip") {
    throw new UnsupportedError(`Cannot test "${device.name}": wd drives only ZIP engines`);
  }
  if (options.size < 1 || options.size > MAX_REQUEST) {
    throw new UsageError(
      `Cannot send ${options.size} bytes in one request: the engine takes 1 byte to 8 MiB`,
      {},
    );
  }
  const alg = pickAlg(device, options.alg);
  const r = await selfTest(env, device, {
    alg,
    size: options.size,
    count: options.count,
    inFlight: options.inFlight,
    timeoutMs: options.timeout ?? completionTimeoutMs(env),
  });
  const after = findDevice(env, device.name).availableInstances;
  const ok = r.failures.length === 0;
  if (options.json) {
    env.stdout.write(renderJson({
      device: device.name,
      alg,
      size: options.size,
      count: options.count,
      in_flight_requested: options.inFlight,
      in_flight: r.inFlight.used,
      in_flight_limit: r.inFlight.limit ?? null,
      verified: r.verified,
      failures: r.failures,
      ratio: round(r.ratio),
      compress_latency_us: {
        median: round(r.compressLatencyUs.median),
        p99: round(r.compressLatencyUs.p99),
      },
      decompress_latency_us: {
        median: round(r.decompressLatencyUs.median),
        p99: round(r.decompressLatencyUs.p99),
      },
      compress_mbps: round(r.compressMBps),
      decompress_mbps: round(r.decompressMBps),
      available_after: after,
    }));
    return ok ? ExitCode.OK : ExitCode.FAILURE;
  }
  const lat = (l: { median: number; p99: number }) =>
    `median ${l.median.toFixed(0)} µs, p99 ${l.p99.toFixed(0)} µs`;
  env.stdout.write(
    `${device.name}: ${alg}, ${options.count} × ${
      bytesText(options.size)
    }, ${r.inFlight.used} in flight${
      r.inFlight.limit ? ` (${options.inFlight} asked; ${r.inFlight.limit})` : ""
    }\n` +
      `  verified      ${r.verified}/${options.count} requests byte-exact in every round trip (device and software decoders)\n` +
      r.failures.map((f) => `  FAILED        ${f}\n`).join("") +
      `  ratio         ${r.ratio.toFixed(2)}\n` +
      `  latency       compress ${lat(r.compressLatencyUs)}; decompress ${
        lat(r.decompressLatencyUs)
      }\n` +
      `  throughput    compress ${r.compressMBps.toFixed(1)} MB/s, decompress ${
        r.decompressMBps.toFixed(1)
      } MB/s\n` +
      `  queues        2 used and released (${after ?? "?"} free)\n`,
  );
  return ok ? ExitCode.OK : ExitCode.FAILURE;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
