/**
 * Sizes on the command line: `65536`, `64K`, `64KiB`, `8M`, `1G` (binary multiples, as dd and
 * uadk_tool take them); counts; timeouts in milliseconds.
 *
 * @module
 */

import { InvalidArgumentError } from "./options.ts";
import { MAX_TIMEOUT_MS, parseTimeoutMs } from "../drivers/hisi_zip/timeout.ts";

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/**
 * Parses a size.
 *
 * @param text The argument.
 * @returns Bytes.
 * @throws InvalidArgumentError (the parser prints it as a usage error).
 *
 * @example
 * ```ts
 * import { parseSize } from "./units.ts";
 * console.log(parseSize("64K")); // 65536
 * ```
 */
export function parseSize(text: string): number {
  const m = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`"${text}" is not a size (such as 4096, 64K, 8M)`);
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
}

/**
 * Parses a positive integer count.
 *
 * @param text The argument.
 * @returns The number.
 * @throws InvalidArgumentError when it is not a positive integer.
 */
export function parseCount(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw new InvalidArgumentError(`"${text}" is not a positive whole number`);
  }
  return Number(text);
}

/**
 * Parses a timeout in milliseconds (1 to 2147483647, what poll(2) takes).
 *
 * @param text The argument.
 * @returns Milliseconds.
 * @throws InvalidArgumentError when it is not one.
 */
export function parseTimeout(text: string): number {
  const ms = parseTimeoutMs(text);
  if (ms === null) {
    throw new InvalidArgumentError(
      `"${text}" is not a timeout (a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS})`,
    );
  }
  return ms;
}
