/**
 * "Did you mean" for a mistyped command or option: the candidates closest in optimal string
 * alignment distance (Damerau–Levenshtein without repeated edits of one substring), at most
 * three edits away and more than 40 % alike, as wd has always suggested them.
 *
 * @module
 */

const MAX_EDITS = 3;
const MIN_ALIKE = 0.4;

/**
 * The suggestion line for a mistyped word.
 *
 * @param typed What the user typed (`--stdot`, `lsit`).
 * @param candidates What exists (`--stdout`, `list`).
 * @returns `(Did you mean --stdout?)`, `(Did you mean one of a, b?)`, or empty.
 *
 * @example
 * ```ts
 * import { didYouMean } from "./suggest.ts";
 * console.log(didYouMean("--stdot", ["--stdout", "--stdin", "--keep"])); // (Did you mean --stdout?)
 * ```
 */
export function didYouMean(typed: string, candidates: readonly string[]): string {
  const options = typed.startsWith("--");
  const strip = (s: string) => options ? s.slice(2) : s;
  const word = strip(typed);
  let best = MAX_EDITS;
  let near: string[] = [];
  for (const c of new Set(candidates)) {
    const name = strip(c);
    if (name.length <= 1) continue;
    const d = distance(word, name);
    const longest = Math.max(word.length, name.length);
    if ((longest - d) / longest <= MIN_ALIKE) continue;
    if (d < best) {
      best = d;
      near = [c];
    } else if (d === best) near.push(c);
  }
  near.sort((a, b) => strip(a).localeCompare(strip(b)));
  if (near.length === 0) return "";
  return near.length === 1
    ? `(Did you mean ${near[0]}?)`
    : `(Did you mean one of ${near.join(", ")}?)`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > MAX_EDITS) return Math.max(a.length, b.length);
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2]! + 1);
      }
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}
