/**
 * `wd doctor`: what stands between this machine and a working accelerator.
 *
 * @module
 */

import type { Env } from "../env.ts";
import type { Check } from "../drivers/check.ts";
import { diagnose } from "../drivers/diagnose.ts";
import { ExitCode } from "../errors.ts";
import { escapeText, renderJson } from "./render.ts";

/** Options of `wd doctor`. */
export interface DoctorOptions {
  /** Print JSON records. */
  json?: boolean | undefined;
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
  const checks: Check[] = diagnose(env, { device }).map(({ subsystem: _, ...c }) => c);
  if (options.json) env.stdout.write(renderJson(checks));
  else env.stdout.write(escapeText(renderChecks(checks)));
  return checks.some((c) => c.verdict === "fail") ? ExitCode.FAILURE : ExitCode.OK;
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
