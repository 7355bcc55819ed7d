/**
 * Every diagnosis at once: what `wd doctor` checks, uacce, mdev and idxd, each check with its
 * subsystem.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { NotFoundError } from "../errors.ts";
import { checkEnv, checkOptions, checkType } from "../validate.ts";
import type { Check, DiagnoseOptions } from "./check.ts";
import { findDevice } from "./uacce/discover.ts";
import { diagnoseUacce } from "./uacce/diagnose.ts";
import { diagnoseMdev } from "./mdev/diagnose.ts";
import { parentNames } from "./mdev/parents.ts";
import { diagnoseIdxd } from "./idxd/diagnose.ts";
import { idxdDeviceNames } from "./idxd/discover.ts";
import { existingHint, nearName } from "./suggest.ts";

/** A diagnosis of one subsystem. */
export type Diagnosis = (env: Env, options?: DiagnoseOptions) => Check[];

/**
 * The subsystems `wd doctor` checks.
 *
 * @example
 * ```ts
 * import { diagnose, simulatedEnv, type Subsystem } from "@wd/wd";
 * await using env = simulatedEnv();
 * const subsystems = new Set<Subsystem>(diagnose(env).map((c) => c.subsystem));
 * console.log([...subsystems]); // [ "uacce" ]: the model has no mdev or idxd
 * ```
 */
export type Subsystem = "uacce" | "mdev" | "idxd";

/** Every diagnosis `wd doctor` runs, in order, by subsystem. */
export const DIAGNOSES: Readonly<Record<Subsystem, Diagnosis>> = {
  uacce: diagnoseUacce,
  mdev: diagnoseMdev,
  idxd: diagnoseIdxd,
};

/**
 * A check and the subsystem it belongs to.
 *
 * @example
 * ```ts
 * import { diagnose, type SubsystemCheck } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * const idxd: SubsystemCheck[] = diagnose(root.env().env).filter((c) => c.subsystem === "idxd");
 * console.log(idxd.length > 0); // true
 * ```
 */
export interface SubsystemCheck extends Check {
  /** `uacce`, `mdev` or `idxd`. */
  subsystem: Subsystem;
}

/**
 * Runs every diagnosis, or only the one of `device`'s subsystem for that device: what
 * `wd doctor` prints (and exits 1 for when any check fails).
 *
 * @param env The environment.
 * @param options `device`: a uacce device (name or node), a DSA/IAA device or an mdev parent.
 * @returns The checks, each with its subsystem, in `wd doctor`'s order.
 * @throws NotFoundError when `device` is none of those.
 *
 * @example Fail a script on anything wd doctor would fail
 * ```ts
 * import { diagnose, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const failed = diagnose(env).filter((c) => c.verdict === "fail");
 * for (const c of failed) console.log(c.subsystem, c.subject, c.detail, c.advice);
 * if (failed.length > 0) Deno.exitCode = 1;
 * ```
 */
export function diagnose(env: Env, options: DiagnoseOptions = {}): SubsystemCheck[] {
  checkEnv("diagnose", "env", env);
  checkOptions("diagnose", options, ["device"]);
  checkType("diagnose", "device", options.device, "string");
  const target = options.device === undefined ? undefined : resolveDevice(env, options.device);
  const subsystems = target === undefined
    ? Object.keys(DIAGNOSES) as Subsystem[]
    : [target.subsystem];
  return subsystems.flatMap((subsystem) =>
    DIAGNOSES[subsystem](env, target === undefined ? {} : { device: target.name })
      .map((c) => ({ ...c, subsystem }))
  );
}

/** A uacce device, or a DSA/IAA device or mdev parent by its exact name, and its subsystem. */
function resolveDevice(env: Env, device: string): { name: string; subsystem: Subsystem } {
  const idxd = idxdDeviceNames(env);
  if (idxd.includes(device)) return { name: device, subsystem: "idxd" };
  const parents = parentNames(env);
  if (parents.includes(device)) return { name: device, subsystem: "mdev" };
  const others = [...idxd, ...parents];
  try {
    return { name: findDevice(env, device).name, subsystem: "uacce" };
  } catch (err) {
    if (!(err instanceof NotFoundError) || others.length === 0) throw err;
    const near = nearName(device, others);
    throw new NotFoundError(`Cannot find device "${device}"`, {
      hint: near !== undefined
        ? `did you mean "${near}"?`
        : `${err.hint}; ${existingHint("DSA/IAA devices and mdev parents", others)}`,
    });
  }
}
