/**
 * `wd idxd list`: Intel DSA and IAA.
 *
 * @module
 */

import type { EnvOf, SetCode, WdProgram } from "./types.ts";

/**
 * Adds `wd idxd` and its subcommands.
 *
 * @param program The program.
 * @param envOf Makes the environment from a command's options.
 * @param setCode Receives the exit code.
 */
export function addIdxdCommands(program: WdProgram, envOf: EnvOf, setCode: SetCode): void {
  const idxd = program.command("idxd")
    .description("Intel DSA and IAA accelerators (idxd): devices, groups, engines, work queues");

  idxd.command("list")
    .description("devices with their groups, engines and work queues, disabled ones included")
    .argument("[device]", "only this device (dsa0, iax1)")
    .option("--json", "print JSON records, one per device, group, engine and work queue")
    .option("--no-headers", "leave out the column header lines")
    .addHelpText("after", "\nExample:\n  wd idxd list dsa0")
    .action(async (device, opts, cmd) => {
      const { runIdxdList } = await import("../cmd/idxd.ts");
      setCode(runIdxdList(await envOf(cmd), device, opts));
    });
}
