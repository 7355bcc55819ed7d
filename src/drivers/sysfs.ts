/**
 * Reading sysfs attributes that may be missing, hidden or unreadable.
 *
 * Real sysfs hides attributes (a 6.1 kernel has no `isolate`), refuses some reads
 * (EOPNOTSUPP, ENXIO, ENODEV) and returns odd text. A reader never throws for any of that:
 * it records why the value is absent and moves on.
 *
 * @module
 */

import { type Env, NotAnAttribute } from "../env.ts";
import { Errno, errnoText } from "../ffi/errno.ts";
import { SysError } from "../ffi/sys_error.ts";

/** Why a value is absent: `"missing"`, an errno (`"EOPNOTSUPP: operation not supported"`), or `"malformed: …"`. */
export type AbsentReason = string;

function reasonOf(err: unknown): AbsentReason {
  if (err instanceof NotAnAttribute) return `malformed: ${err.what}`;
  if (err instanceof SysError) {
    if (err.errno === Errno.ENOENT) return "missing";
    return `${err.code}: ${errnoText(err.errno)}`;
  }
  return `unreadable: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Reads attributes of one sysfs object and remembers why any of them is absent.
 *
 * @example
 * ```ts
 * import { AttrReader, hostEnv } from "@wd/wd/low-level";
 * const r = new AttrReader(hostEnv(), "/sys/class/uacce/hisi_zip-4");
 * const free = r.int("available_instances"); // number, or null with r.absent.available_instances set
 * console.log(free, r.absent); // null { available_instances: "missing" } on a machine without it
 * ```
 */
export class AttrReader {
  /** Attribute name → why it is absent. */
  readonly absent: Record<string, AbsentReason> = {};
  readonly #env: Env;
  readonly #dir: string;

  /**
   * Makes a reader of one directory.
   *
   * @param env The environment (its `fs` does the reading).
   * @param dir The object's directory.
   */
  constructor(env: Env, dir: string) {
    this.#env = env;
    this.#dir = dir;
  }

  /** The directory read from. */
  get dir(): string {
    return this.#dir;
  }

  /**
   * The raw text of an attribute, one trailing newline removed.
   *
   * @param name The attribute's path relative to the directory (`"device/numa_node"`).
   * @param key The name to record an absence under; defaults to `name`.
   * @returns The text, or null when absent.
   */
  raw(name: string, key = name): string | null {
    try {
      return this.#env.fs.readText(`${this.#dir}/${name}`).replace(/\n$/, "");
    } catch (err) {
      this.absent[key] = reasonOf(err);
      return null;
    }
  }

  /**
   * A trimmed text attribute.
   *
   * @param name The attribute.
   * @param key The name to record an absence under.
   * @returns The text, or null when absent.
   */
  text(name: string, key = name): string | null {
    const t = this.raw(name, key);
    if (t === null) return null;
    return this.#printable(t.trim(), key);
  }

  /**
   * A text attribute that takes one of a few values (a state, a mode).
   *
   * @param name The attribute.
   * @param values The values the kernel writes.
   * @returns The value, or null when absent or another one (recorded as malformed).
   */
  choice<T extends string>(name: string, values: readonly T[]): T | null {
    const t = this.text(name);
    if (t === null) return null;
    if ((values as readonly string[]).includes(t)) return t as T;
    this.absent[name] = `malformed: ${quoted(t)} is not ${values.join(", ")}`;
    return null;
  }

  /**
   * An integer attribute: decimal, or hex with `0x`.
   *
   * @param name The attribute.
   * @param key The name to record an absence under.
   * @returns The number, or null when absent or malformed.
   */
  int(name: string, key = name, range: { min?: number; max?: number } = {}): number | null {
    const t = this.text(name, key);
    if (t === null) return null;
    const n = parseInteger(t);
    if (n === null) {
      this.absent[key] = `malformed: ${quoted(t)} is not an integer`;
      return null;
    }
    if (n < (range.min ?? -Infinity) || n > (range.max ?? Infinity)) {
      this.absent[key] = `malformed: ${n} is out of range (${range.min ?? "…"} to ${
        range.max ?? "…"
      })`;
      return null;
    }
    return n;
  }

  /**
   * A newline-separated list attribute (such as uacce `algorithms`).
   *
   * @param name The attribute.
   * @param key The name to record an absence under.
   * @returns The non-empty lines, or null when absent.
   */
  lines(name: string, key = name): string[] | null {
    const t = this.raw(name, key);
    if (t === null) return null;
    const lines = t.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
    return lines.every((l) => this.#printable(l, key) !== null) ? lines : null;
  }

  /** The text when it is printable; else null, recorded as malformed with the text escaped. */
  #printable(t: string, key: string): string | null {
    if (t.search(UNPRINTABLE) < 0) return t;
    this.absent[key] = `malformed: ${quoted(t)} is not text`;
    return null;
  }

  /**
   * The basename of a symlink's resolved target (such as `driver` → `hisi_zip`).
   *
   * @param name The link.
   * @param key The name to record an absence under.
   * @returns The basename, or null when absent.
   */
  linkName(name: string, key = name): string | null {
    const p = this.resolve(name, key);
    return p === null ? null : basename(p);
  }

  /**
   * Resolves a path under the directory through every symlink.
   *
   * @param name The relative path.
   * @param key The name to record an absence under.
   * @returns The absolute resolved path, or null when absent.
   */
  resolve(name: string, key = name): string | null {
    try {
      return this.#env.fs.realPath(`${this.#dir}/${name}`);
    } catch (err) {
      this.absent[key] = reasonOf(err);
      return null;
    }
  }

  /**
   * Whether an entry exists under the directory, recording nothing.
   *
   * @param name The relative path.
   * @returns True when it exists.
   */
  has(name: string): boolean {
    return this.#env.fs.exists(`${this.#dir}/${name}`);
  }
}

/**
 * Parses a sysfs integer: decimal (possibly negative) or `0x` hex.
 *
 * @param text The trimmed text.
 * @returns The number, or null when it is not one.
 */
export function parseInteger(text: string): number | null {
  let n: number;
  if (/^-?\d{1,16}$/.test(text)) n = Number(text);
  else if (/^0x[0-9a-f]{1,14}$/i.test(text)) n = Number.parseInt(text.slice(2), 16);
  else return null;
  return Number.isSafeInteger(n) ? n : null; // beyond 2^53 a number would lie
}

/**
 * Control characters, DEL, C1 controls and U+FFFD (bytes that were not UTF-8): what no kernel
 * attribute holds and what must never reach a terminal raw.
 */
// deno-lint-ignore no-control-regex
export const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g;

/** Text quoted and escaped (JSON's escapes), cut to 60 characters: safe to print anywhere. */
function quoted(t: string): string {
  const cut = t.length > 60 ? `${t.slice(0, 60)}…` : t;
  return JSON.stringify(cut).replace(
    /[\u007f-\u009f\ufffd]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * The last component of a path.
 *
 * @param path A path.
 * @returns Its basename.
 */
export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/**
 * Lists a directory's entry names, sorted naturally (`hisi_zip-10` after `hisi_zip-9`).
 *
 * @param env The environment.
 * @param dir The directory.
 * @returns Names, or null when the directory does not exist.
 * @throws SysError when it exists but cannot be listed.
 */
export function listNames(env: Env, dir: string): string[] | null {
  try {
    return env.fs.readDir(dir).map((e) => e.name).sort(naturalCompare);
  } catch (err) {
    if (err instanceof SysError && err.errno === Errno.ENOENT) return null;
    throw err;
  }
}

/**
 * Compares names with embedded numbers numerically.
 *
 * @param a One name.
 * @param b The other.
 * @returns Negative, zero or positive.
 */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}
