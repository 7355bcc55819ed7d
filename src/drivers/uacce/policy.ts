/**
 * Which devices wd may drive.
 *
 * Real hisi_qm devices always report SVA: the driver refuses to register without it
 * (drivers/crypto/hisilicon/qm.c `qm_alloc_uacce()`). A device without SVA is either
 * misconfigured or a test device (the fake ZIP module of tests/kmod runs without an IOMMU).
 * wd drives a non-SVA device only when `WD_TEST_DEVICES` names it.
 *
 * @module
 */

import type { Env } from "../../env.ts";

/** The variable that names test devices: a comma-separated list of device names, or `*`. */
export const TEST_DEVICES_VAR = "WD_TEST_DEVICES";

/**
 * Whether the user declared a device a test device.
 *
 * @param env The environment (its variables).
 * @param name The device name.
 * @returns True when `WD_TEST_DEVICES` is `*` or lists the name.
 */
export function isTestDevice(env: Env, name: string): boolean {
  const v = env.getenv(TEST_DEVICES_VAR)?.trim();
  if (!v) return false;
  return v === "*" || v.split(",").map((s) => s.trim()).includes(name);
}
