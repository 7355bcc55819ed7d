#!/usr/bin/env -S deno run -A
/**
 * Lists the uacce accelerators of this host (or of `WD_ROOT`'s tree, or of the device model
 * when `WD_SIM` is set): name, algorithms, free queues, NUMA node, SVA, and whether a process
 * could use it now.
 *
 *     WD_SIM=v3 bin/deno run -A examples/list_devices.ts
 *
 * @module
 */

import { listDevices, processEnv, type UacceDevice } from "@wd/wd";

function usable(d: UacceDevice): string {
  if (d.isolated) return "no: isolated";
  if (d.sva !== true) return "no: no SVA";
  if (!d.node.accessible) return `no: ${d.node.accessError ?? "cannot open the node"}`;
  if ((d.availableInstances ?? 0) === 0) return "no: no free queue";
  return "yes";
}

const env = processEnv();
const devices = listDevices(env);
if (devices.length === 0) {
  console.log(`no uacce devices under ${env.root} (try WD_SIM=v3 for the device model)`);
} else {
  console.log("DEVICE        ALGORITHMS                    FREE  NODE  SVA  USABLE");
  for (const d of devices) {
    console.log(
      [
        d.name.padEnd(12),
        (d.algorithms ?? []).join(",").padEnd(28),
        String(d.availableInstances ?? "?").padStart(5),
        String(d.numaNode ?? "?").padStart(4),
        (d.sva ? "yes" : "no").padStart(4),
        usable(d),
      ].join("  "),
    );
  }
}
