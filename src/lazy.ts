/**
 * Imports a module when it is needed, and not before. Deno reads every module a program names
 * (`import("./x.ts")` included) before the program's first line runs; a module named through
 * this function is read only when the function is called, so a command pays only for what it
 * uses.
 *
 * @module
 */

/**
 * Imports a module now.
 *
 * @param specifier The module, relative to `base`.
 * @param base The importing module's URL (`import.meta.url`).
 * @returns The module; its type comes from `typeof import(...)` at the call site.
 *
 * @example
 * ```ts
 * import { lazy } from "./lazy.ts";
 * const { concat } = await lazy<typeof import("./bytes.ts")>("./bytes.ts", import.meta.url);
 * console.log(concat([Uint8Array.of(1)])); // Uint8Array(1) [ 1 ]
 * ```
 */
export function lazy<M>(specifier: string, base: string): Promise<M> {
  const url = new URL(specifier, base).href;
  return import(url) as Promise<M>;
}
