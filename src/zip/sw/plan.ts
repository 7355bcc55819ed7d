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
 * zlib-ng's levels for each wd level (index 0 unused), measured on the benchmark's corpus
 * (bench/; CPU seconds for 70 MiB, size against gzip's at the same level):
 *
 * - zlib-ng's level 1 (`deflate_quick`, static Huffman codes only) is 18–26 % larger than
 *   gzip -1 (text/logs/binary +23/+26/+18 %) at 290–330 MB/s on one core (binary 160); its
 *   level 2 is −5/−8/0 % at 140–170 (binary 75–80). wd -1 is the speed level: with level 2,
 *   Deno's and commander's start (~130 ms on one core, where pigz starts in 1) left it at
 *   0.9× pigz -p2 -1 on the 70 MiB files, so it uses level 1 (1.2×); mixes gain too little
 *   (two 2s to one 1: +3–6 %, 0.95×). wd -2 uses level 2, gzip -1's size and wd -1's former
 *   speed. With ISA-L, levels 1–3 are ISA-L's (below), near gzip -1's size and faster still.
 * - At 6, zlib-ng's level 6 is +2.5 % (text), +2.8 % (binaries), +2.0 % (logs) against gzip
 *   -6; its level 5 +3.1 %, +3.0 %, +3.3 % at 76/46/69 MB/s on one core (text/binary/logs);
 *   its level 7 +0.2 %, +2.2 %, −4.6 % at 44/~30/42 MB/s. Blocks are independent, so wd -6
 *   mixes them: four blocks of 5 to one of 7 give +2.4 %, +2.8 %, +1.7 % at 83/46/76 MB/s on
 *   one core, against 74/45/65 for two of 5 to one of 7 (+2.2 %, +2.7 %, +0.7 %; measured
 *   2026-11-22 on the benchmark corpus, 1 MiB blocks primed with 32 KiB, interleaved rounds).
 *   That is within 3 % of gzip -6 on every file and as fast as zlib-ng goes at that size: the
 *   logs, where gzip and pigz are fastest, need the speed most. The cycle is odd, so two
 *   threads that take blocks in turn each get every level.
 */
const ZNG_LEVELS: number[][] = [[], [1], [2], [4], [5], [6], [5, 5, 5, 5, 7], [7], [8], [9]];

/** ISA-L's levels are 0–3; it is used for wd's fast levels, where it beats every other codec. */
const ISAL_LEVEL: Record<number, number> = { 1: 1, 2: 2, 3: 3 };

/**
 * The codec and levels for a wd level.
 *
 * @param level wd's level, 1 to 9.
 * @param isal Whether ISA-L is available, or how to find out (asked only for levels 1-3, so
 *   the other levels never load it).
 * @returns The plan.
 *
 * @example
 * ```ts
 * import { deflatePlan } from "./plan.ts";
 * console.log(deflatePlan(9, false)); // { codec: "zng", levels: [ 9 ] }
 * ```
 */
export function deflatePlan(level: number, isal: boolean | (() => boolean)): DeflatePlan {
  const l = Math.min(9, Math.max(1, Math.trunc(level)));
  const isalLevel = ISAL_LEVEL[l];
  if (isalLevel !== undefined && (typeof isal === "function" ? isal() : isal)) {
    return { codec: "isal", levels: [isalLevel] };
  }
  return { codec: "zng", levels: ZNG_LEVELS[l]! };
}

/**
 * A one-line description of a plan, for `-v`.
 *
 * @param plan The plan.
 * @returns Such as `zlib-ng (node:zlib) level 9`.
 */
export function planText(plan: DeflatePlan): string {
  const name = plan.codec === "isal" ? "ISA-L" : "zlib-ng (node:zlib)";
  const levels = [...new Set(plan.levels)];
  return `${name} level${levels.length > 1 ? "s" : ""} ${levels.join("+")}`;
}
