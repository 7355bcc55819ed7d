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
import { checkEnv, checkOptions, checkType } from "../validate.ts";

/**
 * The collectors, in output order.
 *
 * @example
 * ```ts
 * import { collectMetrics, COLLECTORS, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const { errors } = collectMetrics(env, { statsPath: null });
 * console.log(COLLECTORS.filter((c) => !errors.some((e) => e.collector === c))); // the collectors that worked
 * ```
 */
export const COLLECTORS = ["uacce", "hisi", "idxd", "mdev", "doctor", "usage"] as const;

/**
 * One of {@linkcode COLLECTORS}.
 *
 * @example
 * ```ts
 * import { collectMetrics, type CollectorName, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const failed: CollectorName[] = collectMetrics(env, { statsPath: null }).errors.map((e) => e.collector);
 * console.log(failed); // []
 * ```
 */
export type CollectorName = (typeof COLLECTORS)[number];

/**
 * Options of {@linkcode collectMetrics}.
 *
 * @example
 * ```ts
 * import { collectMetrics, type CollectOptions, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const options: CollectOptions = { statsPath: null }; // leave wd zip's usage stats out
 * console.log(collectMetrics(env, options).text.includes("wd_uacce_available_instances")); // true
 * ```
 */
export interface CollectOptions {
  /** The usage stats file; default: `WD_STATS` or /etc/wd/stats-file; null for none. */
  statsPath?: string | null | undefined;
}

/**
 * A scrape's result.
 *
 * @example
 * ```ts
 * import { type Collection, collectMetrics, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const c: Collection = collectMetrics(env, { statsPath: null });
 * await Deno.writeTextFile(await Deno.makeTempFile({ suffix: ".prom" }), c.text); // for node_exporter
 * console.log(c.families.length, c.errors); // ... []
 * ```
 */
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
 * @throws TypeError for bad options.
 *
 * @example Free queues of every uacce device, as Prometheus would see them
 * ```ts
 * import { collectMetrics, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const { families } = collectMetrics(env, { statsPath: null });
 * const free = families.find((f) => f.name === "wd_uacce_available_instances");
 * for (const s of free?.samples ?? []) console.log(s.labels.device, s.value); // hisi_zip-4 64 ...
 * ```
 */
export function collectMetrics(env: Env, options: CollectOptions = {}): Collection {
  checkEnv("collectMetrics", "env", env);
  checkOptions("collectMetrics", options, ["statsPath"]);
  if (options.statsPath !== null) {
    checkType("collectMetrics", "statsPath", options.statsPath, "string");
  }
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
