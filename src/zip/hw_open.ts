/**
 * The devices part of {@linkcode probeHardwareEngine}: which ZIP devices can serve this run,
 * in which order, and the hardware engine opened on the first that does. Loaded only when
 * the uacce class exists or a device is named.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { ExitCode, UnsupportedError, WdError } from "../errors.ts";
import { numaNodes } from "../drivers/cpus.ts";
import type { UacceDevice } from "../drivers/uacce/device.ts";
import { findDevice, listDevices } from "../drivers/uacce/discover.ts";
import { checkUsable } from "../drivers/uacce/queue.ts";
import { completionTimeoutMs } from "../drivers/hisi_zip/timeout.ts";
import type { Engine, FallbackReason } from "./engine.ts";
import { type HardwareProbe, NO_ZIP_DEVICE, type SelectOptions } from "./choice.ts";
import { lazy } from "../lazy.ts";

/**
 * Opens the hardware engine on the best usable ZIP device (see ./hw_probe.ts for the rules).
 *
 * @param env The environment (sysfs root, syscalls).
 * @param options What the engine is for, the device asked for, and `verify`.
 * @param makeSoftware Makes the software engine the hardware engine falls back on.
 * @returns The engine, or null and the reason.
 * @throws WdError (exit 3) when `options.device` names no device; (exit 2) when
 * `WD_TIMEOUT_MS` is set but is not a timeout (an error, not a silent fall back to software).
 */
export async function openHardwareEngine(
  env: Env,
  options: SelectOptions,
  makeSoftware: () => Engine,
): Promise<HardwareProbe> {
  const alg = options.format === "auto" ? "gzip" : options.format;
  const auto = options.engine === "auto";
  let candidates: UacceDevice[];
  if (options.device !== undefined) {
    const d = findDevice(env, options.device);
    if (d.kind !== "zip") {
      throw new UnsupportedError(`Cannot compress on "${d.name}": it is not a ZIP engine`);
    }
    candidates = [d];
  } else {
    candidates = listDevices(env).filter((d) => d.kind === "zip");
    if (candidates.length === 0) {
      return { engine: null, reason: NO_ZIP_DEVICE, fallback: "no_device" };
    }
  }
  const why: string[] = [];
  const seen = new Set<FallbackReason>(); // why each device could not serve, for usage stats
  let busy = 0;
  const usable = candidates.filter((d) => {
    const no = unusable(env, d, alg, auto);
    if (no !== null) why.push(`${d.name}: ${no.why}`);
    if (no !== null) seen.add(no.fallback);
    return no === null;
  });
  if (usable.length === 0) {
    return { engine: null, reason: why.join("; "), fallback: worst(seen) };
  }
  const timeoutMs = completionTimeoutMs(env);
  // Loaded only now: most machines have no usable device, and the hardware path is large.
  const [{ HardwareEngine }, { softwareBlockDeflater }] = await Promise.all([
    lazy<typeof import("./hw/engine.ts")>("./hw/engine.ts", import.meta.url),
    lazy<typeof import("./sw/block_deflater.ts")>("./sw/block_deflater.ts", import.meta.url),
  ]);
  const local = localNodes(env);
  usable.sort((a, b) => rank(b, local) - rank(a, local));
  for (const d of usable) {
    if (
      auto && local !== null && d.numaNode !== null && d.numaNode >= 0 && !local.has(d.numaNode)
    ) {
      why.push(
        `${d.name}: on NUMA node ${d.numaNode}, not where wd runs (engine hw uses it anyway)`,
      );
      seen.add("no_device");
      continue;
    }
    try {
      const engine = HardwareEngine.open(env, d, {
        direction: options.direction,
        ...(options.verify === undefined ? {} : { verify: options.verify }),
        required: !auto,
        timeoutMs,
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
      seen.add(err.exitCode === ExitCode.BUSY ? "busy" : "device_error");
      why.push(
        `${d.name}: ${err.message.replace(/^Cannot /, "cannot ").replace(` on "${d.name}"`, "")}`,
      );
    }
  }
  // Every device that could have served was busy: say busy (exit 5), not unsupported.
  const allBusy = busy > 0 && busy === usable.length;
  return {
    engine: null,
    reason: why.join("; "),
    fallback: worst(seen),
    ...(allBusy ? { exitCode: ExitCode.BUSY } : {}),
  };
}

/**
 * One category for a run no device served: a device that would have served but for being
 * busy, else one that failed, else one the kernel isolated, else none usable.
 */
function worst(seen: Set<FallbackReason>): FallbackReason {
  return (["busy", "device_error", "isolated"] as const).find((r) => seen.has(r)) ?? "no_device";
}

/** Why a device cannot serve this run and that reason's category, or null when it can. */
function unusable(
  env: Env,
  d: UacceDevice,
  alg: string,
  auto: boolean,
): { why: string; fallback: FallbackReason } | null {
  const no = (why: string, fallback: FallbackReason = "no_device") => ({ why, fallback });
  if (!(d.algorithms ?? []).includes(alg)) {
    return no(`does not list ${alg} (it lists ${(d.algorithms ?? []).join(", ")})`);
  }
  try {
    checkUsable(env, d);
  } catch (err) {
    if (!(err instanceof WdError)) throw err;
    const why = err.message.replace(/^Cannot use "[^"]*": /, "");
    return no(why, d.isolated ? "isolated" : "no_device");
  }
  if (!d.node.accessible) {
    return no(`${d.node.path} cannot be opened by this user (${d.node.accessError})`);
  }
  if (auto && d.availableInstances === 0) return no("no free queue", "busy");
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
