/**
 * CPU lists and NUMA topology from sysfs.
 *
 * @module
 */

import { type Env, hostPath } from "../env.ts";
import { listNames } from "./sysfs.ts";

/**
 * Parses a kernel CPU list such as `0-3,8,10-11`.
 *
 * @param text The list.
 * @returns The CPUs, ascending.
 *
 * @example
 * ```ts
 * import { parseCpuList } from "./cpus.ts";
 * console.log(parseCpuList("0-2,8")); // [0, 1, 2, 8]
 * ```
 */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(",")) {
    if (part === "") continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let c = lo; c <= hi; c++) cpus.push(c);
  }
  return cpus;
}

/**
 * NUMA node → its CPUs, from `sys/devices/system/node/node<N>/cpulist`.
 *
 * @param env The environment.
 * @returns The map; empty when the kernel exposes no NUMA nodes.
 */
export function numaNodes(env: Env): Map<number, number[]> {
  const dir = hostPath(env, "sys/devices/system/node");
  const nodes = new Map<number, number[]>();
  let names: string[] = [];
  try {
    names = listNames(env, dir) ?? [];
  } catch {
    return nodes;
  }
  for (const name of names) {
    const m = /^node(\d+)$/.exec(name);
    if (!m) continue;
    try {
      nodes.set(Number(m[1]), parseCpuList(env.fs.readText(`${dir}/${name}/cpulist`)));
    } catch {
      // a node without a readable cpulist has no CPUs we can run on
    }
  }
  return nodes;
}
