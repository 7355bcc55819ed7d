/**
 * `wd list`: one row per uacce device.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { listDevices } from "../drivers/uacce/discover.ts";
import type { UacceDevice } from "../drivers/uacce/device.ts";
import { deviceRecord } from "./device_record.ts";
import { cell, renderJson, renderTable } from "./render.ts";

/** Options of `wd list`. */
export interface ListOptions {
  /** Print JSON records. */
  json?: boolean | undefined;
  /** Only devices offering this algorithm (a whole line of `algorithms`, as UADK matches). */
  alg?: string | undefined;
  /** Print the header line (default true). */
  headers?: boolean | undefined;
}

/**
 * Runs `wd list`.
 *
 * @param env The environment.
 * @param options The options.
 * @returns The exit code.
 */
export function runList(env: Env, options: ListOptions): number {
  let devices = listDevices(env);
  if (options.alg !== undefined) {
    const alg = options.alg;
    devices = devices.filter((d) => d.algorithms?.includes(alg) ?? false);
  }
  if (options.json) {
    env.stdout.write(renderJson(devices.map(deviceRecord)));
    return 0;
  }
  if (devices.length === 0) {
    if (options.headers !== false) env.stderr.write(noneMessage(env, options.alg));
    return 0;
  }
  env.stdout.write(renderTable(
    [
      { header: "DEVICE" },
      { header: "ALGORITHMS" },
      { header: "FREE", right: true },
      { header: "NODE", right: true },
      { header: "SVA" },
      { header: "ISOLATED" },
      { header: "PARENT" },
    ],
    devices.map(listRow),
    { headers: options.headers !== false },
  ));
  return 0;
}

function listRow(d: UacceDevice): string[] {
  return [
    d.name,
    d.algorithms === null ? "-" : d.algorithms.join(",") || "(none)",
    cell(d.availableInstances),
    cell(d.numaNode),
    cell(d.sva),
    d.isolated ? "yes" : "no",
    d.parent === null ? "-" : d.parent.name,
  ];
}

function noneMessage(env: Env, alg: string | undefined): string {
  const where = env.root === "/" ? "" : ` under ${env.root}`;
  return alg === undefined
    ? `wd: no uacce devices${where} (run \`wd doctor\` to see why)\n`
    : `wd: no uacce device offers "${alg}"${where}\n`;
}
