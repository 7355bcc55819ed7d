/**
 * "Did you mean" for names the user typed: device, parent and type names are case-sensitive
 * in sysfs, so a near miss is worth pointing at (mdevctl does the same for parents:
 * `find_parent_dir` in mdevctl's src/mdev.rs).
 *
 * @module
 */

/**
 * The candidate a mistyped name most likely meant: the same name in another case, or the same
 * name without a PCI domain (`3b:00.0` for `0000:3b:00.0`).
 *
 * @param typed What the user typed.
 * @param candidates The names that exist.
 * @returns The candidate, or undefined when none is close.
 *
 * @example
 * ```ts
 * import { nearName } from "./suggest.ts";
 * console.log(nearName("I915-gvtg_v5_4", ["i915-GVTg_V5_4", "i915-GVTg_V5_8"])); // i915-GVTg_V5_4
 * ```
 */
export function nearName(typed: string, candidates: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  return candidates.find((c) => c.toLowerCase() === lower) ??
    candidates.find((c) => /^[0-9a-f]{4}:/i.test(c) && c.slice(5).toLowerCase() === lower);
}

/**
 * A hint naming what exists, for a "not found" error.
 *
 * @param what What the names are ("parents", "types on 0000:3b:00.0").
 * @param names The names that exist.
 * @param max How many to list before eliding.
 * @returns Such as `parents here: a, b` or `there are no parents here`.
 */
export function existingHint(what: string, names: readonly string[], max = 12): string {
  if (names.length === 0) return `there are no ${what} here`;
  const shown = names.slice(0, max).join(", ");
  return `${what} here: ${shown}${names.length > max ? `, ... (${names.length} in all)` : ""}`;
}
