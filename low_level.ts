/**
 * wd's low-level layer, under the calls of `@wd/wd`: the system call table and the checked
 * libc wrappers, ioctl numbers, a uacce queue's rings and SQEs, DMA buffers, the ZIP engine's
 * stateful streams, the device model's machine, sysfs readers and writers, the compression
 * engines and their framing, and the pieces of `wd metrics`. For drivers, tools and tests
 * that need what the high-level calls hide; scripts rarely do.
 *
 * ```ts
 * import { ALG_CODE, iowr, outputBound } from "@wd/wd/low-level";
 * console.log(iowr("H", 10, 4).toString(16), ALG_CODE.gzip, outputBound(65536)); // c004480a 3 ...
 * ```
 *
 * @module
 */

// The outside world: environments, system calls, mappings, ioctls.
export {
  denoFs,
  type DirEntry,
  fileOutput,
  type FileStat,
  type Fs,
  hostEnv,
  hostPath,
  MAX_ATTRIBUTE_BYTES,
  NotAnAttribute,
  type Output,
} from "./src/env.ts";
export { libcSys, type Sys } from "./src/ffi/sys.ts";
export { errnoExitCode, fromDenoError, type SysErrorOptions } from "./src/ffi/sys_error.ts";
export { Mapping, type Unmapper } from "./src/ffi/mapping.ts";
export { io, ioc, IOC_NONE, IOC_READ, IOC_WRITE, ior, iow, iowr } from "./src/ffi/ioctl.ts";
export { runCleanups } from "./src/cleanup.ts";

// uacce: devices, queues, policy.
export { hwVersionOf, readDevice, UACCE_DEV_SVA } from "./src/drivers/uacce/device.ts";
export {
  deviceNameOf,
  type ModuleParams,
  moduleParams,
  UACCE_CLASS,
  uacceClassPresent,
} from "./src/drivers/uacce/discover.ts";
export { isTestDevice, TEST_DEVICES_VAR } from "./src/drivers/uacce/policy.ts";
export {
  checkUsable,
  DEFAULT_QP_INFO,
  DIRECTIONS,
  QC_COMPRESS,
  QC_DECOMPRESS,
  qcTypeOf,
  type QueueType,
  UACCE_CMD_PUT_Q,
  UACCE_CMD_QM_SET_QP_CTX,
  UACCE_CMD_QM_SET_QP_INFO,
  UACCE_CMD_START_Q,
  UACCE_QFRT_DUS,
  UACCE_QFRT_MMIO,
} from "./src/drivers/uacce/queue.ts";

// The hisi_qm rings and the ZIP engine.
export { CQE_SIZE, QmRing, type RingQueue } from "./src/drivers/hisi_qm/ring.ts";
export {
  DB_CMD_CQ,
  DB_CMD_SQ,
  type DoorbellLayout,
  doorbellLayout,
} from "./src/drivers/hisi_qm/doorbell.ts";
export {
  type Keep,
  ZipQueue,
  type ZipQueueOptions,
  type ZipRequest,
  zipRequest,
} from "./src/drivers/hisi_zip/zip_queue.ts";
export {
  completionTimeoutMs,
  DEFAULT_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  parseTimeoutMs,
  TIMEOUT_VAR,
} from "./src/drivers/hisi_zip/timeout.ts";
export { DmaBuffer, DmaPool } from "./src/drivers/hisi_zip/dma.ts";
export {
  CompressStream,
  DecompressStream,
  type InflateResult,
  StatefulStream,
  type StreamSession,
} from "./src/drivers/hisi_zip/streams.ts";
export {
  CTX_SIZE,
  MAX_OUTPUT,
  MAX_REQUEST,
  MIN_OUTPUT,
  outputBound,
} from "./src/drivers/hisi_zip/limits.ts";
export {
  ALG_CODE,
  decodeSqeResult,
  encodeSqe,
  SQE_SIZE,
  type SqeRequest,
  type SqeResult,
  STATUS,
} from "./src/drivers/hisi_zip/sqe.ts";
export { DMA_BUDGET, pickAlg, testPattern } from "./src/drivers/hisi_zip/selftest.ts";

// The device model.
export { SimMachine } from "./src/drivers/sim/machine.ts";
export { parseSimSpec, type SimFault, type SimSpec } from "./src/drivers/sim/spec.ts";
export { startSimEnv } from "./src/drivers/sim/env.ts";

// sysfs, mdev and idxd details.
export { type AbsentReason, AttrReader } from "./src/drivers/sysfs.ts";
export { writeAttr } from "./src/drivers/sysfs_write.ts";
export { check } from "./src/drivers/check.ts";
export { DIAGNOSES, type Diagnosis } from "./src/drivers/diagnose.ts";
export {
  MDEV_BUS_CLASS,
  mdevBusPresent,
  parentNames,
  readParent,
} from "./src/drivers/mdev/parents.ts";
export { MDEV_DEVICES, mdevWithUuid } from "./src/drivers/mdev/devices.ts";
export { requireParent, requireType } from "./src/drivers/mdev/checks.ts";
export { isUuid, type MdevUuid, newUuid, parseUuid } from "./src/drivers/mdev/uuid.ts";
export { DEFAULT_WAIT_MS, waitUntil } from "./src/drivers/mdev/wait.ts";
export { IDXD_BUSES, idxdDeviceNames, idxdPresent } from "./src/drivers/idxd/discover.ts";
export { IDXD_DEVICE_STATES } from "./src/drivers/idxd/device.ts";
export { IDXD_WQ_MODES, IDXD_WQ_STATES, IDXD_WQ_TYPES } from "./src/drivers/idxd/wq.ts";
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

// The compressor's engines and framing.
export { selectEngine, type Selection, softwareEngine } from "./src/zip/select.ts";
export type { SelectOptions } from "./src/zip/choice.ts";
export type {
  BlockDeflater,
  CompressOptions,
  DecompressOptions,
  Engine,
  EngineStats,
} from "./src/zip/engine.ts";
export { SoftwareEngine, type SoftwareEngineOptions } from "./src/zip/sw/engine.ts";
export type { CodecName, InflateStep, RawInflater } from "./src/zip/sw/codec.ts";
export type { DeflatePlan } from "./src/zip/sw/plan.ts";
export { softwareBlockDeflater } from "./src/zip/sw/block_deflater.ts";
export { adler32, adler32Combine, crc32, crc32Combine } from "./src/zip/checksum.ts";
export { encodeGzipHeader, parseGzipHeader } from "./src/zip/gzip_header.ts";
export { type DeviceOutputDetail, DeviceOutputError } from "./src/zip/errors.ts";

// wd metrics' text format and wd zip's usage stats.
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
