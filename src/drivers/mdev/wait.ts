/**
 * Bounded waiting for sysfs to change: after `create` the mdev must appear, after `remove` it
 * must go (higher layers see removal late: autotest/tp-libvirt#4599 sleeps after it).
 *
 * @module
 */

/** How long and how often to look; the clock and sleep are injectable so tests never wait. */
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
 * Looks until `done()` is true or the time is up. It always looks at least once, so a timeout
 * of 0 means "look once, do not wait".
 *
 * @param done The condition.
 * @param options The bound, the interval, and the clock.
 * @returns True when the condition became true, false on timeout.
 *
 * @example
 * ```ts
 * import { waitUntil } from "./wait.ts";
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
