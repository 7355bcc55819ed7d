/**
 * The hosts `wd metrics` is pinned on: the fixture machines (uacce, idxd on three kernels,
 * mdev) and the device model, each with the options that make the output the same on every
 * machine (the CPUs wd runs on, a usage stats file).
 *
 * @module
 */

import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd, runWdSim, type WdRun } from "../fixtures/run_wd.ts";
import {
  addHisiDebugfs,
  kernel61,
  kunpeng920,
  kunpeng930,
  legacyOpenEuler,
  pciPath,
} from "../../src/testing/uacce_machines.ts";
import { sapphireRapids } from "../../src/testing/idxd_machines.ts";
import { idxdKernel510, idxdKernel515, idxdKernel617 } from "../../src/testing/idxd_kernels.ts";
import { gvtHost, noMdevHost, vfioApHost, vgpuHost } from "../../src/testing/mdev_machines.ts";

const ZIP4 = `${pciPath("0000:75:00.0")}/uacce/hisi_zip-4`;

/** A Kunpeng 920 whose ZIP functions' debugfs counters root can read. */
export function kunpeng920Debugfs(t: FakeRoot): FakeRoot {
  kunpeng920(t);
  addHisiDebugfs(t, "hisi_zip", "0000:75:00.0", { send_cnt: 1200, recv_cnt: 1198, err_irq: 1 });
  addHisiDebugfs(t, "hisi_zip", "0000:b5:00.0");
  return addHisiDebugfs(t, "hisi_sec2", "0000:76:00.0", { aeq_irq: 7 });
}

/** The fixture hosts by name. */
export const HOSTS: Record<string, (t: FakeRoot) => FakeRoot> = {
  kunpeng920: kunpeng920Debugfs,
  kunpeng930,
  kernel61,
  legacy: legacyOpenEuler,
  isolated: (t) => kunpeng920(t).file(`${ZIP4}/isolate`, 1).file(`${ZIP4}/isolate_strategy`, 5),
  "no-accelerators": (t) => t,
  spr: sapphireRapids,
  "idxd-kernel510": idxdKernel510,
  "idxd-kernel515": idxdKernel515,
  "idxd-kernel617": idxdKernel617,
  vgpu: vgpuHost,
  "vfio-ap": vfioApHost,
  gvt: gvtHost,
  "no-mdev": noMdevHost,
};

/** The environment options every pinned run uses. */
export const PINNED = {
  sys: { cpus: [0, 1, 2, 3], identity: { uid: 0, gid: 0, groups: [0] } },
};

/**
 * `wd metrics` on a fixture host, with a usage stats file that does not exist yet (zeros).
 *
 * @param name A key of {@linkcode HOSTS}.
 * @param args More arguments.
 * @returns The run.
 */
export async function metricsOf(name: string, args: string[] = []): Promise<WdRun> {
  using t = HOSTS[name]!(FakeRoot.create());
  return await runWd(t, ["metrics", ...args], {
    ...PINNED,
    vars: { WD_STATS: t.path("var/lib/wd/stats.json") },
  });
}

/**
 * `wd --sim=SPEC metrics`.
 *
 * @param spec The simulation spec.
 * @param vars Environment variables.
 * @returns The run.
 */
export async function simMetrics(spec: string, vars: Record<string, string> = {}): Promise<WdRun> {
  return await runWdSim(spec, ["metrics"], vars);
}
