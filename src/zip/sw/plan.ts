/**
 * Which codec and codec level serve each of wd's levels 1–9, chosen by measurement
 * (bench/, README "Benchmark"): wd's level N aims at gzip -N's ratio, as fast as possible.
 *
 * @module
 */

import type { CodecName } from "./codec.ts";

/** A codec and its own level. */
export interface DeflatePlan {
  /** The codec. */
  codec: CodecName;
  /** The codec's level. */
  level: number;
}

/**
 * zlib-ng's level for each wd level (index 0 unused). zlib-ng's level 1 (`deflate_quick`,
 * static Huffman codes only) is 20–28 % larger than gzip -1, so wd -1 uses its level 2; at 6,
 * zlib-ng's own level 6 ends 2.5–3 % above gzip -6, so wd -6 uses its level 7 (≈ gzip -6's size).
 */
const ZNG_LEVEL = [0, 2, 3, 4, 5, 6, 7, 8, 9, 9] as const;

/** ISA-L's levels are 0–3; it is used for wd's fast levels, where it beats every other codec. */
const ISAL_LEVEL: Record<number, number> = { 1: 1, 2: 2, 3: 3 };

/**
 * The codec and level for a wd level.
 *
 * @param level wd's level, 1 to 9.
 * @param isal Whether ISA-L is available.
 * @returns The plan.
 *
 * @example
 * ```ts
 * import { deflatePlan } from "./plan.ts";
 * console.log(deflatePlan(6, false)); // { codec: "zng", level: 7 }
 * ```
 */
export function deflatePlan(level: number, isal: boolean): DeflatePlan {
  const l = Math.min(9, Math.max(1, Math.trunc(level)));
  const isalLevel = ISAL_LEVEL[l];
  if (isal && isalLevel !== undefined) return { codec: "isal", level: isalLevel };
  return { codec: "zng", level: ZNG_LEVEL[l]! };
}

/**
 * A one-line description of a plan, for `-v`.
 *
 * @param plan The plan.
 * @returns Such as `zlib-ng level 7`.
 */
export function planText(plan: DeflatePlan): string {
  return `${plan.codec === "isal" ? "ISA-L" : "zlib-ng (node:zlib)"} level ${plan.level}`;
}
