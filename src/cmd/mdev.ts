/**
 * `wd mdev types` and `wd mdev list`: mdev parents with their types, and active mdevs.
 * (`create` and `remove` are in mdev_write.ts.)
 *
 * @module
 */

import { type Env, hostPath } from "../env.ts";
import { listMdevs, type Mdev } from "../drivers/mdev/devices.ts";
import {
  listMdevParents,
  MDEV_BUS_CLASS,
  mdevBusPresent,
  parentNames,
} from "../drivers/mdev/parents.ts";
import { nearName } from "../drivers/suggest.ts";
import { mdevRecord, typeRecord } from "./mdev_record.ts";
import { cell, renderJson, renderTable } from "./render.ts";

/** Options of `wd mdev types`. */
export interface MdevTypesOptions {
  /** Only this parent. */
  parent?: string | undefined;
  /** Print JSON records. */
  json?: boolean | undefined;
  /** Print the header line (default true). */
  headers?: boolean | undefined;
}

/** Options of `wd mdev list`. */
export interface MdevListOptions extends MdevTypesOptions {
  /** Only mdevs of this type. */
  type?: string | undefined;
}

/**
 * Runs `wd mdev types`: one row per type of every parent.
 *
 * @param env The environment.
 * @param options The options.
 * @returns 0; an empty result is not an error.
 */
export function runMdevTypes(env: Env, options: MdevTypesOptions): number {
  const parents = listMdevParents(env).filter((p) =>
    options.parent === undefined || p.name === options.parent
  );
  const rows = parents.flatMap((p) => p.types.map((t) => ({ p, t })));
  warnUnknownParent(env, options.parent);
  if (options.json) {
    env.stdout.write(renderJson(rows.map(({ p, t }) => typeRecord(p, t))));
    return 0;
  }
  if (rows.length === 0) {
    if (options.headers !== false) env.stderr.write(noneMessage(env, "mdev types"));
    return 0;
  }
  env.stdout.write(renderTable(
    [
      { header: "PARENT" },
      { header: "TYPE" },
      { header: "NAME" },
      { header: "API" },
      { header: "FREE", right: true },
      { header: "USED", right: true },
      { header: "DESCRIPTION" },
    ],
    rows.map(({ p, t }) => [
      p.name,
      t.id,
      cell(t.name),
      cell(t.deviceApi),
      cell(t.availableInstances),
      String(t.instances.length),
      cell(t.description),
    ]),
    { headers: options.headers !== false },
  ));
  return 0;
}

/**
 * Runs `wd mdev list`: one row per active mdev.
 *
 * @param env The environment.
 * @param options The options.
 * @returns 0; an empty result is not an error.
 */
export function runMdevList(env: Env, options: MdevListOptions): number {
  const mdevs = listMdevs(env).filter((m) =>
    (options.parent === undefined || m.parent === options.parent) &&
    (options.type === undefined || m.type === options.type)
  );
  warnUnknownParent(env, options.parent);
  if (options.json) {
    env.stdout.write(renderJson(mdevs.map(mdevRecord)));
    return 0;
  }
  if (mdevs.length === 0) {
    if (options.headers !== false) env.stderr.write(noneMessage(env, "active mdevs"));
    return 0;
  }
  env.stdout.write(renderTable(
    [
      { header: "UUID" },
      { header: "PARENT" },
      { header: "TYPE" },
      { header: "NAME" },
      { header: "DRIVER" },
      { header: "IOMMU", right: true },
      { header: "VFIO NODE" },
    ],
    mdevs.map(listRow),
    { headers: options.headers !== false },
  ));
  return 0;
}

function listRow(m: Mdev): string[] {
  return [
    m.uuid,
    cell(m.parent),
    cell(m.type),
    cell(m.typeName),
    cell(m.driver),
    cell(m.iommuGroup),
    m.vfioNode === null ? "-" : `${m.vfioNode}${m.vfioNodeExists ? "" : " (missing)"}`,
  ];
}

/** A filter naming no parent gives an empty result, and a note on stderr for the typo. */
function warnUnknownParent(env: Env, parent: string | undefined): void {
  if (parent === undefined) return;
  const names = parentNames(env);
  if (names.includes(parent)) return;
  const near = nearName(parent, names);
  env.stderr.write(
    `wd: no mdev parent "${parent}" here${
      near === undefined ? "" : ` (did you mean "${near}"?)`
    }\n`,
  );
}

function noneMessage(env: Env, what: string): string {
  const where = env.root === "/" ? "" : ` under ${env.root}`;
  const why = mdevBusPresent(env)
    ? ""
    : ` (no mdev support: ${hostPath(env, MDEV_BUS_CLASS)} does not exist)`;
  return `wd: no ${what}${where}${why}\n`;
}
