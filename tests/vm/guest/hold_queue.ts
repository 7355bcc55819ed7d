/**
 * A child process for abi_test.ts: opens, maps and starts a queue of the device named in its
 * argument, says so on stdout, then sleeps in poll() on it until it is killed.
 *
 * @module
 */

import { RawQueue } from "./raw_queue.ts";

const device = Deno.args[0] ?? "hisi_zip-0";
const q = RawQueue.started(device, 0);
console.log(`holding queue ${q.id} of ${device}`);
for (;;) await q.poll(1000);
