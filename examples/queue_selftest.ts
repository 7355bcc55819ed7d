#!/usr/bin/env -S deno run -A
/**
 * Holds a queue of a ZIP device (as a reservation, or to see what the kernel gives), then
 * self-tests the device on two more: every round trip checked byte for byte through the
 * device and software, latency and throughput measured. Exits 1 when a round trip failed.
 *
 *     WD_SIM=v2 bin/deno run -A examples/queue_selftest.ts hisi_zip-4
 *
 * @module
 */

import { findDevice, processEnv, selfTest, UacceQueue } from "@wd/wd";

const name = Deno.args[0] ?? "hisi_zip-4";
const env = processEnv();
const before = findDevice(env, name).availableInstances;

using held = UacceQueue.open(env, name, { direction: "compress" });
const i = held.info;
console.log(
  `${name}: holding queue ${i.qid} (${i.direction}), ${i.sqDepth} deep, ${i.sqeSize}-byte SQEs; ` +
    `free queues ${before} -> ${findDevice(env, name).availableInstances}`,
);

const r = await selfTest(env, name, { count: 200, size: 16 << 10 });
console.log(`${r.alg}: ${r.verified}/${r.count} round trips exact, ratio ${r.ratio.toFixed(2)}`);
console.log(
  `compress ${r.compressMBps.toFixed(1)} MB/s (p99 ${r.compressLatencyUs.p99.toFixed(0)} µs), ` +
    `decompress ${r.decompressMBps.toFixed(1)} MB/s`,
);
for (const f of r.failures) console.log(`FAILED ${f}`);
held.release();
console.log(`released; free queues ${findDevice(env, name).availableInstances}`);
if (r.failures.length > 0) Deno.exit(1);
