/**
 * What `wd doctor` says about mdev: parents that cannot take another mdev. A host without mdev
 * support gets no checks at all (most hosts never use it).
 *
 * @module
 */

import type { Env } from "../../env.ts";
import { checkEnv, checkOptions, checkType } from "../../validate.ts";
import { type Check, check, type DiagnoseOptions } from "../check.ts";
import { findMdevParent, NO_MDEV_HINT } from "./checks.ts";
import { listMdevParents, mdevBusPresent, type MdevParent } from "./parents.ts";

/**
 * Checks every mdev parent (one that cannot take another mdev fails), or only one.
 *
 * @param env The environment.
 * @param options `device`: check only this mdev parent.
 * @returns The checks; none on a host without mdev support (unless `device` is given).
 * @throws NotFoundError when `device` is no mdev parent; UnsupportedError when it is given on
 *   a host without mdev support.
 *
 * @example Parents with no free instance
 * ```ts
 * import { diagnoseMdev } from "@wd/wd";
 * import { FakeRoot, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * for (const c of diagnoseMdev(root.env().env)) console.log(c.verdict, c.subject, c.detail);
 * ```
 */
export function diagnoseMdev(env: Env, options: DiagnoseOptions = {}): Check[] {
  checkEnv("diagnoseMdev", "env", env);
  checkOptions("diagnoseMdev", options, ["device"]);
  checkType("diagnoseMdev", "device", options.device, "string");
  if (options.device !== undefined) return [parentCheck(findMdevParent(env, options.device))];
  if (!mdevBusPresent(env)) return [];
  const parents = listMdevParents(env);
  if (parents.length === 0) {
    return [
      check(
        "mdev-parents",
        "mdev",
        "warn",
        "the mdev core is loaded but no device is registered as a parent now",
        NO_MDEV_HINT,
      ),
    ];
  }
  return parents.map(parentCheck);
}

function parentCheck(p: MdevParent): Check {
  if (!p.registered) {
    return check(
      "mdev-instances",
      p.name,
      "fail",
      "listed in mdev_bus but has no mdev_supported_types",
      `its driver (${p.driver ?? "none"}) is unregistering or failed: check dmesg`,
    );
  }
  const used = p.types.reduce((n, t) => n + t.instances.length, 0);
  const free = p.types.filter((t) => (t.availableInstances ?? 0) > 0);
  const unknown = p.types.some((t) => t.availableInstances === null);
  const mdevs = plural(used, "mdev");
  if (free.length > 0 || unknown) {
    return check(
      "mdev-instances",
      p.name,
      "ok",
      `${plural(p.types.length, "type")}, ${free.length} with free instances, ${mdevs}`,
    );
  }
  return check(
    "mdev-instances",
    p.name,
    "warn",
    `no free instances on any of its ${plural(p.types.length, "type")} (${mdevs})`,
    `remove unused mdevs (wd mdev list --parent ${p.name}, then wd mdev remove UUID) or use another parent`,
  );
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}
