/**
 * wd as a library for Deno admin scripts: find uacce accelerators, read everything about them,
 * and diagnose why one cannot be used; drive a ZIP engine's queues; list, create and remove VFIO
 * mediated devices (mdev); read Intel DSA/IAA devices and their work queues (idxd); everything
 * `wd doctor` checks ({@linkcode diagnose}) and `wd metrics` exports ({@linkcode collectMetrics});
 * and wd's gzip-compatible compressor as Web Streams ({@linkcode ZipStream},
 * {@linkcode UnzipStream}).
 *
 * ```ts
 * import { listDevices, processEnv } from "./mod.ts";
 * for (const d of listDevices(processEnv())) {
 *   console.log(d.name, d.algorithms?.join(","), d.availableInstances);
 * }
 * ```
 *
 * Scripts need `--allow-all` (`-A`): Deno opens `/sys` and `/dev` only with every permission.
 *
 * @module
 */

export {
  type DirEntry,
  type Env,
  type FileStat,
  type Fs,
  hostPath,
  type Output,
  processEnv,
  type ProcessEnvOptions,
} from "./src/env.ts";
export {
  ExitCode,
  exitCodeOf,
  type ExitCodeValue,
  WdError,
  type WdErrorOptions,
} from "./src/errors.ts";
export { SysError } from "./src/ffi/sys_error.ts";
export { libcSys, type Sys } from "./src/ffi/sys.ts";
export { Mapping } from "./src/ffi/mapping.ts";
export { io, ioc, ior, iow, iowr } from "./src/ffi/ioctl.ts";
export {
  type DeviceNode,
  type EngineKind,
  hwVersionOf,
  type ParentDevice,
  readDevice,
  UACCE_DEV_SVA,
  type UacceDevice,
  type UacceLayout,
} from "./src/drivers/uacce/device.ts";
export {
  deviceNameOf,
  findDevice,
  listDevices,
  type ModuleParams,
  moduleParams,
} from "./src/drivers/uacce/discover.ts";
export { diagnoseUacce } from "./src/drivers/uacce/diagnose.ts";
export { type Check, type Verdict } from "./src/drivers/check.ts";
export { isTestDevice, TEST_DEVICES_VAR } from "./src/drivers/uacce/policy.ts";
export {
  DEFAULT_QP_INFO,
  type OpenQueueOptions,
  QC_COMPRESS,
  QC_DECOMPRESS,
  type QueueInfo,
  type QueueType,
  UacceQueue,
} from "./src/drivers/uacce/queue.ts";
export { QmRing, QueueDeadError, type RingQueue } from "./src/drivers/hisi_qm/ring.ts";
export {
  type Keep,
  ZipQueue,
  type ZipQueueOptions,
  type ZipRequest,
} from "./src/drivers/hisi_zip/zip_queue.ts";
export { DmaBuffer, DmaPool } from "./src/drivers/hisi_zip/dma.ts";
export { type DoorbellLayout, doorbellLayout } from "./src/drivers/hisi_qm/doorbell.ts";
export {
  type BlockOutput,
  ZipSession,
  type ZipSessionOptions,
} from "./src/drivers/hisi_zip/session.ts";
export {
  CompressStream,
  DecompressStream,
  type InflateResult,
  StatefulStream,
} from "./src/drivers/hisi_zip/streams.ts";
export {
  CTX_SIZE,
  DeviceStatusError,
  MAX_REQUEST,
  MIN_OUTPUT,
  outputBound,
} from "./src/drivers/hisi_zip/limits.ts";
export {
  ALG_CODE,
  type SqeRequest,
  type SqeResult,
  STATUS,
  type ZipAlg,
} from "./src/drivers/hisi_zip/sqe.ts";
export {
  selfTest,
  type SelfTestOptions,
  type SelfTestResult,
} from "./src/drivers/hisi_zip/selftest.ts";
export { SimMachine } from "./src/drivers/sim/machine.ts";
export { parseSimSpec, type SimFault, type SimSpec } from "./src/drivers/sim/spec.ts";
export { type Cleanup, onInterrupt } from "./src/cleanup.ts";
export {
  listMdevParents,
  MDEV_BUS_CLASS,
  mdevBusPresent,
  type MdevParent,
  type MdevType,
  parentNames,
  readParent,
} from "./src/drivers/mdev/parents.ts";
export { findMdev, listMdevs, type Mdev, MDEV_DEVICES } from "./src/drivers/mdev/devices.ts";
export {
  applyWrite,
  type CreateRequest,
  type MdevWrite,
  planCreate,
  planRemove,
} from "./src/drivers/mdev/lifecycle.ts";
export { isUuid, type MdevUuid, newUuid, parseUuid } from "./src/drivers/mdev/uuid.ts";
export { DEFAULT_WAIT_MS, type WaitOptions, waitUntil } from "./src/drivers/mdev/wait.ts";
export { diagnoseMdev } from "./src/drivers/mdev/diagnose.ts";
export {
  type IdxdDevice,
  type IdxdEngine,
  type IdxdGroup,
  type IdxdKind,
} from "./src/drivers/idxd/device.ts";
export type { IdxdWq } from "./src/drivers/idxd/wq.ts";
export {
  findIdxdDevice,
  IDXD_BUSES,
  idxdDeviceNames,
  idxdPresent,
  listIdxdDevices,
} from "./src/drivers/idxd/discover.ts";
export {
  cmdStatusText,
  type DecodedOps,
  decodeOps,
  DSA_OPCODES,
  IAX_OPCODES,
  type OpCap,
  type OpCapFormat,
  parseBitmap,
  parseOpCap,
} from "./src/drivers/idxd/ops.ts";
export { diagnoseIdxd } from "./src/drivers/idxd/diagnose.ts";
export { writeAttr } from "./src/drivers/sysfs_write.ts";
export {
  diagnose,
  DIAGNOSES,
  type Diagnosis,
  type Subsystem,
  type SubsystemCheck,
} from "./src/drivers/diagnose.ts";

// Prometheus metrics (wd metrics) and wd zip's usage stats.
export {
  type Collection,
  collectMetrics,
  type CollectOptions,
  type CollectorName,
  COLLECTORS,
} from "./src/metrics/collect.ts";
export {
  escapeLabel,
  Exposition,
  type Family,
  FamilyWriter,
  type MetricType,
  renderFamilies,
  type Sample,
} from "./src/metrics/exposition.ts";
export {
  addRun,
  type ByEngine,
  type Direction,
  emptyUsage,
  FALLBACK_REASONS,
  parseUsage,
  readUsage,
  type RecordOptions,
  recordZipRun,
  STATS_CONFIG,
  STATS_VAR,
  statsPath,
  type UsageStats,
  UsageTally,
  type ZipEngineKind,
  type ZipRunUsage,
} from "./src/metrics/usage.ts";

// The compressor (wd zip / wd unzip) as Web Streams, and its engines.
export {
  EngineStream,
  type StreamEngineOptions,
  UnzipStream,
  type UnzipStreamOptions,
  ZipStream,
  type ZipStreamOptions,
} from "./src/zip/stream.ts";
export {
  type EngineChoice,
  selectEngine,
  type Selection,
  type SelectOptions,
  softwareEngine,
} from "./src/zip/select.ts";
export type {
  BlockDeflater,
  CompressOptions,
  DecompressOptions,
  Engine,
  EngineStats,
  FallbackReason,
  Format,
  GzipHeader,
} from "./src/zip/engine.ts";
export { ZipDataError, type ZipDataErrorKind, type ZipDataErrorOptions } from "./src/zip/errors.ts";
export { SoftwareEngine, type SoftwareEngineOptions } from "./src/zip/sw/engine.ts";
export type { CodecName, InflateStep, RawInflater } from "./src/zip/sw/codec.ts";
export type { DeflatePlan } from "./src/zip/sw/plan.ts";
export { softwareBlockDeflater } from "./src/zip/sw/block_deflater.ts";
export { adler32, adler32Combine, crc32, crc32Combine } from "./src/zip/checksum.ts";
export { encodeGzipHeader, parseGzipHeader } from "./src/zip/gzip_header.ts";
