/**
 * The checks `wd mdev create` makes before it writes anything, in mdevctl's order (mdevctl
 * src/mdev.rs `create`): the UUID is free everywhere, the parent exists and is registered for
 * mdev, the type exists, and it has a free instance. Each failure says what to do.
 *
 * @module
 */

import { type Env, hostPath } from "../../env.ts";
import { BusyError, ExitCode, NotFoundError, UnsupportedError, WdError } from "../../errors.ts";
import { existingHint, nearName } from "../suggest.ts";
import { checkEnv, checkName } from "../../validate.ts";
import { mdevWithUuid } from "./devices.ts";
import {
  MDEV_BUS_CLASS,
  mdevBusPresent,
  type MdevParent,
  type MdevType,
  parentNames,
  readParent,
} from "./parents.ts";

/** What to tell a host without mdev support. */
export const NO_MDEV_HINT =
  "load a vendor driver that registers mdev parents (NVIDIA vGPU manager, i915 with " +
  "enable_gvt=1 and kvmgt, vfio_ap, vfio_ccw, mtty for testing)";

/**
 * Fails when a UUID is already taken by any mdev, on any parent.
 *
 * @param env The environment.
 * @param uuid The lower-case UUID.
 * @param want The parent and type the caller wants, to word the message.
 * @throws WdError naming the mdev that has it.
 */
export function assertUuidFree(
  env: Env,
  uuid: string,
  want: { parent: string; type: string },
): void {
  const m = mdevWithUuid(env, uuid);
  if (m === null) return;
  const where = `type ${m.type ?? "?"} on ${m.parent ?? "?"}`;
  const same = m.parent === want.parent && m.type === want.type;
  throw new WdError(
    same
      ? `Mdev ${uuid} already exists (${where})`
      : `UUID ${uuid} is already used by an mdev of ${where}`,
    {
      exitCode: ExitCode.FAILURE,
      hint:
        `a UUID names one mdev on the whole host: remove that one first (wd mdev remove ${uuid}) or give no UUID for a new one`,
    },
  );
}

/**
 * One mdev parent by name, registered or not (one whose driver is unregistering has no types).
 *
 * @param env The environment.
 * @param name The parent's name (`0000:3b:00.0`, `matrix`).
 * @returns The parent and its types.
 * @throws UnsupportedError when the host has no mdev support or the device is no parent;
 *   NotFoundError (with "did you mean") when nothing has that name.
 *
 * @example
 * ```ts
 * import { findMdevParent } from "@wd/wd";
 * import { FakeRoot, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * const p = findMdevParent(root.env().env, "0000:3b:00.0");
 * console.log(p.driver, p.types.map((t) => t.id)); // nvidia [ "nvidia-63", "nvidia-64" ]
 * ```
 */
export function findMdevParent(env: Env, name: string): MdevParent {
  checkEnv("findMdevParent", "env", env);
  checkName("findMdevParent", "parent", name);
  if (!mdevBusPresent(env)) {
    throw new UnsupportedError(
      `No mdev support on this host: ${hostPath(env, MDEV_BUS_CLASS)} does not exist`,
      { hint: NO_MDEV_HINT },
    );
  }
  const names = parentNames(env);
  if (!names.includes(name)) throw parentNotFound(env, name, names);
  return readParent(env, name);
}

/**
 * Finds the parent a user named, registered for mdev.
 *
 * @param env The environment.
 * @param name The parent name as typed.
 * @returns The parent.
 * @throws UnsupportedError when the host has no mdev parents, the device is not one or it is
 *   not registered now; NotFoundError (with "did you mean") when nothing has that name.
 */
export function requireParent(env: Env, name: string): MdevParent {
  const parent = findMdevParent(env, name);
  if (!parent.registered) {
    throw new UnsupportedError(`Parent ${name} is not currently registered for mdev support`, {
      hint: `${hostPath(env, `${MDEV_BUS_CLASS}/${name}`)} has no mdev_supported_types: ` +
        `its driver (${parent.driver ?? "none"}) is unregistering or failed; check dmesg`,
    });
  }
  return parent;
}

function parentNotFound(env: Env, name: string, names: string[]): WdError {
  const near = nearName(name, names);
  if (near === undefined && env.fs.exists(hostPath(env, `sys/bus/pci/devices/${name}`))) {
    return new UnsupportedError(`Device ${name} is not registered for mdev support`, {
      hint: `its driver offers no mdev types; ${existingHint("mdev parents", names)}`,
    });
  }
  return new NotFoundError(`Cannot find mdev parent "${name}"`, {
    hint: near !== undefined ? `did you mean "${near}"?` : existingHint("mdev parents", names),
  });
}

/**
 * Finds the type a user named on a parent. Besides the case-insensitive match, the hint
 * recognises a type given by its `name` (`GRID P4-1Q`) or without the driver prefix.
 *
 * @param parent The parent.
 * @param id The type id as typed.
 * @returns The type.
 * @throws WdError (not found) with a "did you mean" or the types that exist.
 */
export function requireType(parent: MdevParent, id: string): MdevType {
  const type = parent.types.find((t) => t.id === id);
  if (type !== undefined) return type;
  const ids = parent.types.map((t) => t.id);
  const byName = parent.types.find((t) =>
    t.name !== null && t.name.toLowerCase() === id.toLowerCase()
  );
  const near = nearName(id, ids) ?? byName?.id ??
    nearName(`${parent.driver ?? ""}-${id}`, ids);
  throw new NotFoundError(`Parent ${parent.name} does not support mdev type "${id}"`, {
    hint: near !== undefined
      ? `did you mean "${near}"${nameOf(parent, near)}?`
      : existingHint(`types on ${parent.name}`, ids),
  });
}

function nameOf(parent: MdevParent, id: string): string {
  const name = parent.types.find((t) => t.id === id)?.name;
  return name && name !== id ? ` (${name})` : "";
}

/**
 * Fails when a type has no free instance, saying which mdevs use the parent.
 *
 * @param parent The parent.
 * @param type The type.
 * @throws WdError (busy) when `available_instances` is 0.
 */
export function assertFreeInstance(parent: MdevParent, type: MdevType): void {
  if (type.availableInstances !== 0) return; // unreadable: let the kernel decide
  const used = parent.types.filter((t) => t.instances.length > 0);
  const free = parent.types.filter((t) => (t.availableInstances ?? 0) > 0).map((t) => t.id);
  const parts: string[] = [];
  if (used.length > 0) {
    parts.push(
      `mdevs on ${parent.name}: ${used.map((t) => `${t.id} x${t.instances.length}`).join(", ")}` +
        ` (remove one with wd mdev remove UUID)`,
    );
  }
  if (used.some((t) => t.id !== type.id)) {
    parts.push("some drivers (NVIDIA vGPU) host one type per device at a time");
  }
  parts.push(
    free.length > 0
      ? `types with free instances: ${free.join(", ")}`
      : "no type on this parent has a free instance",
  );
  throw new BusyError(`No available instances of ${type.id} on ${parent.name}`, {
    hint: parts.join("; "),
  });
}
