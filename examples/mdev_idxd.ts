#!/usr/bin/env -S deno run -A
/**
 * Lists the VFIO mediated-device types with free instances, the active mdevs, and the Intel
 * DSA/IAA work queues a process could open, on this host or on a tree laid out like sysfs
 * (a host's `/sys` and `/dev` mounted under ROOT). With `--demo`, on a fake NVIDIA vGPU and
 * Sapphire Rapids host from `@wd/wd/testing`.
 *
 *     bin/deno run -A examples/mdev_idxd.ts [ROOT | --demo]
 *
 * @module
 */

import { listIdxdDevices, listMdevParents, listMdevs, processEnv } from "@wd/wd";
import { FakeRoot, sapphireRapids, vgpuHost } from "@wd/wd/testing";

const arg = Deno.args[0];
using demo = arg === "--demo" ? sapphireRapids(vgpuHost(FakeRoot.create())) : undefined;
const env = processEnv(demo ? { root: demo.root } : arg ? { root: arg } : {});

console.log("mdev types with free instances:");
for (const p of listMdevParents(env)) {
  for (const t of p.types.filter((t) => (t.availableInstances ?? 0) > 0)) {
    console.log(
      `  ${p.name}  ${t.id} (${t.name ?? "?"}, ${
        t.deviceApi ?? "?"
      }): ${t.availableInstances} free`,
    );
  }
}
console.log("active mdevs:");
for (const m of listMdevs(env)) {
  console.log(
    `  ${m.uuid}  ${m.parent}/${m.type}  ${m.driver ?? "no driver"}  ${m.vfioNode ?? "-"}`,
  );
}
console.log("user work queues:");
for (const d of listIdxdDevices(env)) {
  for (const w of d.wqs.filter((w) => w.type === "user" && w.state === "enabled")) {
    const node = w.devNodeExists ? w.devNode : `${w.devNode} (missing)`;
    console.log(`  ${d.name}/${w.name}  ${w.mode}  size ${w.size}  ${node}`);
  }
}
