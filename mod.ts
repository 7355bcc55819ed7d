/**
 * wd as a library for Deno admin scripts: find uacce accelerators, read everything about them,
 * and diagnose why one cannot be used; and wd's gzip-compatible compressor as Web Streams
 * ({@linkcode ZipStream}, {@linkcode UnzipStream}).
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
