/**
 * Creating and removing mdevs: check everything first, write one attribute, explain the errno
 * the kernel returned, then wait (bounded) until the device appears or goes.
 *
 * `create` takes the UUID (36 bytes; `create_store`, drivers/vfio/mdev/mdev_sysfs.c) and
 * fails with EEXIST (UUID used anywhere), EUSERS (no instance left), ENODEV (parent
 * unregistering) or the vendor driver's error (`mdev_device_create`, mdev_core.c). `remove`
 * takes a non-zero number (`kstrtoul`; 0 is a silent no-op) and fails with ENODEV (no such
 * device, or parent unregistering) or EAGAIN (not active yet) (`remove_store`,
 * `mdev_device_remove`). Both are mode 0200: only root may write them.
 *
 * @module
 */

import { type Env, hostPath } from "../../env.ts";
import { ExitCode, type ExitCodeValue, WdError, wdError } from "../../errors.ts";
import { Errno, errnoName, errnoText } from "../../ffi/errno.ts";
import { SysError } from "../../ffi/sys_error.ts";
import { writeAttr } from "../sysfs_write.ts";
import { assertFreeInstance, assertUuidFree, requireParent, requireType } from "./checks.ts";
import { findMdev, type Mdev, MDEV_DEVICES } from "./devices.ts";
import { MDEV_BUS_CLASS } from "./parents.ts";
import { newUuid, parseUuid } from "./uuid.ts";
import { checkWaitOptions, DEFAULT_WAIT_MS, type WaitOptions, waitUntil } from "./wait.ts";
import { checkEnv, checkName, checkOptions, checkType } from "../../validate.ts";

/**
 * One sysfs write, checked and ready: what goes where, and what to wait for after it.
 *
 * @example
 * ```ts
 * import { type MdevWrite, planRemove } from "@wd/wd";
 * import { FakeRoot, VGPU_MDEVS, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * const w: MdevWrite = planRemove(root.env().env, { uuid: VGPU_MDEVS.first });
 * console.log(w.action, w.parent, w.type, w.text); // remove 0000:3b:00.0 nvidia-63 1
 * ```
 */
export interface MdevWrite {
  /** `create` or `remove`. */
  action: "create" | "remove";
  /** The mdev's UUID, lower case. */
  uuid: string;
  /** The UUID as typed, when it was given in another case; null otherwise. */
  typedUuid: string | null;
  /** Whether wd made the UUID up (none was given). */
  generated: boolean;
  /** The parent. */
  parent: string;
  /** The type id. */
  type: string;
  /** The parent's driver, for messages. */
  parentDriver: string | null;
  /** The attribute written. */
  path: string;
  /** The exact text written. */
  text: string;
  /** The mdev's entry on the mdev bus, which appears after `create` and goes after `remove`. */
  busPath: string;
}

/**
 * What to create.
 *
 * @example
 * ```ts
 * import { type CreateRequest, planCreate } from "@wd/wd";
 * import { FakeRoot, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * const request: CreateRequest = { parent: "0000:3b:00.0", type: "nvidia-63" };
 * console.log(planCreate(root.env().env, request).generated); // true: wd made up the UUID
 * ```
 */
export interface CreateRequest {
  /** The parent's name. */
  parent: string;
  /** The type id. */
  type: string;
  /** The UUID; a random one when absent. */
  uuid?: string | undefined;
}

/**
 * What to remove.
 *
 * @example
 * ```ts
 * import { planRemove, type RemoveRequest } from "@wd/wd";
 * import { FakeRoot, VGPU_MDEVS, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * const request: RemoveRequest = { uuid: VGPU_MDEVS.second.toUpperCase() };
 * console.log(planRemove(root.env().env, request).uuid); // in lower case, as the kernel names it
 * ```
 */
export interface RemoveRequest {
  /** The mdev's UUID, in either case. */
  uuid: string;
}

/**
 * Checks a create request and says what to write where. Writes nothing: a dry run, or the
 * first half of {@linkcode createMdev}.
 *
 * @param env The environment.
 * @param request Parent, type and optional UUID.
 * @returns The write to make.
 * @throws UsageError (a malformed UUID), WdError (a UUID in use), NotFoundError (no such
 *   parent or type), UnsupportedError (no mdev support, not a parent), BusyError (no free
 *   instance).
 *
 * @example What `wd mdev create --dry-run` prints
 * ```ts
 * import { planCreate } from "@wd/wd";
 * import { FakeRoot, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * const w = planCreate(root.env().env, { parent: "0000:3b:00.0", type: "nvidia-63" });
 * console.log(`would write "${w.text}" to ${w.path}`);
 * ```
 */
export function planCreate(env: Env, request: CreateRequest): MdevWrite {
  checkEnv("planCreate", "env", env);
  checkOptions("planCreate", request, ["parent", "type", "uuid"]);
  checkName("planCreate", "parent", request.parent);
  checkName("planCreate", "type", request.type);
  checkType("planCreate", "uuid", request.uuid, "string");
  const given = request.uuid === undefined ? null : parseUuid(request.uuid);
  const uuid = given?.uuid ?? newUuid();
  const parent = requireParent(env, request.parent);
  const type = requireType(parent, request.type);
  assertUuidFree(env, uuid, { parent: parent.name, type: type.id });
  assertFreeInstance(parent, type);
  return {
    action: "create",
    uuid,
    typedUuid: given?.typed ?? null,
    generated: given === null,
    parent: parent.name,
    type: type.id,
    parentDriver: parent.driver,
    path: hostPath(env, `${MDEV_BUS_CLASS}/${parent.name}/mdev_supported_types/${type.id}/create`),
    text: uuid,
    busPath: hostPath(env, `${MDEV_DEVICES}/${uuid}`),
  };
}

/**
 * Checks a remove request and says what to write where. Writes nothing: a dry run, or the
 * first half of {@linkcode removeMdev}.
 *
 * @param env The environment.
 * @param request The UUID.
 * @returns The write to make.
 * @throws UsageError for a malformed UUID, NotFoundError for one no active mdev has.
 *
 * @example
 * ```ts
 * import { planRemove } from "@wd/wd";
 * import { FakeRoot, VGPU_MDEVS, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * const w = planRemove(root.env().env, { uuid: VGPU_MDEVS.full });
 * console.log(w.path.endsWith("/remove"), w.text); // true 1
 * ```
 */
export function planRemove(env: Env, request: RemoveRequest): MdevWrite {
  checkEnv("planRemove", "env", env);
  checkOptions("planRemove", request, ["uuid"]);
  checkName("planRemove", "uuid", request.uuid);
  const { uuid, typed } = parseUuid(request.uuid, "remove");
  const m = findMdev(env, uuid);
  const busPath = hostPath(env, `${MDEV_DEVICES}/${uuid}`);
  return {
    action: "remove",
    uuid,
    typedUuid: typed,
    generated: false,
    parent: m.parent ?? "?",
    type: m.type ?? "?",
    parentDriver: null,
    path: `${env.fs.exists(busPath) ? busPath : m.path}/remove`,
    text: "1",
    busPath,
  };
}

/**
 * Makes the write, then waits until the mdev has appeared (create) or gone (remove).
 *
 * @param env The environment.
 * @param w The checked write from {@linkcode planCreate} or {@linkcode planRemove}.
 * @param wait The bound on waiting (default 5 s) and, for tests, the clock.
 * @throws WdError explaining the errno (PermissionError without root, BusyError, ...), or
 *   saying the wait timed out.
 *
 * @example Create an mdev on a fake host whose "kernel" makes it appear
 * ```ts
 * import { applyWrite, planCreate } from "@wd/wd";
 * import { FakeRoot, mdevKernel, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * root.kernel(mdevKernel(root, { driver: "nvidia-vgpu-vfio", firstGroup: 150 }));
 * const { env } = root.env();
 * const w = planCreate(env, { parent: "0000:3b:00.0", type: "nvidia-63" });
 * await applyWrite(env, w, { timeoutMs: 1000 });
 * console.log("created", w.uuid);
 * ```
 */
export async function applyWrite(env: Env, w: MdevWrite, wait: WaitOptions = {}): Promise<void> {
  checkWaitOptions("applyWrite", wait);
  try {
    writeAttr(env, w.path, w.text);
  } catch (err) {
    if (err instanceof SysError) throw explain(w, err);
    throw err;
  }
  const want = w.action === "create";
  if (await waitUntil(() => env.fs.exists(w.busPath) === want, wait)) return;
  const seconds = (wait.timeoutMs ?? DEFAULT_WAIT_MS) / 1000;
  throw new WdError(
    `Timed out after ${seconds} s waiting for mdev ${w.uuid} to ${want ? "appear" : "go away"}`,
    {
      hint: want
        ? `the kernel accepted the UUID but ${w.busPath} is not there yet: see wd mdev list and dmesg`
        : `the kernel accepted the removal but ${w.busPath} is still there: is a VM still using it?`,
    },
  );
}

/**
 * Creates an mdev, as `wd mdev create` does: checks (the UUID is free, the parent is
 * registered, the type exists and has a free instance), writes the UUID to the type's
 * `create`, and waits until the mdev appears.
 *
 * @param env The environment.
 * @param request Parent, type and optional UUID (a random one when absent).
 * @param wait How long to wait for the kernel (default 5 s).
 * @returns The new mdev.
 * @throws As {@linkcode planCreate} and {@linkcode applyWrite}: PermissionError without root.
 *
 * @example
 * ```ts
 * import { createMdev } from "@wd/wd";
 * import { FakeRoot, mdevKernel, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * root.kernel(mdevKernel(root, { driver: "nvidia-vgpu-vfio", firstGroup: 150 }));
 * const m = await createMdev(root.env().env, { parent: "0000:3b:00.0", type: "nvidia-63" });
 * console.log(m.parent, m.type); // 0000:3b:00.0 nvidia-63
 * ```
 */
export async function createMdev(
  env: Env,
  request: CreateRequest,
  wait: WaitOptions = {},
): Promise<Mdev> {
  const w = planCreate(env, request);
  await applyWrite(env, w, wait);
  return findMdev(env, w.uuid);
}

/**
 * Removes an mdev, as `wd mdev remove` does: writes `1` to its `remove` and waits until it is
 * gone.
 *
 * @param env The environment.
 * @param request The UUID.
 * @param wait How long to wait for the kernel (default 5 s).
 * @throws As {@linkcode planRemove} and {@linkcode applyWrite}.
 *
 * @example
 * ```ts
 * import { listMdevs, removeMdev } from "@wd/wd";
 * import { FakeRoot, mdevKernel, VGPU_MDEVS, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create());
 * root.kernel(mdevKernel(root, { driver: "nvidia-vgpu-vfio", firstGroup: 150 }));
 * const { env } = root.env();
 * await removeMdev(env, { uuid: VGPU_MDEVS.full });
 * console.log(listMdevs(env).some((m) => m.uuid === VGPU_MDEVS.full)); // false
 * ```
 */
export async function removeMdev(
  env: Env,
  request: RemoveRequest,
  wait: WaitOptions = {},
): Promise<void> {
  await applyWrite(env, planRemove(env, request), wait);
}

/** Why a write failed, per errno: [message tail, exit code, hint]. */
type Explanation = [string, ExitCodeValue, string];

function explain(w: MdevWrite, err: SysError): WdError {
  const what = w.action === "create"
    ? `Cannot create mdev ${w.uuid} of type ${w.type} on ${w.parent}`
    : `Cannot remove mdev ${w.uuid}`;
  const [why, exitCode, hint] = (w.action === "create" ? createErrno : removeErrno)(w, err) ??
    sharedErrno(w, err);
  return wdError(`${what}: ${why} (${err.code})`, { exitCode, hint, cause: err });
}

function createErrno(w: MdevWrite, err: SysError): Explanation | undefined {
  switch (err.errno) {
    case Errno.EEXIST:
      return [
        "the kernel says this UUID is already in use",
        ExitCode.FAILURE,
        "another mdev took it since wd checked: pick another UUID, or give none for a new one",
      ];
    case Errno.EUSERS:
      return [
        "no instance of the type is left",
        ExitCode.BUSY,
        `another mdev took the last one since wd checked: see wd mdev types --parent ${w.parent}`,
      ];
    case Errno.ENODEV:
      return [
        "the parent is being unregistered",
        ExitCode.NOT_FOUND,
        `its driver is unloading or the device is going away: check dmesg`,
      ];
    case Errno.EINVAL:
      return [
        "the vendor driver refused it",
        ExitCode.FAILURE,
        `the UUID is well-formed, so ${w.parentDriver ?? "the parent's driver"} rejected this ` +
        `type here: check dmesg${
          w.parentDriver === "nvidia" ? " (NVIDIA vGPU: a GPU hosts one vGPU type at a time)" : ""
        }`,
      ];
  }
  return undefined;
}

function removeErrno(w: MdevWrite, err: SysError): Explanation | undefined {
  switch (err.errno) {
    case Errno.ENODEV:
      return [
        "the kernel no longer knows it, or its parent is being unregistered",
        ExitCode.NOT_FOUND,
        "see wd mdev list",
      ];
    case Errno.EAGAIN:
      return [
        "it is not active yet (still being created)",
        ExitCode.BUSY,
        `try again in a moment: wd mdev remove ${w.uuid}`,
      ];
    case Errno.EBUSY:
      return [
        "it is in use",
        ExitCode.BUSY,
        "its vendor driver cannot unplug it while a VM uses it: stop the VM first",
      ];
    case Errno.ENOENT:
      return [
        "it went away before wd could write remove",
        ExitCode.NOT_FOUND,
        "see wd mdev list",
      ];
  }
  return undefined;
}

function sharedErrno(w: MdevWrite, err: SysError): Explanation {
  switch (err.errno) {
    case Errno.EACCES:
    case Errno.EPERM:
      return [
        `writing ${w.path} needs root`,
        ExitCode.PERMISSION,
        `mdev ${w.action} attributes are writable by root only (mode 0200): run it as root (sudo wd mdev ${w.action} ...)`,
      ];
    case Errno.ENOENT:
      return [
        `${w.path} does not exist`,
        ExitCode.NOT_FOUND,
        "the parent or type went away since wd checked: see wd mdev types",
      ];
  }
  return [
    errnoText(err.errno),
    ExitCode.FAILURE,
    `the kernel or the vendor driver refused with ${errnoName(err.errno)}: check dmesg`,
  ];
}
