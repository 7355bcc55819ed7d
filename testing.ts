/**
 * Fake machines for testing scripts: real temporary directories laid out as the kernel lays
 * out sysfs and devfs, modelled on real hosts (a 2-socket Kunpeng 920, a Kunpeng 930, a 6.1
 * kernel, the legacy openEuler layout, NVIDIA vGPU, vfio-ap and i915 GVT-g mdev hosts, a
 * Sapphire Rapids host with DSA and IAA, DSA/IAA as the 5.10, 5.15 and 6.17 kernels lay them
 * out), with environments whose output is captured and whose system calls can fail on cue.
 * wd's own test suite is built on them. For a device that really runs queues, use
 * `simulatedEnv` of `@wd/wd`.
 *
 * ```ts
 * import { listDevices } from "@wd/wd";
 * import { FakeRoot, kunpeng920 } from "@wd/wd/testing";
 * using root = kunpeng920(FakeRoot.create());
 * const { env } = root.env();
 * console.log(listDevices(env).map((d) => d.name)); // [ "hisi_hpre-0", "hisi_sec2-2", ... ]
 * ```
 *
 * @module
 */

export {
  type Capture,
  capture,
  type FakeEnvOptions,
  FakeRoot,
  faultyFs,
  type KernelHook,
  overrideSys,
  type SysOverrides,
  type WriteRecord,
} from "./src/testing/fake_root.ts";
export {
  addHisiDebugfs,
  addHisiDevice,
  addModule,
  addNumaNodes,
  type HisiDeviceSpec,
  hisiDus,
  kernel61,
  kunpeng920,
  kunpeng930,
  legacyOpenEuler,
  mmioSize,
  pciPath,
} from "./src/testing/uacce_machines.ts";
export {
  type ActiveMdevSpec,
  addActiveMdev,
  addMdevParent,
  AP_MDEV,
  GVT_MDEVS,
  gvtHost,
  type MdevParentSpec,
  type MdevTypeSpec,
  noMdevHost,
  NVIDIA_MDEV_DRIVER,
  removeActiveMdev,
  vfioApHost,
  VGPU_MDEVS,
  vgpuHost,
} from "./src/testing/mdev_machines.ts";
export { mdevKernel, type MdevKernelOptions } from "./src/testing/mdev_kernel.ts";
export {
  addIdxdDevice,
  type IdxdKernel,
  type IdxdSpec,
  sapphireRapids,
  SPR_DSA_OP_CAP,
  SPR_IAA_OP_CAP,
  type WqSpec,
} from "./src/testing/idxd_machines.ts";
export {
  DSA2_OP_CAP,
  DSA_OP_CAP_510,
  DSA_OP_CAP_515,
  IAA2_OP_CAP,
  IAA_OP_CAP_515,
  idxdKernel510,
  idxdKernel515,
  idxdKernel617,
} from "./src/testing/idxd_kernels.ts";
