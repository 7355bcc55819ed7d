/**
 * wd as a library for Deno admin scripts: the accelerators of a Linux server (HiSilicon
 * Kunpeng ZIP/SEC/HPRE through uacce, Intel DSA/IAA through idxd, VFIO mediated devices) and
 * wd's gzip-compatible compressor, with what the `wd` command does as calls:
 *
 * - the environment: {@linkcode processEnv} (this host, or `WD_ROOT`'s tree, or `WD_SIM`'s
 *   model) and {@linkcode simulatedEnv}, the device model in one call;
 * - discovery and diagnosis: {@linkcode listDevices}, {@linkcode findDevice},
 *   {@linkcode diagnose} (what `wd doctor` checks);
 * - compression as Web Streams: {@linkcode ZipStream}, {@linkcode UnzipStream}, each saying
 *   what happened ({@linkcode ZipReport});
 * - queues: {@linkcode UacceQueue}, {@linkcode ZipSession}, {@linkcode selfTest};
 * - mdev ({@linkcode listMdevParents}, {@linkcode createMdev}, ...) and idxd
 *   ({@linkcode listIdxdDevices});
 * - metrics: {@linkcode collectMetrics} (what `wd metrics` exports);
 * - errors: one class per exit code under {@linkcode WdError}.
 *
 * Rings, SQEs, ioctls, DMA buffers and the engines are in `@wd/wd/low-level`; fake sysfs
 * trees of real machines, to test scripts against, in `@wd/wd/testing`.
 *
 * ```ts
 * import { listDevices, processEnv } from "@wd/wd";
 * for (const d of listDevices(processEnv())) {
 *   console.log(d.name, d.algorithms?.join(","), d.availableInstances);
 * }
 * ```
 *
 * Scripts need `--allow-all` (`-A`): Deno opens `/sys` and `/dev` only with every permission.
 *
 * @module
 */

// The environment, the model.
export type { Env, ProcessEnvOptions } from "./src/env.ts";
export { processEnv } from "./src/process_env.ts";
export {
  type SimulatedEnv,
  simulatedEnv,
  type SimulatedEnvOptions,
} from "./src/drivers/sim/env.ts";
export { type Cleanup, onInterrupt } from "./src/cleanup.ts";

// Errors.
export {
  BusyError,
  ExitCode,
  exitCodeOf,
  type ExitCodeValue,
  NotFoundError,
  PermissionError,
  UnsupportedError,
  UsageError,
  WdError,
  wdError,
  type WdErrorOptions,
  type WdErrorSubclassOptions,
} from "./src/errors.ts";
export { SysError } from "./src/ffi/sys_error.ts";
export { ZipDataError, type ZipDataErrorKind, type ZipDataErrorOptions } from "./src/zip/errors.ts";
export { QueueDeadError } from "./src/drivers/hisi_qm/ring.ts";
export { DeviceStatusError } from "./src/drivers/hisi_zip/limits.ts";

// uacce devices: discovery and diagnosis.
export {
  type DeviceNode,
  type EngineKind,
  type ParentDevice,
  type UacceDevice,
  type UacceLayout,
} from "./src/drivers/uacce/device.ts";
export { findDevice, listDevices } from "./src/drivers/uacce/discover.ts";
export { diagnoseUacce } from "./src/drivers/uacce/diagnose.ts";
export type { Check, DiagnoseOptions, Verdict } from "./src/drivers/check.ts";
export { diagnose, type Subsystem, type SubsystemCheck } from "./src/drivers/diagnose.ts";

// Queues of a ZIP device.
export {
  type Direction,
  type OpenQueueOptions,
  type QueueInfo,
  UacceQueue,
} from "./src/drivers/uacce/queue.ts";
export {
  type BlockOutput,
  ZipSession,
  type ZipSessionOptions,
} from "./src/drivers/hisi_zip/session.ts";
export type { ZipAlg } from "./src/drivers/hisi_zip/sqe.ts";
export {
  SELF_TEST_DEFAULTS,
  selfTest,
  type SelfTestOptions,
  type SelfTestResult,
} from "./src/drivers/hisi_zip/selftest.ts";

// The compressor as Web Streams.
export {
  EngineStream,
  type StreamEngineOptions,
  UnzipStream,
  type UnzipStreamOptions,
  type ZipReport,
  ZipStream,
  type ZipStreamOptions,
} from "./src/zip/stream.ts";
export type { EngineChoice } from "./src/zip/choice.ts";
export type { FallbackReason, Format, GzipHeader } from "./src/zip/engine.ts";

// VFIO mediated devices.
export { listMdevParents, type MdevParent, type MdevType } from "./src/drivers/mdev/parents.ts";
export { findMdevParent } from "./src/drivers/mdev/checks.ts";
export { findMdev, listMdevs, type Mdev } from "./src/drivers/mdev/devices.ts";
export {
  applyWrite,
  createMdev,
  type CreateRequest,
  type MdevWrite,
  planCreate,
  planRemove,
  removeMdev,
  type RemoveRequest,
} from "./src/drivers/mdev/lifecycle.ts";
export type { WaitOptions } from "./src/drivers/mdev/wait.ts";
export { diagnoseMdev } from "./src/drivers/mdev/diagnose.ts";

// Intel DSA and IAA.
export type {
  IdxdDevice,
  IdxdDeviceState,
  IdxdEngine,
  IdxdGroup,
  IdxdKind,
} from "./src/drivers/idxd/device.ts";
export type { IdxdWq, IdxdWqMode, IdxdWqState, IdxdWqType } from "./src/drivers/idxd/wq.ts";
export { findIdxdDevice, listIdxdDevices } from "./src/drivers/idxd/discover.ts";
export { diagnoseIdxd } from "./src/drivers/idxd/diagnose.ts";

// Prometheus metrics (wd metrics).
export {
  type Collection,
  collectMetrics,
  type CollectOptions,
  type CollectorName,
  COLLECTORS,
} from "./src/metrics/collect.ts";
