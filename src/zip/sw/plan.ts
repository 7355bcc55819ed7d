/**
 * Which codec and codec levels serve each of wd's levels 1–9, chosen by measurement
 * (bench/, README "Benchmark"): wd's level N aims at gzip -N's ratio, as fast as possible.
 *
 * @module
 */

import type { CodecName } from "./codec.ts";

/** A codec and the levels its blocks use, in turn. */
export interface DeflatePlan {
  /** The codec. */
  codec: CodecName;
  /** The codec's level for block i is `levels[i % levels.length]`. */
  levels: number[];
}

/**
 * zlib-ng's levels for each wd level (index 0 unused). Measured on the benchmark's text:
 * zlib-ng's level 1 (`deflate_quick`, static Huffman codes only) is 20–28 % larger than
 * gzip -1, so wd -1 uses its level 2 (5 % smaller than gzip -1). At 6, zlib-ng's level 6 ends
 * 2.5–3 % above gzip -6 and its level 7 0.2 % above at 1.5 times the CPU; blocks are
 * independent, so wd -6 alternates them: 1.3 % above gzip -6, 20 % faster than level 7 alone.
 */
const ZNG_LEVELS: number[][] = [[], [2], [3], [4], [5], [6], [6, 7], [7], [8], [9]];

/** ISA-L's levels are 0–3; it is used for wd's fast levels, where it beats every other codec. */
const ISAL_LEVEL: Record<number, number> = { 1: 1, 2: 2, 3: 3 };

/**
 * The codec and levels for a wd level.
 *
 * @param level wd's level, 1 to 9.
 * @param isal Whether ISA-L is available.
 * @returns The plan.
 *
 * @example
 * ```ts
 * import { deflatePlan } from "./plan.ts";
 * console.log(deflatePlan(6, false)); // { codec: "zng", levels: [ 6, 7 ] }
 * ```
 */
export function deflatePlan(level: number, isal: boolean): DeflatePlan {
  const l = Math.min(9, Math.max(1, Math.trunc(level)));
  const isalLevel = ISAL_LEVEL[l];
  if (isal && isalLevel !== undefined) return { codec: "isal", levels: [isalLevel] };
  return { codec: "zng", levels: ZNG_LEVELS[l]! };
}

/**
 * A one-line description of a plan, for `-v`.
 *
 * @param plan The plan.
 * @returns Such as `zlib-ng (node:zlib) levels 6/7`.
 */
export function planText(plan: DeflatePlan): string {
  const name = plan.codec === "isal" ? "ISA-L" : "zlib-ng (node:zlib)";
  return `${name} level${plan.levels.length > 1 ? "s" : ""} ${plan.levels.join("/")}`;
}
