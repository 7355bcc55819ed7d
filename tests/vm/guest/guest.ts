/**
 * What every guest test shares: the gate (guest tests run only inside the rig's QEMU guest and
 * show up as ignored elsewhere), the fake devices' sysfs, waiting for the kernel, and running
 * wd, in process (fast) or as a real `bin/wd` process (for signals and exit paths).
 *
 * @module
 */

import assert from "node:assert/strict";
import { runCli } from "../../../main.ts";
import { type Env, processEnv } from "../../../src/env.ts";
import { capture } from "../../../src/testing/fake_root.ts";

/** Set by the rig's /init: the tests run in the guest, against the real uacce core. */
export const IN_GUEST = Deno.env.get("WD_VM_GUEST") === "1";

/** The fake v2 device (zlib, gzip) and the fake v3 device (zlib, gzip, deflate). */
export const ZIP_V2 = "hisi_zip-0";
/** The fake hisi_qm_v3 device. */
export const ZIP_V3 = "hisi_zip-1";

/** The checkout inside the guest (tests/vm/run packs it at /wd). */
export const WD_DIR = new URL("../../../", import.meta.url).pathname.replace(/\/$/, "");

/**
 * Registers a test that runs only in the guest; elsewhere it is reported as ignored.
 *
 * @param name What the test pins down.
 * @param fn The test.
 */
export function vmTest(name: string, fn: () => void | Promise<void>): void {
  Deno.test({ name, ignore: !IN_GUEST, fn });
}

/**
 * One sysfs attribute of a uacce device, as the kernel prints it (newline included).
 *
 * @param device The class name, such as `hisi_zip-0`.
 * @param attr The attribute, such as `available_instances`.
 * @returns The raw text.
 */
export function attr(device: string, attr: string): string {
  return Deno.readTextFileSync(`/sys/class/uacce/${device}/${attr}`);
}

/**
 * The free queues of a device.
 *
 * @param device The class name.
 * @returns `available_instances` as a number.
 */
export function freeQueues(device: string): number {
  return Number(attr(device, "available_instances"));
}

/**
 * A parameter of the fake module.
 *
 * @param name `pf_q_num` or `hw_versions`.
 * @returns Its value, trimmed.
 */
export function moduleParam(name: string): string {
  return Deno.readTextFileSync(`/sys/module/fake_hisi_zip/parameters/${name}`).trim();
}

/**
 * Waits until `cond` holds, checking every few milliseconds; fails after `ms`. For state the
 * kernel changes asynchronously (a queue released by an exiting process, a worker's verdict).
 *
 * @param what What is awaited, for the failure message.
 * @param cond The condition.
 * @param ms How long to wait at most.
 */
export async function waitFor(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** What a wd run printed and returned. */
export interface WdResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  out: string;
  /** Standard error. */
  err: string;
}

/**
 * Runs `wd <args>` in this process on the real root, with only the given wd variables set
 * (so `WD_TEST_DEVICES` is absent unless a test passes it).
 *
 * @param args Arguments after `wd`.
 * @param vars Environment variables wd sees.
 * @returns The exit code and output.
 */
export async function wd(args: string[], vars: Record<string, string> = {}): Promise<WdResult> {
  const out = capture();
  const err = capture();
  const base = processEnv({ root: "/" });
  const env = (root: string | undefined): Env => ({
    ...base,
    root: root ?? "/",
    stdout: out,
    stderr: err,
    getenv: (name) => vars[name],
  });
  const code = await runCli(args, {
    env: (g) => env(g.root),
    out: (s) => out.write(s),
    err: (s) => err.write(s),
  });
  return { code, out: out.text, err: err.text };
}

/**
 * Starts `bin/wd <args>` as a real process (about 1.5 s of guest time each: use it for
 * signals, exit paths and stdin/stdout piping; use {@linkcode wd} for everything else).
 *
 * @param args Arguments after `wd`.
 * @param options Extra environment variables and stdin.
 * @returns The child process, with piped stdout and stderr.
 */
export function wdProcess(
  args: string[],
  options: { vars?: Record<string, string>; stdin?: "piped" | "null" } = {},
): Deno.ChildProcess {
  return new Deno.Command(`${WD_DIR}/bin/wd`, {
    args,
    env: options.vars ?? {},
    stdin: options.stdin ?? "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}
