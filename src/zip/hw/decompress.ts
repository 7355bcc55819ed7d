/**
 * Decompression on the ZIP engine.
 *
 * Headers are parsed in software (every gzip field; the engine never sees them) and the device
 * gets the deflate data. Members that carry wd's `WD` subfield (the hardware engine's own output)
 * have known lengths, so many are decoded at once by stateless requests. Any other member or
 * zlib/raw stream goes through one stateful stream. Every trailer is checked in software
 * (CRC-32 and ISIZE, or Adler-32), wherever the device's `consumed` left the input
 * (docs/hisi_zip_assumptions.md §2.12).
 *
 * When the device fails, a `WD` member is redone in software, and a stream member is replayed
 * in software from its start (kept up to {@linkcode REPLAY_LIMIT} bytes), skipping what was
 * already written: no byte lost or repeated.
 *
 * @module
 */

import { inflateRawSync } from "node:zlib";
import { ZipSession } from "../../drivers/hisi_zip/session.ts";
import { WdError } from "../../errors.ts";
import type { DecompressOptions, Format, GzipHeader } from "../engine.ts";
import { crc32 } from "../checksum.ts";
import { ZipDataError } from "../errors.ts";
import { Checksum, checkZlibHeader, trailerLength } from "../framing.ts";
import { parseGzipHeader } from "../gzip_header.ts";
import { detectFormat, nextMember } from "../sw/inflate.ts";
import { InputReader } from "../sw/input.ts";
import { fellBack, type HwContext, isDeviceFailure, VerifyError } from "./context.ts";
import { parseWdExtra } from "./wd_extra.ts";

/** Most compressed bytes of one stream member kept to replay it in software. */
export const REPLAY_LIMIT = 64 << 20;
/** Largest `WD` member decoded as one request; a larger claim is treated as an ordinary member. */
const MAX_WD_MEMBER = 16 << 20;

type Alg = "gzip" | "zlib" | "deflate";

interface BlockJob {
  body: Uint8Array;
  isize: number;
  job: Promise<Uint8Array>;
}

/** What software needs to take over a stream member: its bytes so far and the output written. */
interface Replay {
  parts: Uint8Array[];
  emitted: number;
}

/**
 * Decompresses a container stream on the device.
 *
 * @param input The compressed bytes.
 * @param options Format, signal, header callback.
 * @param ctx The engine's context.
 * @returns The data.
 */
export async function* decompressOnDevice(
  input: AsyncIterable<Uint8Array>,
  options: DecompressOptions,
  ctx: HwContext,
): AsyncGenerator<Uint8Array> {
  const r = new InputReader(input);
  const sessions = new Map<Alg, ZipSession>();
  const session = (alg: Alg): ZipSession | null => {
    if (ctx.queue === null) return null;
    let s = sessions.get(alg);
    if (s === undefined) {
      s = ZipSession.onQueue(ctx.env, ctx.queue, {
        alg,
        blockSize: ctx.blockSize,
        inFlight: ctx.inFlight,
      });
      sessions.set(alg, s);
    }
    return s;
  };
  const pending: BlockJob[] = [];
  const drain = async function* () {
    while (pending.length > 0) yield* emitBlock(ctx, pending.shift()!);
  };
  try {
    const format = await detectFormat(r, options.format);
    for (;;) {
      options.signal?.throwIfAborted();
      let replay: Replay | undefined;
      if (format === "gzip") {
        const { header, raw } = await readGzipHeader(r);
        options.onHeader?.(header);
        const wd = parseWdExtra(header.extra);
        const body = wd && wd.memberLength - raw.length;
        if (wd && body !== undefined && body >= 8 && body <= MAX_WD_MEMBER) {
          if (!await r.ensure(body)) throw new ZipDataError("truncated");
          pending.push(blockJob(ctx, session("gzip"), r.available.slice(0, body), wd.isize));
          r.consume(body);
          while (pending.length >= ctx.inFlight) yield* emitBlock(ctx, pending.shift()!);
        } else {
          yield* drain();
          replay = yield* streamMember(r, "gzip", session("gzip"), ctx, raw);
        }
      } else {
        const raw = format === "zlib" ? await readZlibHeader(r) : new Uint8Array(0);
        replay = yield* streamMember(r, format, session(format), ctx, raw);
      }
      if (replay !== undefined) {
        yield* drain();
        yield* continueInSoftware(replay, r, format, ctx);
        return;
      }
      let more: boolean;
      try {
        more = await nextMember(r, format);
      } catch (err) {
        yield* drain(); // trailing garbage is a warning: everything decoded is still written
        throw err;
      }
      if (!more) break;
    }
    yield* drain();
  } finally {
    await Promise.allSettled(pending.map((p) => p.job));
    for (const s of sessions.values()) s.release();
    ctx.stats.bytesIn = r.consumed;
    await r.close();
  }
}

async function readGzipHeader(r: InputReader): Promise<{ header: GzipHeader; raw: Uint8Array }> {
  let parsed;
  while ((parsed = parseGzipHeader(r.available)) === null) {
    if (!await r.more()) throw new ZipDataError("truncated");
  }
  const raw = r.available.slice(0, parsed.length);
  r.consume(parsed.length);
  return { header: parsed.header, raw };
}

async function readZlibHeader(r: InputReader): Promise<Uint8Array> {
  if (!await r.ensure(2)) throw new ZipDataError("truncated");
  checkZlibHeader(r.available[0]!, r.available[1]!);
  const raw = r.available.slice(0, 2);
  r.consume(2);
  return raw;
}

function blockJob(
  ctx: HwContext,
  session: ZipSession | null,
  body: Uint8Array,
  isize: number,
): BlockJob {
  const job = session !== null && ctx.queue !== null
    ? decodeOnDevice(session, body, isize, ctx.verify)
    : Promise.resolve().then(() => decodeInSoftware(body));
  job.catch(() => {}); // handled when its turn comes
  return { body, isize, job };
}

async function decodeOnDevice(
  session: ZipSession,
  body: Uint8Array,
  isize: number,
  verify: boolean,
): Promise<Uint8Array> {
  const out = (await session.decompressBlock(body, isize)).bytes;
  // Software is the judge of the trailer: a mismatch goes to software, which names the error.
  if (!trailerMatches(body.subarray(body.length - 8), crc32(out), out.length)) {
    throw new VerifyError("a member's output does not match its trailer");
  }
  if (verify) {
    const soft = decodeInSoftware(body);
    if (soft.length !== out.length || !soft.every((b, i) => b === out[i])) {
      throw new VerifyError("a member decodes differently in software");
    }
  }
  return out;
}

function trailerMatches(trailer: Uint8Array, crc: number, length: number): boolean {
  const v = new DataView(trailer.buffer, trailer.byteOffset, 8);
  return v.getUint32(0, true) === crc && v.getUint32(4, true) === length % 2 ** 32;
}

/** A whole member body (deflate data and trailer) decoded and checked in software. */
function decodeInSoftware(body: Uint8Array): Uint8Array {
  let out: Uint8Array;
  let used: number;
  try {
    // deno-lint-ignore no-explicit-any
    const r = inflateRawSync(body, { info: true } as any) as unknown as {
      buffer: Uint8Array;
      engine: { bytesWritten: number };
    };
    out = new Uint8Array(r.buffer.buffer, r.buffer.byteOffset, r.buffer.length);
    used = r.engine.bytesWritten;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new ZipDataError(/end of file/.test(msg) ? "truncated" : "data", {
      detail: msg,
      cause: err,
    });
  }
  if (body.length - used < 8) throw new ZipDataError("truncated");
  const t = new DataView(body.buffer, body.byteOffset + used, 8);
  if (t.getUint32(0, true) !== crc32(out)) throw new ZipDataError("crc");
  if (t.getUint32(4, true) !== out.length % 2 ** 32) throw new ZipDataError("length");
  return out;
}

async function finishBlock(ctx: HwContext, p: BlockJob): Promise<Uint8Array> {
  try {
    return await p.job;
  } catch (err) {
    if (!isDeviceFailure(err)) throw err;
    fellBack(ctx, err, "a member");
    return decodeInSoftware(p.body);
  }
}

async function* emitBlock(ctx: HwContext, p: BlockJob): AsyncGenerator<Uint8Array> {
  const out = await finishBlock(ctx, p);
  ctx.stats.bytesOut += out.length;
  if (out.length > 0) yield out;
}

/**
 * One member (or zlib/raw stream) through a stateful device stream, then its trailer checked.
 *
 * @returns Undefined when done; what software needs to take over when the device failed.
 */
async function* streamMember(
  r: InputReader,
  format: Format,
  session: ZipSession | null,
  ctx: HwContext,
  rawHeader: Uint8Array,
): AsyncGenerator<Uint8Array, Replay | undefined> {
  const replay: Replay = { parts: [rawHeader], emitted: 0 };
  let kept = rawHeader.length;
  if (session === null) return replay;
  const sum = new Checksum(format, crc32);
  using ds = session.decompressStream();
  for (;;) {
    if (r.available.length === 0 && !await r.more()) throw new ZipDataError("truncated");
    const chunk = r.available;
    let step;
    try {
      step = await ds.write(chunk);
    } catch (err) {
      if (!isDeviceFailure(err)) throw err;
      fellBack(ctx, err, `a stream at output byte ${replay.emitted}`);
      if (kept > REPLAY_LIMIT) {
        throw new WdError(
          `Cannot continue in software: the device failed ${kept} bytes into a stream, beyond the ${REPLAY_LIMIT}-byte replay window`,
          { cause: err, hint: "decompress this file with --engine sw" },
        );
      }
      return replay;
    }
    if (kept <= REPLAY_LIMIT) replay.parts.push(chunk.slice(0, step.consumed));
    kept += step.consumed;
    r.consume(step.consumed);
    for (const o of step.output) {
      sum.update(o);
      replay.emitted += o.length;
      ctx.stats.bytesOut += o.length;
      yield o;
    }
    if (step.ended) break;
    if (step.consumed === 0 && step.output.length === 0 && !await r.more()) {
      throw new ZipDataError("truncated");
    }
  }
  await checkTrailer(r, sum, format);
  return undefined;
}

/**
 * Finds and checks the trailer after a stream the device ended: at the current position, or,
 * when the device consumed it with the stream, just before it.
 */
async function checkTrailer(r: InputReader, sum: Checksum, format: Format): Promise<void> {
  const tl = trailerLength(format);
  if (tl === 0) return;
  const ok = (t: Uint8Array) => {
    try {
      sum.verify(t);
      return true;
    } catch {
      return false;
    }
  };
  if (await r.ensure(tl) && ok(r.available.subarray(0, tl))) {
    r.consume(tl);
    return;
  }
  let back = false;
  try {
    r.consume(-tl);
    back = true;
  } catch {
    // fewer than tl bytes behind us: the trailer cannot be there
  }
  if (back && ok(r.available.subarray(0, tl))) {
    r.consume(tl); // the device had taken it with the stream
    return;
  }
  if (back) r.consume(tl);
  if (!await r.ensure(tl)) throw new ZipDataError("truncated");
  sum.verify(r.available.subarray(0, tl)); // throws the precise error (crc or length)
}

/** Software decodes this member again from its start, and everything after it. */
async function* continueInSoftware(
  replay: Replay,
  r: InputReader,
  format: Format,
  ctx: HwContext,
): AsyncGenerator<Uint8Array> {
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for (const p of replay.parts) yield p;
    for (;;) {
      const a = r.available;
      if (a.length > 0) {
        yield a.slice();
        r.consume(a.length);
      }
      if (!await r.more()) return;
    }
  }
  let skip = replay.emitted;
  for await (const out of ctx.softwareEngine().decompress(bytes(), { format })) {
    if (skip >= out.length) {
      skip -= out.length;
      continue;
    }
    const rest = out.subarray(skip);
    skip = 0;
    ctx.stats.bytesOut += rest.length;
    yield rest;
  }
}
