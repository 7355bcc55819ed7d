/**
 * File names for `wd zip`/`wd unzip`, as gzip forms them: `F` ↔ `F.gz` (or `-S` suffix),
 * `.tgz`/`.taz` ↔ `.tar`, and gzip's other recognised suffixes when decompressing, in any case
 * (`A.GZ` → `A`).
 *
 * @module
 */

import type { Format } from "../../zip/engine.ts";

/** The suffix each format gets by default (`.zz` for zlib, as pigz). */
export const DEFAULT_SUFFIX: Record<Format, string> = {
  gzip: ".gz",
  zlib: ".zz",
  deflate: ".deflate",
};

/** Suffixes gzip recognises when decompressing, with what replaces them. */
const KNOWN: [string, string][] = [
  [".gz", ""],
  [".z", ""],
  ["-gz", ""],
  ["-z", ""],
  ["_z", ""],
  [".tgz", ".tar"],
  [".taz", ".tar"],
  [".zz", ""],
];

function suffixes(suffix: string): [string, string][] {
  return [[suffix, ""] as [string, string], ...KNOWN.filter(([s]) => s !== suffix)];
}

/**
 * The compressed suffix `path` already has, if any (gzip leaves such files alone).
 *
 * @param path The file.
 * @param suffix The `-S` suffix in force.
 * @returns The suffix, or undefined.
 */
export function compressedSuffixOf(path: string, suffix: string): string | undefined {
  // Case does not matter, as in gzip (`A.GZ`, `old.Z`): the suffix found is returned as typed.
  const base = path.slice(path.lastIndexOf("/") + 1);
  const lower = base.toLowerCase();
  const s = suffixes(suffix).find(([s]) =>
    base.length > s.length && lower.endsWith(s.toLowerCase())
  )?.[0];
  return s === undefined ? undefined : base.slice(base.length - s.length);
}

/**
 * The name `path` decompresses to.
 *
 * @param path The compressed file.
 * @param suffix The `-S` suffix in force.
 * @returns The name, or null when `path` has no known suffix.
 *
 * @example
 * ```ts
 * import { decompressedName } from "./names.ts";
 * console.log(decompressedName("logs/a.tgz", ".gz")); // logs/a.tar
 * ```
 */
export function decompressedName(path: string, suffix: string): string | null {
  const s = compressedSuffixOf(path, suffix);
  if (s === undefined) return null;
  const replace = suffixes(suffix).find(([k]) => k.toLowerCase() === s.toLowerCase())![1];
  return path.slice(0, path.length - s.length) + replace;
}

/**
 * The names to try for `path` when it does not exist (`wd unzip foo` finds `foo.gz`).
 *
 * @param path The name given.
 * @param suffix The `-S` suffix in force.
 * @returns Candidates, in gzip's order.
 */
export function compressedCandidates(path: string, suffix: string): string[] {
  return suffixes(suffix).map(([s]) => path + s);
}

/**
 * A file name as the bytes of its UTF-8, one char per byte (gzip stores names as bytes).
 *
 * @param s The name.
 * @returns One char per byte.
 */
export function latin1Bytes(s: string): string {
  return String.fromCharCode(...new TextEncoder().encode(s));
}

/**
 * A name stored one byte per char (a gzip header's FNAME) as the UTF-8 text it was made from.
 *
 * @param s The stored name.
 * @returns The text.
 */
export function fromLatin1Bytes(s: string): string {
  const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
