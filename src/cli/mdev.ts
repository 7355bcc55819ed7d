/**
 * `wd mdev types|list|create|remove`: VFIO mediated devices.
 *
 * @module
 */

import { type Command, command } from "./command.ts";
import { flag, InvalidArgumentError, value } from "./options.ts";
import { lazy } from "../lazy.ts";

const types = command({
  name: "types",
  description: "every mdev parent and its types: name, device API, free and used instances",
  options: {
    parent: value("--parent <name>", "only this parent (0000:3b:00.0, matrix)"),
    json: flag("--json", "print JSON records"),
    headers: flag("--no-headers", "leave out the header line"),
  },
  helpAfter: "\nExample:\n  wd mdev types --parent 0000:3b:00.0",
  async run(ctx, _operands, opts) {
    const { runMdevTypes } = await lazy<typeof import("../cmd/mdev.ts")>(
      "../cmd/mdev.ts",
      import.meta.url,
    );
    return runMdevTypes(await ctx.env(), opts);
  },
});

const list = command({
  name: "list",
  description: "active mdevs: parent, type, driver, IOMMU group and /dev/vfio node",
  options: {
    parent: value("--parent <name>", "only mdevs of this parent"),
    type: value("--type <id>", "only mdevs of this type (nvidia-63)"),
    json: flag("--json", "print JSON records"),
    headers: flag("--no-headers", "leave out the header line"),
  },
  helpAfter: "\nExample:\n  wd mdev list --type nvidia-63",
  async run(ctx, _operands, opts) {
    const { runMdevList } = await lazy<typeof import("../cmd/mdev.ts")>(
      "../cmd/mdev.ts",
      import.meta.url,
    );
    return runMdevList(await ctx.env(), opts);
  },
});

const create = command({
  name: "create",
  description: "create an mdev; prints the new UUID when none is given",
  options: {
    parent: value("--parent <name>", "the parent device (0000:3b:00.0, matrix)", {
      required: true,
    }),
    type: value("--type <id>", "the type (see wd mdev types)", { required: true }),
    uuid: value("--uuid <uuid>", "the UUID to use (default: a new random one)"),
    dryRun: flag("--dry-run", "check everything and print what would be written where"),
    wait: waitOption("appear"),
  },
  helpAfter: "\nNeeds root. Example:\n  wd mdev create --parent 0000:3b:00.0 --type nvidia-63",
  async run(ctx, _operands, opts) {
    const { runMdevCreate } = await lazy<typeof import("../cmd/mdev_write.ts")>(
      "../cmd/mdev_write.ts",
      import.meta.url,
    );
    return await runMdevCreate(await ctx.env(), {
      ...opts,
      parent: opts.parent!,
      type: opts.type!,
      wait: { timeoutMs: opts.wait * 1000 },
    });
  },
});

const remove = command({
  name: "remove",
  description: "remove an mdev",
  operands: [{ spec: "<uuid>", description: "the mdev's UUID" }],
  options: {
    dryRun: flag("--dry-run", "check everything and print what would be written where"),
    wait: waitOption("go away"),
  },
  helpAfter: "\nNeeds root. Example:\n  wd mdev remove 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001",
  async run(ctx, [uuid], opts) {
    const { runMdevRemove } = await lazy<typeof import("../cmd/mdev_write.ts")>(
      "../cmd/mdev_write.ts",
      import.meta.url,
    );
    return await runMdevRemove(await ctx.env(), uuid!, {
      ...opts,
      wait: { timeoutMs: opts.wait * 1000 },
    });
  },
});

/** `wd mdev`. */
export const mdev: Command = command({
  name: "mdev",
  description: "VFIO mediated devices: parent types, active mdevs, create and remove",
  commands: [types, list, create, remove],
});

/** `--wait <seconds>`: how long create/remove wait for the kernel (default 5). */
function waitOption(what: string) {
  return value("--wait <seconds>", `how long to wait for the mdev to ${what}`, {
    parse: parseSeconds,
    default: 5,
  });
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError("expected a number of seconds, 0 or more");
  }
  return n;
}
