/**
 * The driver's own cost per request: wd's CPU time (this thread only) for encoding an SQE,
 * ringing, reaping, decoding and resolving, with the device model completing every request at
 * once without doing the work (the spec's `instant`, which only this benchmark may set). Prints ns of CPU per request and requests/s.
 *
 * Target (issue 4): at most 2 µs of wd's own CPU per request, at least 500k requests/s on one
 * core.
 *
 *   bin/deno run -A bench/hw_overhead.ts [requests] [in-flight]
 *
 * @module
 */

import { SimMachine } from "../src/drivers/sim/machine.ts";
import { parseSimSpec } from "../src/drivers/sim/spec.ts";
import { processEnv } from "../src/env.ts";
import { findDevice } from "../src/drivers/uacce/discover.ts";
import { ZipQueue, zipRequest } from "../src/drivers/hisi_zip/zip_queue.ts";
import { DmaBuffer } from "../src/drivers/hisi_zip/dma.ts";
import { threadCpuNanos } from "../src/ffi/sys.ts";

/** What the overhead benchmark measured. */
export interface OverheadResult {
  /** Requests completed. */
  requests: number;
  /** Requests in flight. */
  inFlight: number;
  /** wd's CPU time (this thread) per request, in ns. */
  cpuNsPerRequest: number;
  /** Requests per second (wall clock). */
  requestsPerSecond: number;
}

/**
 * Measures the driver's own cost per request on the model in instant mode.
 *
 * @param total Requests to time (after a warm-up of 50,000).
 * @param inFlight Requests in flight.
 * @returns The measurements.
 */
export async function hwOverhead(total = 1_000_000, inFlight = 512): Promise<OverheadResult> {
  using sim = SimMachine.start({ ...parseSimSpec("v2,queues=4"), instant: true });
  const env = processEnv({ root: sim.root, sys: sim.sys });
  using q = ZipQueue.open(env, findDevice(env, "hisi_zip-4"), { direction: "compress" });
  using src = new DmaBuffer(env, 8192, "src");
  using dst = new DmaBuffer(env, 16384, "dst");
  const req = zipRequest({
    alg: "gzip",
    inputLength: 8192,
    destAvail: 16384,
    src: src.address,
    dst: dst.address,
  });
  const keep = [src, dst];
  const run = async (n: number) => {
    let submitted = 0;
    const worker = async () => {
      while (submitted < n) {
        submitted++;
        await q.submit(req, keep);
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker));
  };
  await run(50_000); // warm up the JIT and the device thread
  const cpu0 = threadCpuNanos();
  const t0 = performance.now();
  await run(total);
  const wallMs = performance.now() - t0;
  const cpuNs = Number(threadCpuNanos() - cpu0);
  return {
    requests: total,
    inFlight,
    cpuNsPerRequest: cpuNs / total,
    requestsPerSecond: total / (wallMs / 1000),
  };
}

/**
 * Prints an overhead result against issue 4's targets.
 *
 * @param r The result.
 */
export function printOverhead(r: OverheadResult): void {
  console.log(
    `driver overhead on the device model (instant completions), ${r.requests} requests, ${r.inFlight} in flight:`,
  );
  console.log(
    `  wd CPU/request  ${r.cpuNsPerRequest.toFixed(0)} ns   (target <= 2000 ns)   ${
      r.cpuNsPerRequest <= 2000 ? "met" : "MISSED"
    }`,
  );
  console.log(
    `  requests/s      ${r.requestsPerSecond.toFixed(0)}   (target >= 500000 on one core)   ${
      r.requestsPerSecond >= 500_000 ? "met" : "MISSED"
    }`,
  );
}

if (import.meta.main) {
  printOverhead(await hwOverhead(Number(Deno.args[0] ?? 1_000_000), Number(Deno.args[1] ?? 512)));
}
