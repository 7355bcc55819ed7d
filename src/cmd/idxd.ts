/**
 * `wd idxd list [DEVICE]`: Intel DSA and IAA devices, their groups, engines and work queues,
 * disabled ones included. Text shows the hierarchy; JSON is one flat record per object.
 *
 * @module
 */

import { type Env, hostPath } from "../env.ts";
import type { IdxdDevice } from "../drivers/idxd/device.ts";
import { findIdxdDevice, idxdPresent, listIdxdDevices } from "../drivers/idxd/discover.ts";
import type { IdxdWq } from "../drivers/idxd/wq.ts";
import { idxdRecords, versionText } from "./idxd_record.ts";
import { bytesText, cell, escapeText, renderJson, renderTable } from "./render.ts";

/** Options of `wd idxd list`. */
export interface IdxdListOptions {
  /** Print JSON records. */
  json?: boolean | undefined;
  /** Print the column header line (default true). */
  headers?: boolean | undefined;
}

/**
 * Runs `wd idxd list`.
 *
 * @param env The environment.
 * @param device Only this device (`dsa0`).
 * @param options The options.
 * @returns 0; no devices is not an error.
 * @throws WdError (not found) when `device` does not exist.
 */
export function runIdxdList(
  env: Env,
  device: string | undefined,
  options: IdxdListOptions,
): number {
  const devices = device === undefined ? listIdxdDevices(env) : [findIdxdDevice(env, device)];
  if (options.json) {
    env.stdout.write(renderJson(devices.flatMap(idxdRecords)));
    return 0;
  }
  if (devices.length === 0) {
    if (options.headers !== false) env.stderr.write(noneMessage(env));
    return 0;
  }
  env.stdout.write(
    escapeText(devices.map((d) => deviceText(d, options.headers !== false)).join("\n")),
  );
  return 0;
}

function deviceText(d: IdxdDevice, headers: boolean): string {
  const facts = [
    `${d.kind === "dsa" ? "DSA" : "IAA"} ${versionText(d.version) ?? "?"}`,
    cell(d.state),
    d.pasidEnabled === null ? "PASID unknown" : d.pasidEnabled ? "PASID on" : "PASID off",
    `NUMA node ${cell(d.numaNode)}`,
    `PCI ${cell(d.pciAddress)}`,
    `driver ${cell(d.driver)}`,
  ];
  let out = `${d.name}  ${facts.join(", ")}\n`;
  const ops = d.ops === null ? `- (${d.absent["op_cap"] ?? "unknown"})` : d.ops.join(" ");
  out += `  operations  ${ops}\n`;
  out += `  limits      ${limitsText(d)}\n`;
  if (d.cmdStatusText !== null) {
    out += `  last error  0x${d.cmdStatus!.toString(16)}: ${d.cmdStatusText}\n`;
  }
  return out + hierarchyText(d, headers);
}

function limitsText(d: IdxdDevice): string {
  const parts = [
    `${cell(d.maxGroups)} groups`,
    `${cell(d.maxEngines)} engines`,
    `${cell(d.maxWorkQueues)} wqs sharing ${cell(d.maxWorkQueuesSize)} entries`,
  ];
  if (d.maxBatchSize !== null) parts.push(`batch ${d.maxBatchSize}`);
  if (d.maxTransferSize !== null) parts.push(`transfer ${bytesText(d.maxTransferSize)}`);
  return parts.join(", ");
}

/** Groups with their engines, and under each its work queues as aligned rows. */
function hierarchyText(d: IdxdDevice, headers: boolean): string {
  const table = renderTable(
    [
      { header: "WQ" },
      { header: "STATE" },
      { header: "MODE" },
      { header: "TYPE" },
      { header: "SIZE", right: true },
      { header: "PRIO", right: true },
      { header: "THRESH", right: true },
      { header: "NAME" },
      { header: "DRIVER" },
      { header: "NODE" },
    ],
    d.wqs.map(wqRow),
    { headers: true },
  ).split("\n");
  const rowOf = new Map(d.wqs.map((w, i) => [w.name, table[i + 1]!]));
  let out = headers ? `  ${table[0]}\n` : "";
  const placed = new Set<string>();
  for (const g of d.groups) {
    const engines = g.engines === null
      ? "engines ?"
      : g.engines.length > 0
      ? `engines ${g.engines.join(" ")}`
      : "no engines";
    out += `  ${g.name}  ${engines}\n`;
    const wqs = d.wqs.filter((w) => w.groupId !== null && `group${d.id}.${w.groupId}` === g.name);
    for (const w of wqs) {
      out += `  ${rowOf.get(w.name)}\n`;
      placed.add(w.name);
    }
  }
  const loose = d.wqs.filter((w) => !placed.has(w.name));
  const looseEngines = d.engines.filter((e) => e.groupId === null || e.groupId < 0);
  if (loose.length > 0 || looseEngines.length > 0) {
    const engines = looseEngines.length > 0
      ? `engines ${looseEngines.map((e) => e.name).join(" ")}`
      : "no engines";
    out += `  ungrouped  ${engines}\n`;
    for (const w of loose) out += `  ${rowOf.get(w.name)}\n`;
  }
  return out;
}

function wqRow(w: IdxdWq): string[] {
  return [
    `  ${w.name}`,
    cell(w.state),
    cell(w.mode),
    cell(w.type),
    cell(w.size),
    cell(w.priority),
    w.mode === "dedicated" ? "-" : cell(w.threshold),
    w.wqName ? w.wqName : "-",
    cell(w.driver),
    nodeText(w),
  ];
}

function nodeText(w: IdxdWq): string {
  const expected = w.state === "enabled" && w.type === "user";
  if (!w.devNodeExists) return expected ? `${w.devNode} (missing)` : "-";
  const holders = w.holders === null || w.holders.length === 0
    ? ""
    : ` (pid${w.holders.length === 1 ? "" : "s"} ${w.holders.join(", ")})`;
  return `${w.devNode}${holders}`;
}

function noneMessage(env: Env): string {
  const where = env.root === "/" ? "" : ` under ${env.root}`;
  const why = idxdPresent(env)
    ? ""
    : ` (the idxd driver is not loaded: ${hostPath(env, "sys/bus/dsa")} does not exist)`;
  return `wd: no DSA/IAA devices${where}${why}\n`;
}
