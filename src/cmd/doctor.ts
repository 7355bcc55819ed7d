/**
 * `wd doctor`: what stands between this machine and a working accelerator.
 *
 * @module
 */

import type { Env } from "../env.ts";
import type { Check } from "../drivers/check.ts";
import { findDevice } from "../drivers/uacce/discover.ts";
import { diagnoseUacce } from "../drivers/uacce/diagnose.ts";
import { diagnoseMdev } from "../drivers/mdev/diagnose.ts";
import { parentNames } from "../drivers/mdev/parents.ts";
import { diagnoseIdxd } from "../drivers/idxd/diagnose.ts";
import { idxdDeviceNames } from "../drivers/idxd/discover.ts";
import { existingHint, nearName } from "../drivers/suggest.ts";
import { ExitCode, WdError } from "../errors.ts";
import { escapeText, renderJson } from "./render.ts";

/** Options of `wd doctor`. */
export interface DoctorOptions {
  /** Print JSON records. */
  json?: boolean | undefined;
}

/** A source of checks, so other subsystems (mdev, idxd) can add theirs. */
export type Diagnosis = (env: Env, device?: string) => Check[];

/** The subsystems `wd doctor` checks. */
export type Subsystem = "uacce" | "mdev" | "idxd";

/** Every diagnosis `wd doctor` runs, in order, by subsystem. */
export const DIAGNOSES: Readonly<Record<Subsystem, Diagnosis>> = {
  uacce: diagnoseUacce,
  mdev: diagnoseMdev,
  idxd: diagnoseIdxd,
};

/** A check and the subsystem it belongs to. */
export interface SubsystemCheck extends Check {
  /** `uacce`, `mdev` or `idxd`. */
  subsystem: Subsystem;
}

/**
 * Runs every diagnosis, or only the one of `device`'s subsystem for that device.
 *
 * @param env The environment.
 * @param device A device name as `wd doctor DEVICE` takes it: a uacce device (name or node), a
 *   DSA/IAA device or an mdev parent.
 * @returns The checks, each with its subsystem, in `wd doctor`'s order.
 * @throws WdError (not found) when `device` does not exist.
 *
 * @example Everything wd doctor would complain about
 * ```ts
 * import { diagnose, processEnv } from "../../mod.ts";
 * for (const c of diagnose(processEnv())) if (c.verdict !== "ok") console.log(c.subject, c.detail);
 * ```
 */
export function diagnose(env: Env, device?: string): SubsystemCheck[] {
  const target = device === undefined ? undefined : resolveDevice(env, device);
  const subsystems = target === undefined
    ? Object.keys(DIAGNOSES) as Subsystem[]
    : [target.subsystem];
  return subsystems.flatMap((subsystem) =>
    DIAGNOSES[subsystem](env, target?.name).map((c) => ({ ...c, subsystem }))
  );
}

/**
 * Runs `wd doctor`.
 *
 * @param env The environment.
 * @param device Check only this device, and only its subsystem (uacce, idxd or mdev).
 * @param options The options.
 * @returns {@linkcode ExitCode.FAILURE} when any check fails, else 0.
 * @throws WdError (not found) when `device` does not exist.
 */
export function runDoctor(env: Env, device: string | undefined, options: DoctorOptions): number {
  const checks: Check[] = diagnose(env, device).map(({ subsystem: _, ...c }) => c);
  if (options.json) env.stdout.write(renderJson(checks));
  else env.stdout.write(escapeText(renderChecks(checks)));
  return checks.some((c) => c.verdict === "fail") ? ExitCode.FAILURE : ExitCode.OK;
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
    if (!(err instanceof WdError) || others.length === 0) throw err;
    const near = nearName(device, others);
    throw new WdError(`Cannot find device "${device}"`, {
      exitCode: err.exitCode,
      hint: near !== undefined
        ? `did you mean "${near}"?`
        : `${err.hint}; ${existingHint("DSA/IAA devices and mdev parents", others)}`,
    });
  }
}

/**
 * Renders checks for people: verdict, subject, check, detail, and an indented `fix:` line.
 *
 * @param checks The checks.
 * @returns The text.
 */
export function renderChecks(checks: Check[]): string {
  const sw = Math.max(0, ...checks.map((c) => c.subject.length));
  const cw = Math.max(0, ...checks.map((c) => c.check.length));
  let out = "";
  for (const c of checks) {
    out += `${c.verdict.padEnd(4)}  ${c.subject.padEnd(sw)}  ${c.check.padEnd(cw)}  ${c.detail}\n`;
    if (c.advice) out += `${" ".repeat(6 + sw + 2)}fix: ${c.advice}\n`;
  }
  const count = (v: string) => checks.filter((c) => c.verdict === v).length;
  out += `${count("ok")} ok, ${count("warn")} warn, ${count("fail")} fail\n`;
  return out;
}
