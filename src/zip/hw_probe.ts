/**
 * Finding a ZIP device for `wd zip`/`wd unzip` and opening the hardware engine on it.
 *
 * `--engine auto` uses a device only when it lists the algorithm, is usable (not isolated, SVA
 * or a declared test device, a node this user can open), has a free queue, sits on a NUMA node
 * wd runs on (or an unknown one), and — for compression — when the level is 6 or less: the
 * engine has one level, with output about the size of zlib's fastest (hisi_zip_protocol.md
 * §3.9), so `-7` to `-9` stay in software. `--engine hw` takes any usable device (a remote one
 * too) and fails with the reason when there is none. `--device` names the device.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { ExitCode, type ExitCodeValue, WdError } from "../errors.ts";
import { numaNodes } from "../drivers/cpus.ts";
import type { UacceDevice } from "../drivers/uacce/device.ts";
import { findDevice, listDevices } from "../drivers/uacce/discover.ts";
import { checkUsable } from "../drivers/uacce/queue.ts";
import type { Engine } from "./engine.ts";
import type { SelectOptions } from "./select.ts";

/** What the probe found: an engine, or why there is none. */
export type HardwareProbe =
  | { engine: Engine; reason: string }
  | { engine: null; reason: string; exitCode?: ExitCodeValue };

/** Highest level `auto` compresses on the device. */
export const AUTO_MAX_LEVEL = 6;

/**
 * Looks for a usable ZIP device and opens the hardware engine on it.
 *
 * @param env The environment (sysfs root, syscalls).
 * @param options What the engine is for, the device asked for, and `verify`.
 * @param makeSoftware Makes the software engine the hardware engine falls back on.
 * @returns The engine, or null and the reason.
 * @throws WdError (exit 3) when `options.device` names no device.
 */
export async function probeHardwareEngine(
  env: Env,
  options: SelectOptions,
  makeSoftware: () => Engine,
): Promise<HardwareProbe> {
  await Promise.resolve();
  const alg = options.format === "auto" ? "gzip" : options.format;
  const auto = options.engine === "auto";
  if (auto && options.direction === "compress" && options.level > AUTO_MAX_LEVEL) {
    return {
      engine: null,
      reason: `level ${options.level} asks for more than the engine's one level gives`,
    };
  }
  let candidates: UacceDevice[];
  if (options.device !== undefined) {
    const d = findDevice(env, options.device);
    if (d.kind !== "zip") {
      throw new WdError(`Cannot compress on "${d.name}": it is not a ZIP engine`, {
        exitCode: ExitCode.UNSUPPORTED,
      });
    }
    candidates = [d];
  } else {
    candidates = listDevices(env).filter((d) => d.kind === "zip");
    if (candidates.length === 0) {
      return {
        engine: null,
        reason: "no ZIP device found (no hisi_zip device in sys/class/uacce)",
      };
    }
  }
  const why: string[] = [];
  let busy = 0;
  const usable = candidates.filter((d) => {
    const no = unusable(env, d, alg, auto);
    if (no !== null) why.push(`${d.name}: ${no}`);
    return no === null;
  });
  if (usable.length === 0) return { engine: null, reason: why.join("; ") };
  // Loaded only now: most machines have no usable device, and the hardware path is large.
  const [{ HardwareEngine }, { softwareBlockDeflater }] = await Promise.all([
    import("./hw/engine.ts"),
    import("./sw/block_deflater.ts"),
  ]);
  const local = localNodes(env);
  usable.sort((a, b) => rank(b, local) - rank(a, local));
  for (const d of usable) {
    if (
      auto && local !== null && d.numaNode !== null && d.numaNode >= 0 && !local.has(d.numaNode)
    ) {
      why.push(
        `${d.name}: on NUMA node ${d.numaNode}, not where wd runs (--engine hw uses it anyway)`,
      );
      continue;
    }
    try {
      const engine = HardwareEngine.open(env, d, {
        direction: options.direction,
        verify: options.verify ?? false,
        software: softwareBlockDeflater(),
        softwareEngine: makeSoftware,
      });
      const node = d.numaNode === null || d.numaNode < 0
        ? "unknown NUMA node"
        : `NUMA node ${d.numaNode}`;
      return {
        engine,
        reason: `${d.name} lists ${alg}, ${d.availableInstances} free queues, ${node}`,
      };
    } catch (err) {
      if (!(err instanceof WdError)) throw err;
      if (err.exitCode === ExitCode.BUSY) busy++;
      why.push(
        `${d.name}: ${err.message.replace(/^Cannot /, "cannot ").replace(` on "${d.name}"`, "")}`,
      );
    }
  }
  // Every device that could have served was busy: say busy (exit 5), not unsupported.
  const allBusy = busy > 0 && busy === usable.length;
  return { engine: null, reason: why.join("; "), ...(allBusy ? { exitCode: ExitCode.BUSY } : {}) };
}

/** Why a device cannot serve this run, or null when it can. */
function unusable(env: Env, d: UacceDevice, alg: string, auto: boolean): string | null {
  if (!(d.algorithms ?? []).includes(alg)) {
    return `does not list ${alg} (it lists ${(d.algorithms ?? []).join(", ")})`;
  }
  try {
    checkUsable(env, d);
  } catch (err) {
    if (err instanceof WdError) return err.message.replace(/^Cannot use "[^"]*": /, "");
    throw err;
  }
  if (!d.node.accessible) {
    return `${d.node.path} cannot be opened by this user (${d.node.accessError})`;
  }
  if (auto && d.availableInstances === 0) return "no free queue";
  return null;
}

/** NUMA nodes of the CPUs wd may run on; null when unknown. */
function localNodes(env: Env): Set<number> | null {
  let cpus: number[];
  try {
    cpus = env.sys.cpuAffinity();
  } catch {
    return null;
  }
  const nodes = numaNodes(env);
  if (nodes.size === 0) return null;
  return new Set([...nodes].filter(([, c]) => c.some((x) => cpus.includes(x))).map(([n]) => n));
}

/** Local devices first, then the most free queues. */
function rank(d: UacceDevice, local: Set<number> | null): number {
  const isLocal = local === null || d.numaNode === null || d.numaNode < 0 || local.has(d.numaNode);
  return (isLocal ? 1e6 : 0) + (d.availableInstances ?? 0);
}
