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

/** Every diagnosis `wd doctor` runs, in order. */
export const DIAGNOSES: Diagnosis[] = [diagnoseUacce, diagnoseMdev, diagnoseIdxd];

/**
 * Runs `wd doctor`.
 *
 * @param env The environment.
 * @param device Limit device checks to this device.
 * @param options The options.
 * @returns {@linkcode ExitCode.FAILURE} when any check fails, else 0.
 * @throws WdError (not found) when `device` does not exist.
 */
export function runDoctor(env: Env, device: string | undefined, options: DoctorOptions): number {
  const name = device === undefined ? undefined : resolveDevice(env, device);
  const checks = DIAGNOSES.flatMap((diagnose) => diagnose(env, name));
  if (options.json) env.stdout.write(renderJson(checks));
  else env.stdout.write(escapeText(renderChecks(checks)));
  return checks.some((c) => c.verdict === "fail") ? ExitCode.FAILURE : ExitCode.OK;
}

/** A uacce device, or a DSA/IAA device or mdev parent by its exact name. */
function resolveDevice(env: Env, device: string): string {
  const others = [...idxdDeviceNames(env), ...parentNames(env)];
  if (others.includes(device)) return device;
  try {
    return findDevice(env, device).name;
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
