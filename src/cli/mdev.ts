/**
 * `wd mdev types|list|create|remove`: VFIO mediated devices.
 *
 * @module
 */

import { InvalidArgumentError, Option } from "@commander-js/extra-typings";
import type { EnvOf, SetCode, WdProgram } from "./types.ts";

/**
 * Adds `wd mdev` and its subcommands.
 *
 * @param program The program.
 * @param envOf Makes the environment from a command's options.
 * @param setCode Receives the exit code.
 */
export function addMdevCommands(program: WdProgram, envOf: EnvOf, setCode: SetCode): void {
  const mdev = program.command("mdev")
    .description("VFIO mediated devices: parent types, active mdevs, create and remove");

  mdev.command("types")
    .description("every mdev parent and its types: name, device API, free and used instances")
    .option("--parent <name>", "only this parent (0000:3b:00.0, matrix)")
    .option("--json", "print JSON records")
    .option("--no-headers", "leave out the header line")
    .addHelpText("after", "\nExample:\n  wd mdev types --parent 0000:3b:00.0")
    .action(async (opts, cmd) => {
      const { runMdevTypes } = await import("../cmd/mdev.ts");
      setCode(runMdevTypes(await envOf(cmd), opts));
    });

  mdev.command("list")
    .description("active mdevs: parent, type, driver, IOMMU group and /dev/vfio node")
    .option("--parent <name>", "only mdevs of this parent")
    .option("--type <id>", "only mdevs of this type (nvidia-63)")
    .option("--json", "print JSON records")
    .option("--no-headers", "leave out the header line")
    .addHelpText("after", "\nExample:\n  wd mdev list --type nvidia-63")
    .action(async (opts, cmd) => {
      const { runMdevList } = await import("../cmd/mdev.ts");
      setCode(runMdevList(await envOf(cmd), opts));
    });

  mdev.command("create")
    .description("create an mdev; prints the new UUID when none is given")
    .requiredOption("--parent <name>", "the parent device (0000:3b:00.0, matrix)")
    .requiredOption("--type <id>", "the type (see wd mdev types)")
    .option("--uuid <uuid>", "the UUID to use (default: a new random one)")
    .option("--dry-run", "check everything and print what would be written where")
    .addOption(waitOption("appear"))
    .addHelpText(
      "after",
      "\nNeeds root. Example:\n  wd mdev create --parent 0000:3b:00.0 --type nvidia-63",
    )
    .action(async (opts, cmd) => {
      const { runMdevCreate } = await import("../cmd/mdev_write.ts");
      setCode(
        await runMdevCreate(await envOf(cmd), { ...opts, wait: { timeoutMs: opts.wait * 1000 } }),
      );
    });

  mdev.command("remove")
    .description("remove an mdev")
    .argument("<uuid>", "the mdev's UUID")
    .option("--dry-run", "check everything and print what would be written where")
    .addOption(waitOption("go away"))
    .addHelpText(
      "after",
      "\nNeeds root. Example:\n  wd mdev remove 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001",
    )
    .action(async (uuid, opts, cmd) => {
      const { runMdevRemove } = await import("../cmd/mdev_write.ts");
      setCode(
        await runMdevRemove(await envOf(cmd), uuid, {
          ...opts,
          wait: { timeoutMs: opts.wait * 1000 },
        }),
      );
    });
}

/** `--wait <seconds>`: how long create/remove wait for the kernel (default 5). */
function waitOption(what: string) {
  return new Option("--wait <seconds>", `how long to wait for the mdev to ${what}`)
    .argParser(parseSeconds)
    .default(5);
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError("expected a number of seconds, 0 or more");
  }
  return n;
}
