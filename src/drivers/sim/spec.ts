/**
 * What a simulated machine looks like and which faults it injects, parsed from `--sim[=SPEC]`
 * or `WD_SIM`. SPEC is a comma-separated list:
 *
 * | item | meaning |
 * |---|---|
 * | `v2` (default) / `v3` | Kunpeng 920 (two `hisi_qm_v2` ZIP functions, zlib and gzip) or Kunpeng 930 (one `hisi_qm_v3` function, zlib, gzip, deflate) |
 * | `queues=N` | free queues per device (default 64, the mainline `pf_q_num`) |
 * | `busy` | every open fails with EBUSY, as when all queues are taken |
 * | `isolated` | the devices report `isolate` = 1 |
 * | `ds_tx@N`, `ds_rx@N` | the device stops the queue (writes 1 to the word) after N requests |
 * | `status=0xCC@N` | request N completes with status CC |
 * | `delay=MS` | every completion is posted MS milliseconds late |
 * | `lose@N` | request N is processed but its completion is never posted |
 * | `qn@N` | doorbell N is treated as carrying a wrong queue number (the queue dies) |
 * | `corrupt@N` | request N succeeds but one byte of its output is wrong (what `--verify` catches) |
 *
 * Request and doorbell numbers count from 1 across the whole device, in the order the device
 * sees them.
 *
 * A spec can also make the device complete requests at once without doing the work
 * ({@linkcode SimSpec.instant}), which only the driver-overhead benchmark sets: its results are
 * not data, so no text spec (no `--sim`, no `WD_SIM`) can ask for it.
 *
 * @module
 */

import { UsageError } from "../../errors.ts";

/** A fault the device model injects. */
export type SimFault =
  | { kind: "busy" }
  | { kind: "isolated" }
  | { kind: "ds_tx" | "ds_rx"; after: number }
  | { kind: "status"; code: number; at: number }
  | { kind: "delay"; ms: number }
  | { kind: "lose"; at: number }
  | { kind: "qn"; at: number }
  | { kind: "corrupt"; at: number };

/** A parsed simulation spec. */
export interface SimSpec {
  /** Hardware flavour. */
  flavour: "v2" | "v3";
  /** Free queues per device. */
  queues: number;
  /**
   * Complete requests without doing the work (bench/hw_overhead.ts only: the results are not
   * data, so {@linkcode parseSimSpec} refuses it).
   */
  instant: boolean;
  /** Faults to inject. */
  faults: SimFault[];
}

/**
 * Parses a spec.
 *
 * @param text The spec (`""` or `"v2"` for the default machine).
 * @returns The parsed spec.
 * @throws WdError (usage) naming the item that is not understood.
 *
 * @example
 * ```ts
 * import { parseSimSpec } from "@wd/wd/low-level";
 * console.log(parseSimSpec("v3,queues=4,lose@5").faults); // [{ kind: "lose", at: 5 }]
 * ```
 */
export function parseSimSpec(text: string): SimSpec {
  const spec: SimSpec = { flavour: "v2", queues: 64, instant: false, faults: [] };
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    const fault = parseItem(item, spec);
    if (fault === undefined) continue;
    if (fault === null) {
      throw new UsageError(`Cannot understand simulation item "${item}"`, {
        hint:
          "items: v2, v3, queues=N, busy, isolated, ds_tx@N, ds_rx@N, status=0xCC@N, delay=MS, lose@N, qn@N, corrupt@N",
      });
    }
    spec.faults.push(fault);
  }
  return spec;
}

/** Returns a fault, undefined for a setting applied to `spec`, or null when not understood. */
function parseItem(item: string, spec: SimSpec): SimFault | undefined | null {
  if (item === "v2" || item === "v3") {
    spec.flavour = item;
    return undefined;
  }
  if (item === "instant") {
    throw new UsageError(`Cannot simulate "instant" here: its device returns no real data`, {
      hint: "instant completions are for the driver-overhead benchmark (bin/deno task bench), " +
        "which sets them itself; use delay=MS for a slow device",
    });
  }
  if (item === "busy" || item === "isolated") return { kind: item };
  let m = /^queues=(\d+)$/.exec(item);
  if (m) {
    spec.queues = Number(m[1]);
    return undefined;
  }
  m = /^(ds_tx|ds_rx)@(\d+)$/.exec(item);
  if (m) return { kind: m[1] as "ds_tx" | "ds_rx", after: Number(m[2]) };
  m = /^status=(0x[0-9a-f]{1,2}|\d+)@(\d+)$/i.exec(item);
  if (m) return { kind: "status", code: Number(m[1]), at: Number(m[2]) };
  m = /^delay=(\d+)(?:ms)?$/.exec(item);
  if (m) return { kind: "delay", ms: Number(m[1]) };
  m = /^(lose|qn|corrupt)@(\d+)$/.exec(item);
  if (m) return { kind: m[1] as "lose" | "qn" | "corrupt", at: Number(m[2]) };
  return null;
}
