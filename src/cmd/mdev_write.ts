/**
 * `wd mdev create` and `wd mdev remove`: check, write one sysfs attribute, wait for the kernel.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { applyWrite, type MdevWrite, planCreate, planRemove } from "../drivers/mdev/lifecycle.ts";
import type { WaitOptions } from "../drivers/mdev/wait.ts";

/** Options shared by `create` and `remove`. */
export interface MdevWriteOptions {
  /** Print what would be written where, and write nothing. */
  dryRun?: boolean | undefined;
  /** How long to wait for the kernel (and, for tests, the clock). */
  wait?: WaitOptions | undefined;
}

/** Options of `wd mdev create`. */
export interface MdevCreateOptions extends MdevWriteOptions {
  /** The parent's name. */
  parent: string;
  /** The type id. */
  type: string;
  /** The UUID; a random one when absent. */
  uuid?: string | undefined;
}

/**
 * Runs `wd mdev create`. A UUID wd made up is printed alone on stdout, for scripts.
 *
 * @param env The environment.
 * @param options Parent, type, UUID, dry run, wait bound.
 * @returns 0 once the mdev exists (or, with `dryRun`, when it could be created).
 * @throws WdError when a check, the write or the wait fails.
 */
export async function runMdevCreate(env: Env, options: MdevCreateOptions): Promise<number> {
  const w = planCreate(env, { parent: options.parent, type: options.type, uuid: options.uuid });
  noteCase(env, w);
  if (options.dryRun) {
    env.stdout.write(dryRunText(w));
    return 0;
  }
  await applyWrite(env, w, options.wait);
  if (w.generated) env.stdout.write(`${w.uuid}\n`);
  return 0;
}

/**
 * Runs `wd mdev remove`.
 *
 * @param env The environment.
 * @param uuid The mdev's UUID.
 * @param options Dry run, wait bound.
 * @returns 0 once the mdev is gone (or, with `dryRun`, when it could be removed).
 * @throws WdError when a check, the write or the wait fails.
 */
export async function runMdevRemove(
  env: Env,
  uuid: string,
  options: MdevWriteOptions,
): Promise<number> {
  const w = planRemove(env, { uuid });
  noteCase(env, w);
  if (options.dryRun) {
    env.stdout.write(dryRunText(w));
    return 0;
  }
  await applyWrite(env, w, options.wait);
  return 0;
}

function dryRunText(w: MdevWrite): string {
  return `would write "${w.text}" to ${w.path}\n`;
}

function noteCase(env: Env, w: MdevWrite): void {
  if (w.typedUuid === null) return;
  env.stderr.write(
    `wd: note: using ${w.uuid}: the kernel names mdevs by their UUID in lower case\n`,
  );
}
