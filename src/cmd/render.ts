/**
 * Text and JSON rendering shared by the commands: aligned tables for people, stable JSON for
 * scripts.
 *
 * @module
 */

import { UNPRINTABLE } from "../drivers/sysfs.ts";

/** A table column. */
export interface Column {
  /** Header text (upper case by convention). */
  header: string;
  /** Right-align (numbers). */
  right?: boolean;
}

/**
 * Renders rows as aligned columns separated by two spaces, with an optional header line.
 * The last column is not padded, so lines carry no trailing blanks.
 *
 * @param columns The columns.
 * @param rows Cell text, one array per row.
 * @param options `headers: false` leaves out the header line (for `--no-headers`).
 * @returns The table, one line per row, each ending in a newline.
 *
 * @example
 * ```ts
 * import { renderTable } from "./render.ts";
 * console.log(renderTable([{ header: "DEVICE" }, { header: "FREE", right: true }], [["hisi_zip-4", "64"]]));
 * ```
 */
export function renderTable(
  columns: Column[],
  rows: string[][],
  options: { headers?: boolean } = {},
): string {
  const all = (options.headers === false ? rows : [columns.map((c) => c.header), ...rows])
    .map((row) => row.map(escapeText));
  const widths = columns.map((_, i) => Math.max(0, ...all.map((r) => (r[i] ?? "").length)));
  return all.map((row) =>
    columns.map((c, i) => {
      const cell = row[i] ?? "";
      const last = i === columns.length - 1;
      if (c.right) return cell.padStart(widths[i]!);
      return last ? cell : cell.padEnd(widths[i]!);
    }).join("  ").trimEnd() + "\n"
  ).join("");
}

/**
 * Text for a terminal with whatever a hostile tree put in names and values made visible:
 * control characters (but newline and tab), DEL, C1 controls and U+FFFD become `\xNN` or
 * `\uNNNN`, so an escape sequence in a file name never reaches the terminal raw.
 *
 * @param text Text to print.
 * @returns The same text, escaped where needed.
 *
 * @example
 * ```ts
 * import { escapeText } from "./render.ts";
 * console.log(escapeText("hisi\u001b[31m")); // hisi\x1b[31m
 * ```
 */
export function escapeText(text: string): string {
  return text.replace(
    UNPRINTABLE,
    (c) => {
      const code = c.charCodeAt(0);
      return code < 0x100
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`;
    },
  );
}

/**
 * Stable, readable JSON: two-space indent, a final newline.
 *
 * @param value What to render.
 * @returns The JSON text.
 */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/**
 * A value for a table cell: `-` for null.
 *
 * @param v The value.
 * @returns Its text.
 */
export function cell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return "-";
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
}

/**
 * Formats permission bits as `ls -l` does (`crw-rw----`).
 *
 * @param mode The permission bits (with setuid/setgid/sticky).
 * @param type The type character (`c` for a character device).
 * @returns The ten-character string.
 */
export function modeString(mode: number, type = "-"): string {
  const rwx = (bits: number, special: boolean, ch: string) =>
    (bits & 4 ? "r" : "-") + (bits & 2 ? "w" : "-") +
    (special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? "x" : "-");
  return type + rwx(mode >> 6, (mode & 0o4000) !== 0, "s") +
    rwx(mode >> 3, (mode & 0o2000) !== 0, "s") + rwx(mode, (mode & 0o1000) !== 0, "t");
}

/**
 * Formats a byte count for people (binary units).
 *
 * @param n Bytes.
 * @returns Such as `148 KiB` or `512 B`.
 */
export function bytesText(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1 && v % 1024 === 0) {
    v /= 1024;
    u++;
  }
  return `${v} ${units[u]}`;
}
