/**
 * `wd list`, `wd info`, `wd doctor` and `wd queue alloc|test`: the uacce devices.
 *
 * @module
 */

import { type Command, command } from "./command.ts";
import { flag, value } from "./options.ts";
import { parseCount, parseSize, parseTimeout } from "./units.ts";
import { lazy } from "../lazy.ts";

/** `wd list`. */
export const list: Command = command({
  name: "list",
  description: "list uacce accelerators: algorithms, free queues, NUMA node, SVA, isolation",
  options: {
    json: flag("--json", "print JSON records"),
    alg: value("--alg <name>", "only devices offering this algorithm (zlib, gzip, ...)"),
    headers: flag("--no-headers", "leave out the header line"),
  },
  helpAfter: "\nExample:\n  wd list --alg gzip",
  async run(ctx, _operands, opts) {
    const { runList } = await lazy<typeof import("../cmd/list.ts")>(
      "../cmd/list.ts",
      import.meta.url,
    );
    return runList(await ctx.env(), opts);
  },
});

/** `wd info`. */
export const info: Command = command({
  name: "info",
  description: "everything about one device, and its driver's module parameters",
  operands: [{
    spec: "<device>",
    description: "device name (hisi_zip-4) or node (/dev/hisi_zip-4)",
  }],
  options: { json: flag("--json", "print one JSON record") },
  helpAfter: "\nExample:\n  wd info hisi_zip-4",
  async run(ctx, [device], opts) {
    const { runInfo } = await lazy<typeof import("../cmd/info.ts")>(
      "../cmd/info.ts",
      import.meta.url,
    );
    return runInfo(await ctx.env(), device!, opts);
  },
});

/** `wd doctor`. */
export const doctor: Command = command({
  name: "doctor",
  description: "check the kernel, drivers, IOMMU and devices; say what to fix",
  operands: [{
    spec: "[device]",
    description: "only check this device (hisi_zip-4, dsa0, an mdev parent)",
  }],
  options: { json: flag("--json", "print JSON records") },
  helpAfter: "\nExits 1 when any check fails.\n\nExample:\n  wd doctor hisi_zip-4",
  async run(ctx, [device], opts) {
    const { runDoctor } = await lazy<typeof import("../cmd/doctor.ts")>(
      "../cmd/doctor.ts",
      import.meta.url,
    );
    return runDoctor(await ctx.env(), device, opts);
  },
});

const alloc = command({
  name: "alloc",
  description: "open, map, configure and start a queue, show what the kernel gave, release it",
  operands: [{ spec: "<device>", description: "device name (hisi_zip-4) or node" }],
  options: {
    type: value<"compress" | "decompress">("--type <type>", "queue type", {
      choices: ["compress", "decompress"],
      default: "compress",
      parse: (t) => t as "compress" | "decompress",
    }),
    json: flag("--json", "print one JSON record"),
  },
  helpAfter: "\nExample:\n  wd queue alloc hisi_zip-4",
  async run(ctx, [device], opts) {
    const { runQueueAlloc } = await lazy<typeof import("../cmd/queue.ts")>(
      "../cmd/queue.ts",
      import.meta.url,
    );
    return runQueueAlloc(await ctx.env(), device!, opts);
  },
});

const test = command({
  name: "test",
  description: "compress and decompress generated data on the device, verify every byte, time it",
  operands: [{ spec: "<device>", description: "device name (hisi_zip-4) or node" }],
  options: {
    alg: value("--alg <name>", "zlib, gzip or deflate (default: gzip when offered)"),
    size: value("--size <bytes>", "bytes per request (up to 8M)", {
      parse: parseSize,
      default: 65536,
    }),
    count: value("--count <n>", "requests", { parse: parseCount, default: 100 }),
    inFlight: value("--in-flight <n>", "requests in flight", { parse: parseCount, default: 32 }),
    timeout: value(
      "--timeout <ms>",
      "longest wait for one completion before the queue is declared dead (default: $WD_TIMEOUT_MS, else 5000)",
      { parse: parseTimeout },
    ),
    json: flag("--json", "print one JSON record"),
  },
  helpAfter:
    "\nExits 1 when any round trip differs.\n\nExample:\n  wd queue test hisi_zip-4 --alg zlib --size 8K --count 1000",
  async run(ctx, [device], opts) {
    const { runQueueTest } = await lazy<typeof import("../cmd/queue.ts")>(
      "../cmd/queue.ts",
      import.meta.url,
    );
    return await runQueueTest(await ctx.env(), device!, opts);
  },
});

/** `wd queue alloc|test`. */
export const queue: Command = command({
  name: "queue",
  description: "take a queue of a device; round-trip data through it",
  commands: [alloc, test],
});
