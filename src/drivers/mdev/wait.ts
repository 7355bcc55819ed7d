/**
 * Bounded waiting for sysfs to change: after `create` the mdev must appear, after `remove` it
 * must go (higher layers see removal late: autotest/tp-libvirt#4599 sleeps after it).
 *
 * @module
 */

import { checkInteger, checkOptions, checkType } from "../../validate.ts";

/**
 * How long and how often to look; the clock and sleep are injectable so tests never wait.
 *
 * @example
 * ```ts
 * import { createMdev, WdError, type WaitOptions } from "@wd/wd";
 * import { FakeRoot, vgpuHost } from "@wd/wd/testing";
 * using root = vgpuHost(FakeRoot.create()); // no kernel here: the mdev never appears
 * const wait: WaitOptions = { timeoutMs: 100, intervalMs: 20 };
 * const err = await createMdev(root.env().env, { parent: "0000:3b:00.0", type: "nvidia-63" }, wait)
 *   .then(() => null, (e) => e);
 * console.log(err instanceof WdError && err.message); // Timed out after 0.1 s waiting for mdev ...
 * ```
 */
export interface WaitOptions {
  /** Give up after this many milliseconds (default {@linkcode DEFAULT_WAIT_MS}). */
  timeoutMs?: number | undefined;
  /** Look this often, in milliseconds (default 50). */
  intervalMs?: number | undefined;
  /** Sleeps (default: a timer). */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Milliseconds on a monotonic clock (default `performance.now`). */
  now?: (() => number) | undefined;
}

/** The default bound: 5 seconds. */
export const DEFAULT_WAIT_MS = 5000;

/**
 * Checks wait options: `timeoutMs` from 0 and `intervalMs` from 1 (both at most an hour),
 * `sleep` and `now` functions.
 *
 * @param where The function, for messages.
 * @param options The options.
 * @throws TypeError, RangeError.
 */
export function checkWaitOptions(where: string, options: WaitOptions): void {
  checkOptions(where, options, ["timeoutMs", "intervalMs", "sleep", "now"]);
  checkInteger(where, "timeoutMs", options.timeoutMs, { min: 0, max: 3_600_000 });
  checkInteger(where, "intervalMs", options.intervalMs, { min: 1, max: 3_600_000 });
  checkType(where, "sleep", options.sleep, "function");
  checkType(where, "now", options.now, "function");
}

/**
 * Looks until `done()` is true or the time is up. It always looks at least once, so a timeout
 * of 0 means "look once, do not wait".
 *
 * @param done The condition.
 * @param options The bound, the interval, and the clock.
 * @returns True when the condition became true, false on timeout.
 *
 * @example
 * ```ts
 * import { waitUntil } from "@wd/wd/low-level";
 * console.log(await waitUntil(() => true)); // true, at once
 * ```
 */
export async function waitUntil(done: () => boolean, options: WaitOptions = {}): Promise<boolean> {
  const timeout = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const interval = options.intervalMs ?? 50;
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const start = now();
  for (;;) {
    if (done()) return true;
    const left = timeout - (now() - start);
    if (left <= 0) return false;
    await sleep(Math.min(interval, left));
  }
}
