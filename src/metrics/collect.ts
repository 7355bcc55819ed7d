/**
 * One scrape: every collector run against the environment, each on its own so that one that
 * fails (a directory that cannot be listed) costs only its own metrics, which
 * `wd_collector_success` then reports as 0.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { VERSION } from "../version.ts";
import { Exposition, type Family, renderFamilies } from "./exposition.ts";
import { collectHisi, collectUacce } from "./uacce.ts";
import { collectIdxd } from "./idxd.ts";
import { collectMdev } from "./mdev.ts";
import { collectDoctor } from "./doctor.ts";
import { collectUsage } from "./usage_metrics.ts";
import type { UacceDevice } from "../drivers/uacce/device.ts";
import { statsPath } from "./usage.ts";

/** The collectors, in output order. */
export const COLLECTORS = ["uacce", "hisi", "idxd", "mdev", "doctor", "usage"] as const;

/** One of {@linkcode COLLECTORS}. */
export type CollectorName = (typeof COLLECTORS)[number];

/** Options of {@linkcode collectMetrics}. */
export interface CollectOptions {
  /** The usage stats file; default: `WD_STATS` or /etc/wd/stats-file; null for none. */
  statsPath?: string | null | undefined;
}

/** A scrape's result. */
export interface Collection {
  /** The families, in output order. */
  families: Family[];
  /** The exposition text. */
  text: string;
  /** Collectors that failed, and why. */
  errors: { collector: CollectorName; message: string }[];
}

/**
 * Reads everything `wd metrics` exports.
 *
 * @param env The environment (its root is the host read).
 * @param options The usage stats file.
 * @returns The families, their text and the collectors that failed.
 *
 * @example Free queues of every uacce device, as Prometheus would see them
 * ```ts
 * import { collectMetrics, processEnv } from "../../mod.ts";
 * const { families } = collectMetrics(processEnv());
 * const free = families.find((f) => f.name === "wd_uacce_available_instances");
 * for (const s of free?.samples ?? []) console.log(s.labels.device, s.value);
 * ```
 */
export function collectMetrics(env: Env, options: CollectOptions = {}): Collection {
  const path = options.statsPath === undefined ? statsPath(env) : options.statsPath;
  const parts: Family[][] = [];
  const errors: Collection["errors"] = [];
  const success = new Map<CollectorName, boolean>();
  let devices: UacceDevice[] = [];
  const run: Record<CollectorName, (x: Exposition) => void> = {
    uacce: (x) => devices = collectUacce(x, env),
    hisi: (x) => collectHisi(x, env, devices),
    idxd: (x) => collectIdxd(x, env),
    mdev: (x) => collectMdev(x, env),
    doctor: (x) => collectDoctor(x, env),
    usage: (x) => collectUsage(x, path),
  };
  for (const name of COLLECTORS) {
    const x = new Exposition();
    try {
      run[name](x);
      success.set(name, true);
    } catch (err) {
      success.set(name, false);
      errors.push({ collector: name, message: err instanceof Error ? err.message : String(err) });
    }
    parts.push(x.families); // what a failing collector read before it failed is still true
  }
  const own = new Exposition();
  own.gauge("wd_build_info", "The wd that wrote these metrics; always 1.").add(
    { version: VERSION },
    1,
  );
  const ok = own.gauge(
    "wd_collector_success",
    "1 when the collector read everything it looked for, 0 when it failed (wd metrics says why on stderr).",
  );
  for (const name of COLLECTORS) ok.add({ collector: name }, success.get(name) ?? false);
  const families = [...own.families, ...parts.flat()];
  return { families, text: renderFamilies(families), errors };
}
