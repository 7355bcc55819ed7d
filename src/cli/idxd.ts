/**
 * `wd idxd list`: Intel DSA and IAA.
 *
 * @module
 */

import { type Command, command } from "./command.ts";
import { flag } from "./options.ts";
import { lazy } from "../lazy.ts";

const list = command({
  name: "list",
  description: "devices with their groups, engines and work queues, disabled ones included",
  operands: [{ spec: "[device]", description: "only this device (dsa0, iax1)" }],
  options: {
    json: flag("--json", "print JSON records, one per device, group, engine and work queue"),
    headers: flag("--no-headers", "leave out the column header lines"),
  },
  helpAfter: "\nExample:\n  wd idxd list dsa0",
  async run(ctx, [device], opts) {
    const { runIdxdList } = await lazy<typeof import("../cmd/idxd.ts")>(
      "../cmd/idxd.ts",
      import.meta.url,
    );
    return runIdxdList(await ctx.env(), device, opts);
  },
});

/** `wd idxd`. */
export const idxd: Command = command({
  name: "idxd",
  description: "Intel DSA and IAA accelerators (idxd): devices, groups, engines, work queues",
  commands: [list],
});
