/**
 * How long wd waits for a ZIP request to complete before it declares the queue dead.
 *
 * On the hardware a request completes in microseconds to a few milliseconds, so the default of
 * 5 s only catches a device that has stopped. A slower machine needs more: the device model on an
 * emulated CPU (arm64 under qemu-user, a TCG guest) can take seconds per request under load.
 * `WD_TIMEOUT_MS` sets the wait for every queue wd opens; `wd queue test --timeout` sets it for
 * one run.
 *
 * @module
 */

import type { Env } from "../../env.ts";
import { ExitCode, WdError } from "../../errors.ts";

/** The variable that sets the completion timeout, in milliseconds. */
export const TIMEOUT_VAR = "WD_TIMEOUT_MS";

/** The completion timeout when {@linkcode TIMEOUT_VAR} is unset, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** The longest timeout: poll(2) takes its timeout as a C `int` of milliseconds. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Reads a timeout in milliseconds: a whole number from 1 to {@linkcode MAX_TIMEOUT_MS}.
 *
 * @param text The text, such as `"60000"` (spaces around it are ignored).
 * @returns The timeout, or null when the text is not one.
 *
 * @example
 * ```ts
 * import { parseTimeoutMs } from "./timeout.ts";
 * console.log(parseTimeoutMs("60000"), parseTimeoutMs("1.5"), parseTimeoutMs("0")); // 60000 null null
 * ```
 */
export function parseTimeoutMs(text: string): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const ms = Number(t);
  return ms >= 1 && ms <= MAX_TIMEOUT_MS ? ms : null;
}

/**
 * The completion timeout of this environment: `WD_TIMEOUT_MS` when set, else 5000 ms.
 *
 * @param env The environment (its variables).
 * @returns Milliseconds.
 * @throws WdError (usage, exit 2) when `WD_TIMEOUT_MS` is set but is not a timeout.
 */
export function completionTimeoutMs(env: Pick<Env, "getenv">): number {
  const text = env.getenv(TIMEOUT_VAR);
  if (text === undefined || text.trim() === "") return DEFAULT_TIMEOUT_MS;
  const ms = parseTimeoutMs(text);
  if (ms !== null) return ms;
  throw new WdError(
    `Cannot use ${TIMEOUT_VAR}="${text}": it is not a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    {
      exitCode: ExitCode.USAGE,
      hint:
        `set it to the longest wait for one completion (such as ${TIMEOUT_VAR}=60000), or unset it for ${DEFAULT_TIMEOUT_MS} ms`,
    },
  );
}
