/**
 * What the modelled ZIP engine does with one SQE: really compress or decompress the process's
 * memory at the addresses the SQE names, following docs/zip_device_model.md (headers are
 * software's, trailers the device's; stateful compression keeps 32 KiB of history in the
 * context buffer; stateful decompression keeps an inflate stream per context buffer).
 *
 * Runs on the device thread.
 *
 * @module
 */

import * as zlib from "node:zlib";
import { crcFromHw, crcToHw } from "../hisi_zip/checksum.ts";
import {
  ALG_CODE,
  CTX_DECOMPING_NO_SPACE,
  SQE_TYPE_0,
  SQE_TYPE_3,
  type SqeRequest,
  type SqeResult,
  STATUS,
} from "../hisi_zip/sqe.ts";
import type { DmaRegistry } from "./shared.ts";
import { StreamInflater } from "./inflate_stream.ts";

/** Largest input one SQE may carry (`HZ_MAX_SIZE`). */
export const MAX_INPUT = 8 << 20;
/** Largest output room one SQE may name (UADK clamps every request's output to `HZ_MAX_SIZE`). */
export const MAX_OUTPUT = 8 << 20;
/** Bytes of the context buffer the device may use, from the address in the SQE (64 KiB − 64). */
export const CTX_BYTES = 0x10000 - 64;
/** Smallest output a stateful request may offer (`SW_STOREBUF_TH`). */
export const MIN_STATEFUL_OUT = 200;

const HISTORY = 32768;
const CTX_MAGIC = 0x4d53_4457; // "WDSM"
// The engine has no level control (docs/hisi_zip_sqe.md §9) and its output is about zlib -1's
// size. zlib-ng's level 1 (deflate_quick) uses static Huffman codes only, which the hardware does
// not, so the model uses level 2: dynamic codes, a fast match finder.
const LEVEL = 2;

/** Per-device facts and state the executor needs. */
export interface ExecDevice {
  /** hisi_qm version (2 or 3). */
  hwVersion: number;
  /** Algorithm codes the device offers. */
  algCodes: Set<number>;
  /** Complete at once without doing the work. */
  instant: boolean;
  /** Process memory the device may touch. */
  registry: DmaRegistry;
  /** Inflate streams by context address. */
  inflaters: Map<number, StreamInflater>;
  /** Reports a device-side problem (the model's kernel log). */
  log(message: string): void;
}

type Result = Omit<SqeResult, "tag">;

function fail(req: SqeRequest, status: number): Result {
  return {
    consumed: 0,
    produced: 0,
    status,
    lastBlock: false,
    ctxDw0: req.ctxDw0,
    ctxDw1: req.ctxDw1,
    ctxDw2: req.ctxDw2,
    isize: req.isize,
    checksum: req.checksum,
  };
}

/** A view of process memory; the registry has checked the range. */
function mem(address: number, length: number): Uint8Array {
  if (length === 0) return new Uint8Array(0);
  const p = Deno.UnsafePointer.create(BigInt(address));
  return new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p!, length));
}

/**
 * Executes one request.
 *
 * @param req The SQE as the driver wrote it.
 * @param qcType The queue's direction (0 compress, 1 decompress), from SET_QP_CTX.
 * @param dev The device.
 * @returns What the device writes back.
 */
export function execute(req: SqeRequest, qcType: number, dev: ExecDevice): Result {
  const wantType = dev.hwVersion <= 2 ? SQE_TYPE_0 : SQE_TYPE_3;
  if (req.sqeType !== wantType || !dev.algCodes.has(req.alg)) {
    dev.log(
      `SQE type ${req.sqeType} algorithm ${req.alg} is not supported by a hisi_qm_v${dev.hwVersion} device`,
    );
    return fail(req, STATUS.DATA_ERROR);
  }
  if (req.bufferType !== 0 || req.window > 4) {
    dev.log(`buffer type ${req.bufferType} / window code ${req.window} is not supported`);
    return fail(req, STATUS.DATA_ERROR);
  }
  // MODEL (INFERRED): what the engine does beyond its limits is not documented; UADK never
  // asks (8 MiB in, 8 MiB out), so the model refuses loudly and wd's tests see the log line.
  if (req.inputLength > MAX_INPUT || req.destAvail > MAX_OUTPUT) {
    dev.log(
      `limit: a request of ${req.inputLength} bytes in, ${req.destAvail} out, beyond the engine's 8 MiB`,
    );
    return fail(req, STATUS.DATA_ERROR);
  }
  const ranges: [number, number, string][] = [[req.src, Math.max(1, req.inputLength), "source"], [
    req.dst,
    req.destAvail,
    "destination",
  ]];
  if (req.stateful) ranges.push([req.ctx, CTX_BYTES, "context"]);
  for (const [a, n, what] of ranges) {
    if (!dev.registry.contains(a, n)) {
      dev.log(`address fault: ${what} 0x${a.toString(16)}+${n} is not mapped for the device`);
      return fail(req, STATUS.DATA_ERROR);
    }
  }
  if (dev.instant) {
    return {
      ...fail(req, STATUS.OK),
      consumed: req.inputLength,
      produced: 0,
      lastBlock: qcType === 1,
    };
  }
  try {
    if (qcType === 0) return req.stateful ? compressStateful(req) : compressStateless(req);
    return req.stateful ? decompressStateful(req, dev) : decompressStateless(req);
  } catch (err) {
    dev.log(`request failed: ${err instanceof Error ? err.message : String(err)}`);
    return fail(req, STATUS.DATA_ERROR);
  }
}

function trailerLength(alg: number): number {
  return alg === ALG_CODE.gzip ? 8 : alg === ALG_CODE.zlib ? 4 : 0;
}

/** Running checksum of `data` from the SQE's seed, in the dw31 form of the algorithm. */
function nextChecksum(alg: number, data: Uint8Array, seed: number, fresh: boolean): number {
  if (alg === ALG_CODE.gzip) return crcToHw(zlib.crc32(data, fresh ? 0 : crcFromHw(seed)));
  if (alg === ALG_CODE.zlib) return adler32(data, fresh ? 1 : seed);
  return 0;
}

function writeTrailer(
  alg: number,
  out: Uint8Array,
  at: number,
  checksum: number,
  isize: number,
): void {
  const v = new DataView(out.buffer, out.byteOffset);
  if (alg === ALG_CODE.gzip) {
    v.setUint32(at, crcFromHw(checksum), true);
    v.setUint32(at + 4, isize, true);
  } else if (alg === ALG_CODE.zlib) {
    v.setUint32(at, checksum, false);
  }
}

function emit(
  req: SqeRequest,
  body: Uint8Array,
  final: boolean,
  checksum: number,
  isize: number,
): Result | null {
  const tl = final ? trailerLength(req.alg) : 0;
  if (body.length + tl > req.destAvail) return null;
  const out = mem(req.dst, body.length + tl);
  out.set(body);
  if (tl) writeTrailer(req.alg, out, body.length, checksum, isize);
  return {
    consumed: req.inputLength,
    produced: body.length + tl,
    // MODEL: a stateless compression larger than its input (trailer included) reports 0x0D.
    status: !req.stateful && body.length + tl > req.inputLength
      ? STATUS.NEGATIVE_COMPRESSION
      : STATUS.OK,
    lastBlock: false,
    ctxDw0: req.ctxDw0,
    ctxDw1: req.ctxDw1,
    ctxDw2: req.ctxDw2,
    isize,
    checksum,
  };
}

function compressStateless(req: SqeRequest): Result {
  const src = mem(req.src, req.inputLength);
  const body = zlib.deflateRawSync(src, { level: LEVEL });
  const checksum = nextChecksum(req.alg, src, 0, true);
  return emit(req, body, true, checksum, req.inputLength >>> 0) ?? fail(req, STATUS.DEST_TOO_SMALL);
}

function compressStateful(req: SqeRequest): Result {
  const minOut = Math.max(MIN_STATEFUL_OUT, (req.inputLength * 9 + 7) >>> 3);
  if (req.destAvail < minOut) return fail(req, STATUS.DEST_TOO_SMALL);
  const ctx = mem(req.ctx, CTX_BYTES);
  const cv = new DataView(ctx.buffer, ctx.byteOffset);
  if (!req.newStream && cv.getUint32(0, true) !== CTX_MAGIC) return fail(req, STATUS.DATA_ERROR);
  const histLen = req.newStream ? 0 : cv.getUint32(4, true);
  const history = ctx.slice(8, 8 + histLen);
  const src = mem(req.src, req.inputLength);
  const body = zlib.deflateRawSync(src, {
    level: LEVEL,
    ...(histLen > 0 ? { dictionary: history } : {}),
    finishFlush: req.last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
  });
  const checksum = nextChecksum(req.alg, src, req.checksum, req.newStream);
  const isize = ((req.newStream ? 0 : req.isize) + req.inputLength) >>> 0;
  const r = emit(req, body, req.last, checksum, isize);
  if (r === null) return fail(req, STATUS.DEST_TOO_SMALL);
  const joined = new Uint8Array(histLen + src.length);
  joined.set(history);
  joined.set(src, histLen);
  const keep = joined.subarray(Math.max(0, joined.length - HISTORY));
  cv.setUint32(0, CTX_MAGIC, true);
  cv.setUint32(4, keep.length, true);
  ctx.set(keep, 8);
  return r;
}

/** Checks the trailer after the end of a stream if the input holds it; returns bytes consumed or -1 on mismatch. */
function checkTrailer(req: SqeRequest, rest: Uint8Array, checksum: number, isize: number): number {
  const tl = trailerLength(req.alg);
  if (tl === 0 || rest.length < tl) return 0;
  const v = new DataView(rest.buffer, rest.byteOffset, tl);
  if (req.alg === ALG_CODE.gzip) {
    return v.getUint32(0, true) === crcFromHw(checksum) && v.getUint32(4, true) === isize ? tl : -1;
  }
  return v.getUint32(0, false) === checksum ? tl : -1;
}

function decompressStateless(req: SqeRequest): Result {
  const src = mem(req.src, req.inputLength);
  // deno-lint-ignore no-explicit-any
  const r = zlib.inflateRawSync(src, { info: true } as any) as unknown as {
    buffer: Uint8Array;
    engine: { bytesWritten: number };
  };
  const out = r.buffer;
  if (out.length > req.destAvail) return fail(req, STATUS.DEST_TOO_SMALL);
  mem(req.dst, out.length).set(out);
  const used = r.engine.bytesWritten;
  const checksum = nextChecksum(req.alg, out, 0, true);
  const tl = checkTrailer(req, src.subarray(used), checksum, out.length >>> 0);
  return {
    ...fail(req, tl < 0 ? STATUS.CRC_ERROR : STATUS.DECOMP_END),
    consumed: used + Math.max(0, tl),
    produced: out.length,
    lastBlock: tl >= 0,
    isize: out.length >>> 0,
    checksum,
  };
}

function decompressStateful(req: SqeRequest, dev: ExecDevice): Result {
  const ctx = mem(req.ctx, 8);
  const cv = new DataView(ctx.buffer, ctx.byteOffset);
  let inf = dev.inflaters.get(req.ctx);
  if (req.newStream) {
    inf?.close();
    inf = new StreamInflater();
    dev.inflaters.set(req.ctx, inf);
    cv.setUint32(0, CTX_MAGIC, true);
    cv.setUint32(4, inf.id, true);
  } else if (
    inf === undefined || cv.getUint32(0, true) !== CTX_MAGIC || cv.getUint32(4, true) !== inf.id
  ) {
    return fail(req, STATUS.DATA_ERROR);
  }
  const step = inf.inflate(req.src, req.inputLength, req.dst, req.destAvail);
  if (step.error) return fail(req, STATUS.DATA_ERROR);
  const produced = mem(req.dst, step.produced);
  const checksum = nextChecksum(req.alg, produced, req.checksum, req.newStream);
  const isize = ((req.newStream ? 0 : req.isize) + step.produced) >>> 0;
  const base = {
    ...fail(req, STATUS.OK),
    produced: step.produced,
    isize,
    checksum,
    consumed: step.consumed,
  };
  if (step.ended) {
    inf.close();
    dev.inflaters.delete(req.ctx);
    const rest = mem(req.src + step.consumed, req.inputLength - step.consumed);
    const tl = checkTrailer(req, rest, checksum, isize);
    return {
      ...base,
      status: tl < 0 ? STATUS.CRC_ERROR : STATUS.DECOMP_END,
      lastBlock: tl >= 0,
      consumed: step.consumed + Math.max(0, tl),
    };
  }
  // Output full with input left: ask for the rest with fresh output.
  const noSpace = step.produced === req.destAvail && step.consumed < req.inputLength;
  return { ...base, ctxDw0: (req.ctxDw0 & ~0xf) | (noSpace ? CTX_DECOMPING_NO_SPACE : 0) };
}

/** Adler-32 (RFC 1950 §8.2) continuing from `adler`. */
function adler32(data: Uint8Array, adler: number): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  for (let i = 0; i < data.length;) {
    const end = Math.min(data.length, i + 5552);
    for (; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
