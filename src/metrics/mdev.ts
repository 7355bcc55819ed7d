/**
 * Metrics of VFIO mediated devices: for each parent and type, how many more mdevs can be
 * created (`available_instances`) and how many exist (entries of the type's `devices/`).
 *
 * @module
 */

import type { Env } from "../env.ts";
import { listMdevParents } from "../drivers/mdev/parents.ts";
import type { Exposition } from "./exposition.ts";

/**
 * Adds the mdev metrics.
 *
 * @param x The exposition.
 * @param env The environment.
 */
export function collectMdev(x: Exposition, env: Env): void {
  const parents = listMdevParents(env);
  const parentInfo = x.gauge(
    "wd_mdev_parent_info",
    "A device registered as an mdev parent (sys/class/mdev_bus/<parent>) and its driver; always 1.",
  );
  const typeInfo = x.gauge(
    "wd_mdev_type_info",
    "An mdev type of a parent: the driver's name for it and the device API its mdevs offer; always 1.",
  );
  const free = x.gauge(
    "wd_mdev_type_available_instances",
    "How many more mdevs of the type can be created now (available_instances).",
  );
  const active = x.gauge("wd_mdev_type_devices", "Mdevs of the type that exist now.");
  for (const p of parents) {
    parentInfo.add({ parent: p.name, driver: p.driver ?? "", bus: p.bus ?? "" }, 1);
    for (const t of p.types) {
      const labels = { parent: p.name, type: t.id };
      typeInfo.add({ ...labels, name: t.name ?? "", device_api: t.deviceApi ?? "" }, 1);
      free.add(labels, t.availableInstances);
      active.add(labels, t.instances.length);
    }
  }
}
