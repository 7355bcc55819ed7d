/**
 * `wd info DEVICE`: everything about one device, and its driver's module parameters.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { findDevice, moduleParams } from "../drivers/uacce/discover.ts";
import type { UacceDevice } from "../drivers/uacce/device.ts";
import { deviceRecord } from "./device_record.ts";
import { bytesText, cell, escapeText, modeString, renderJson } from "./render.ts";

/** Options of `wd info`. */
export interface InfoOptions {
  /** Print one JSON record. */
  json?: boolean | undefined;
}

/**
 * Runs `wd info`.
 *
 * @param env The environment.
 * @param device The device name or node path.
 * @param options The options.
 * @returns The exit code.
 * @throws WdError (not found) when the device does not exist.
 */
export function runInfo(env: Env, device: string, options: InfoOptions): number {
  const d = findDevice(env, device);
  const mod = moduleParams(env, d.driver);
  if (options.json) {
    env.stdout.write(renderJson({
      ...deviceRecord(d),
      module: mod.module,
      module_loaded: mod.loaded,
      module_params: mod.params,
      module_params_absent: mod.absent,
    }));
    return 0;
  }
  const lines: [string, string][] = [
    [
      "driver",
      `${d.driver} (${d.kind === "other" ? "not a HiSilicon engine" : `${d.kind} engine`})`,
    ],
    [
      "api",
      d.api === null
        ? "-"
        : `${d.api}${d.hwVersion === null ? "" : ` (hisi_qm hardware v${d.hwVersion})`}`,
    ],
    ["flags", flagsText(d)],
    ["algorithms", d.algorithms === null ? "-" : d.algorithms.join(" ") || "(none)"],
    ["free queues", cell(d.availableInstances)],
    [
      "mmio region",
      d.regionMmioSize === null ? "-" : `${d.regionMmioSize} (${bytesText(d.regionMmioSize)})`,
    ],
    [
      "dus region",
      d.regionDusSize === null ? "-" : `${d.regionDusSize} (${bytesText(d.regionDusSize)})`,
    ],
    ["isolated", isolationText(d)],
    [
      "numa node",
      d.numaNode === null ? "-" : d.numaNode === -1 ? "-1 (unknown)" : String(d.numaNode),
    ],
    ...(d.numaDistance === null
      ? []
      : [["numa distance", String(d.numaDistance)] as [string, string]]),
    ["parent", parentText(d)],
    ["node", nodeText(d)],
    [
      "layout",
      d.layout === "legacy" ? "legacy (openEuler attrs/; not supported by wd)" : "mainline",
    ],
    ["sysfs", d.sysfsPath],
  ];
  for (const [attr, why] of Object.entries(d.absent)) lines.push(["absent", `${attr}: ${why}`]);
  let out = `${d.name}\n` + lines.map(([k, v]) => `  ${k.padEnd(14)}${v}\n`).join("");
  out += `module ${mod.module}${mod.loaded ? "" : " (not loaded)"}\n`;
  for (const [k, v] of Object.entries(mod.params)) out += `  ${k.padEnd(14)}${v}\n`;
  for (const [k, v] of Object.entries(mod.absent)) out += `  ${k.padEnd(14)}(${v})\n`;
  env.stdout.write(escapeText(out));
  return 0;
}

function flagsText(d: UacceDevice): string {
  if (d.flags === null) return "-";
  const parts = [d.sva ? "SVA" : "no SVA"];
  if (d.flagsUnknown !== 0) parts.push(`unknown bits 0x${d.flagsUnknown.toString(16)}`);
  return `0x${d.flags.toString(16)} (${parts.join(", ")})`;
}

function isolationText(d: UacceDevice): string {
  const strategy = d.isolateStrategy === null
    ? ""
    : d.isolateStrategy === 0
    ? ", never isolated automatically"
    : `, isolated after ${d.isolateStrategy} errors/hour`;
  if (d.isolate === null) return `no (the kernel has no isolate attribute)${strategy}`;
  return `${d.isolated ? "yes" : "no"}${strategy}`;
}

function parentText(d: UacceDevice): string {
  const p = d.parent;
  if (p === null) return "-";
  const parts = [p.name];
  if (p.bus) parts.push(p.bus);
  if (p.vendor && p.deviceId) parts.push(`${p.vendor}:${p.deviceId}`);
  if (p.description) parts.push(p.description);
  else if (p.function) parts.push(p.function);
  parts.push(`driver ${p.driver ?? "none"}`);
  return parts.join(", ");
}

function nodeText(d: UacceDevice): string {
  const n = d.node;
  if (!n.exists) return `${n.path} (missing)`;
  const mode = n.mode === null ? "" : modeString(n.mode, n.isCharDevice ? "c" : "-");
  const owner = `${n.owner ?? n.uid}:${n.group ?? n.gid}`;
  const access = n.accessible ? "you can open it" : `you cannot open it (${n.accessError})`;
  return `${n.path} ${mode} ${owner}, ${access}`;
}
