/**
 * Reading sysfs attributes that may be missing, hidden or unreadable.
 *
 * Real sysfs hides attributes (a 6.1 kernel has no `isolate`), refuses some reads
 * (EOPNOTSUPP, ENXIO, ENODEV) and returns odd text. A reader never throws for any of that:
 * it records why the value is absent and moves on.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { Errno, errnoText } from "../ffi/errno.ts";
import { SysError } from "../ffi/sys_error.ts";

/** Why a value is absent: `"missing"`, an errno (`"EOPNOTSUPP: operation not supported"`), or `"malformed: …"`. */
export type AbsentReason = string;

function reasonOf(err: unknown): AbsentReason {
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
 * import { AttrReader } from "./sysfs.ts";
 * import { processEnv } from "../env.ts";
 * const r = new AttrReader(processEnv(), "/sys/class/uacce/hisi_zip-4");
 * const free = r.int("available_instances"); // number, or null with r.absent.available_instances set
 * ```
 */
export class AttrReader {
  /** Attribute name → why it is absent. */
  readonly absent: Record<string, AbsentReason> = {};
  readonly #env: Env;
  readonly #dir: string;

  /**
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
    return t === null ? null : t.trim();
  }

  /**
   * An integer attribute: decimal, or hex with `0x`.
   *
   * @param name The attribute.
   * @param key The name to record an absence under.
   * @returns The number, or null when absent or malformed.
   */
  int(name: string, key = name): number | null {
    const t = this.text(name, key);
    if (t === null) return null;
    const n = parseInteger(t);
    if (n === null) this.absent[key] = `malformed: ${JSON.stringify(t)} is not an integer`;
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
    return t.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
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
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  return null;
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
