/**
 * Small test helpers on top of node:assert/strict.
 *
 * @module
 */

import assert from "node:assert/strict";
import { TIMEOUT_VAR } from "../src/drivers/hisi_zip/timeout.ts";

/**
 * Runs `fn`, asserts it throws, and returns what it threw (node's assert.throws returns nothing).
 *
 * @param fn The code that must throw.
 * @returns The thrown value.
 */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail("expected an exception, but none was thrown");
}

/**
 * Awaits `p`, asserts it rejects, and returns the rejection reason.
 *
 * @param p The promise (or a function returning one).
 * @returns The reason.
 */
export async function rejected(p: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    return err;
  }
  assert.fail("expected a rejection, but the promise resolved");
}

/**
 * The completion timeout a test gives the device when its completions must arrive: `ms`, or the
 * test process's `WD_TIMEOUT_MS` when that is longer. On a slow machine (the device model on an
 * emulated CPU: tests/arm64/run sets `WD_TIMEOUT_MS`) a completion can take seconds. Tests that
 * expect a timeout keep their own short one.
 *
 * @param ms The test's own timeout.
 * @returns Milliseconds.
 */
export function completionTimeout(ms: number): number {
  return Math.max(ms, Number(inheritedVar(TIMEOUT_VAR) ?? 0) || 0);
}

/**
 * The variables a test environment takes from the test process when the test does not set them:
 * only `WD_TIMEOUT_MS`, so that a whole run on a slow machine can raise every queue's timeout.
 *
 * @param name The variable.
 * @returns Its value in the test process, or undefined.
 */
export function inheritedVar(name: string): string | undefined {
  return name === TIMEOUT_VAR ? Deno.env.get(name) : undefined;
}

/**
 * Whether this process runs on an emulated CPU in user mode (qemu-user: an arm64 Deno on an
 * x86_64 kernel, as tests/arm64/run does). The kernel's /proc/cpuinfo then describes a CPU of
 * another architecture than Deno's: an arm64 kernel lists `CPU implementer`, an x86 one
 * `vendor_id`. qemu-user answers some system calls itself, differently from a kernel.
 *
 * @returns True under user-mode emulation.
 */
export function userModeEmulated(): boolean {
  const cpuinfo = Deno.readTextFileSync("/proc/cpuinfo");
  const field = Deno.build.arch === "aarch64" ? /^CPU implementer/m : /^vendor_id/m;
  return !field.test(cpuinfo);
}
