/**
 * `wd list`, `wd info`, `wd doctor` and `wd queue alloc|test`: the uacce devices.
 *
 * @module
 */

import { Option } from "@commander-js/extra-typings";
import {
  parseCount as parseCountArg,
  parseSize as parseSizeArg,
  parseTimeout as parseTimeoutArg,
} from "../cmd/units.ts";
import type { EnvOf, SetCode, WdProgram } from "./types.ts";

/**
 * Adds the device commands.
 *
 * @param program The program.
 * @param envOf Makes the environment from a command's options.
 * @param setCode Receives the exit code.
 */
export function addDeviceCommands(program: WdProgram, envOf: EnvOf, setCode: SetCode): void {
  program.command("list")
    .description("list uacce accelerators: algorithms, free queues, NUMA node, SVA, isolation")
    .option("--json", "print JSON records")
    .option("--alg <name>", "only devices offering this algorithm (zlib, gzip, ...)")
    .option("--no-headers", "leave out the header line")
    .addHelpText("after", "\nExample:\n  wd list --alg gzip")
    .action(async (opts, cmd) => {
      const { runList } = await import("../cmd/list.ts");
      setCode(runList(await envOf(cmd), opts));
    });

  program.command("info")
    .description("everything about one device, and its driver's module parameters")
    .argument("<device>", "device name (hisi_zip-4) or node (/dev/hisi_zip-4)")
    .option("--json", "print one JSON record")
    .addHelpText("after", "\nExample:\n  wd info hisi_zip-4")
    .action(async (device, opts, cmd) => {
      const { runInfo } = await import("../cmd/info.ts");
      setCode(runInfo(await envOf(cmd), device, opts));
    });

  program.command("doctor")
    .description("check the kernel, drivers, IOMMU and devices; say what to fix")
    .argument("[device]", "only check this device (hisi_zip-4, dsa0, an mdev parent)")
    .option("--json", "print JSON records")
    .addHelpText("after", "\nExits 1 when any check fails.\n\nExample:\n  wd doctor hisi_zip-4")
    .action(async (device, opts, cmd) => {
      const { runDoctor } = await import("../cmd/doctor.ts");
      setCode(runDoctor(await envOf(cmd), device, opts));
    });

  const queue = program.command("queue").description(
    "take a queue of a device; round-trip data through it",
  );
  queue.command("alloc")
    .description("open, map, configure and start a queue, show what the kernel gave, release it")
    .argument("<device>", "device name (hisi_zip-4) or node")
    .addOption(
      new Option("--type <type>", "queue type").choices(["compress", "decompress"] as const)
        .default("compress" as const),
    )
    .option("--json", "print one JSON record")
    .addHelpText("after", "\nExample:\n  wd queue alloc hisi_zip-4")
    .action(async (device, opts, cmd) => {
      const { runQueueAlloc } = await import("../cmd/queue.ts");
      setCode(runQueueAlloc(await envOf(cmd), device, opts));
    });
  queue.command("test")
    .description("compress and decompress generated data on the device, verify every byte, time it")
    .argument("<device>", "device name (hisi_zip-4) or node")
    .option("--alg <name>", "zlib, gzip or deflate (default: gzip when offered)")
    .option("--size <bytes>", "bytes per request (up to 8M)", (v) => parseSizeArg(v), 65536)
    .option("--count <n>", "requests", (v) => parseCountArg(v), 100)
    .option("--in-flight <n>", "requests in flight", (v) => parseCountArg(v), 32)
    .option(
      "--timeout <ms>",
      "longest wait for one completion before the queue is declared dead (default: $WD_TIMEOUT_MS, else 5000)",
      (v) => parseTimeoutArg(v),
    )
    .option("--json", "print one JSON record")
    .addHelpText(
      "after",
      "\nExits 1 when any round trip differs.\n\nExample:\n  wd queue test hisi_zip-4 --alg zlib --size 8K --count 1000",
    )
    .action(async (device, opts, cmd) => {
      const { runQueueTest } = await import("../cmd/queue.ts");
      setCode(await runQueueTest(await envOf(cmd), device, opts));
    });
}
