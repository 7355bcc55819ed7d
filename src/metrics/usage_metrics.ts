/**
 * wd's own use as counters, from the stats file `wd zip`/`wd unzip` record into
 * (./usage.ts): bytes each engine read and wrote, runs, and runs that fell back to software by
 * reason. Every combination is exported, zeros included, so rates exist from the first run;
 * nothing is exported when recording is off.
 *
 * @module
 */

import type { Exposition } from "./exposition.ts";
import { FALLBACK_REASONS, readUsage, type UsageStats } from "./usage.ts";

/**
 * Adds the usage metrics.
 *
 * @param x The exposition.
 * @param path The stats file, or null when recording is off.
 * @throws Error when the stats file cannot be read or is not a wd stats file (the families
 *   are then left out and `wd_zip_stats_readable` is 0).
 */
export function collectUsage(x: Exposition, path: string | null): void {
  if (path === null) return;
  const readable = x.gauge(
    "wd_zip_stats_readable",
    "1 when the usage stats file wd zip records into (WD_STATS or /etc/wd/stats-file) could be read.",
  );
  let u: UsageStats;
  try {
    u = readUsage(path);
  } catch (err) {
    readable.add({}, 0);
    throw err;
  }
  readable.add({}, 1);
  const runs = x.counter(
    "wd_zip_runs_total",
    "wd zip/unzip runs, by the engine they chose (hw, sw) and direction.",
  );
  const input = x.counter(
    "wd_zip_input_bytes_total",
    "Bytes wd zip/unzip read, by engine and direction.",
  );
  const output = x.counter(
    "wd_zip_output_bytes_total",
    "Bytes wd zip/unzip wrote, by engine and direction.",
  );
  for (const engine of ["hw", "sw"] as const) {
    for (const direction of ["compress", "decompress"] as const) {
      const labels = { engine, direction };
      runs.add(labels, u.runs[engine][direction]);
      input.add(labels, u.inputBytes[engine][direction]);
      output.add(labels, u.outputBytes[engine][direction]);
    }
  }
  const fallbacks = x.counter(
    "wd_zip_fallbacks_total",
    "wd zip/unzip runs that went to software instead of the device, by reason: no_device, busy, isolated, device_error, verify_failure, level (above what --engine auto gives the device).",
  );
  for (const direction of ["compress", "decompress"] as const) {
    for (const reason of FALLBACK_REASONS) {
      fallbacks.add({ direction, reason }, u.fallbacks[direction][reason]);
    }
  }
}
