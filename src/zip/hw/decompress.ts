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
 * The device is not trusted with the user's data: a `WD` member's output is handed on only
 * after its trailer is checked; a stream member's output, when the caller cannot take output
 * back (`checkBeforeOutput`, such as stdout) or with `verify`, is held until its trailer is
 * checked, up to {@linkcode HOLD_LIMIT} (a longer member goes to software, unless the device
 * is required). Any member whose device output fails its check is decoded again in software,
 * which is the judge: the file is blamed only when software finds it corrupt too.
 *
 * When the device fails, a `WD` member is redone in software, and a stream member is replayed
 * in software from its start (kept up to {@linkcode REPLAY_LIMIT} bytes), skipping what was
 * already written once software agrees with it: no byte lost or repeated. Output that was
 * already written and turns out wrong cannot be taken back: {@linkcode DeviceOutputError}, which
 * `wd unzip` answers by decoding the file again in software when its output is a file.
 *
 * @module
 */

import { inflateRawSync } from "node:zlib";
import { equalBytes } from "../../bytes.ts";
import { MAX_OUTPUT, MAX_REQUEST } from "../../drivers/hisi_zip/limits.ts";
import { ZipSession } from "../../drivers/hisi_zip/session.ts";
import type { DecompressOptions, Format, GzipHeader } from "../engine.ts";
import { crc32 } from "../checksum.ts";
import { DeviceOutputError, ZipDataError } from "../errors.ts";
import { Checksum, checkZlibHeader, trailerLength } from "../framing.ts";
import { parseGzipHeader } from "../gzip_header.ts";
import { detectFormat, nextMember } from "../sw/inflate.ts";
import { InputReader } from "../sw/input.ts";
import { fellBack, type HwContext, isDeviceFailure, VerifyError } from "./context.ts";
import { parseWdExtra } from "./wd_extra.ts";

/** Most compressed bytes of one stream member kept to replay it in software. */
export const REPLAY_LIMIT = 64 << 20;
/**
 * Most output of one stream member held back until its trailer is checked: the bound on the
 * memory the check costs. Its compressed bytes stay within {@linkcode REPLAY_LIMIT}, so
 * software can always decode a held member again.
 */
export const HOLD_LIMIT = 16 << 20;

type Alg = "gzip" | "zlib" | "deflate";

interface BlockJob {
  body: Uint8Array;
  isize: number;
  job: Promise<Uint8Array>;
}

/** What software needs to take over a stream member: its bytes so far and the output written. */
interface Replay {
  /** The member's compressed bytes from its header on; null once beyond {@linkcode REPLAY_LIMIT}. */
  parts: Uint8Array[] | null;
  /** Output of the member already handed on. */
  emitted: number;
  /** Its CRC-32. */
  emittedCrc: number;
  /** Why software takes over, when the queue itself is still fine (a failed check, a long member). */
  why: string | undefined;
  /** Whether the device's output failed its check (software then judges it). */
  suspect: boolean;
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
  const hold = options.checkBeforeOutput === true || ctx.verify;
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
        // One request per member, within the engine's limits (a crafted `WD` field that
        // claims more goes down the stream path, whose requests are bounded).
        if (
          wd && body !== undefined && body >= 8 && body <= MAX_REQUEST && wd.isize <= MAX_OUTPUT
        ) {
          if (!await r.ensure(body)) throw new ZipDataError("truncated");
          pending.push(blockJob(ctx, session("gzip"), r.available.slice(0, body), wd.isize));
          r.consume(body);
          while (pending.length >= ctx.inFlight) yield* emitBlock(ctx, pending.shift()!);
        } else {
          yield* drain();
          replay = yield* streamMember(r, "gzip", session("gzip"), ctx, raw, hold);
        }
      } else {
        const raw = format === "zlib" ? await readZlibHeader(r) : new Uint8Array(0);
        replay = yield* streamMember(r, format, session(format), ctx, raw, hold);
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
    if (!equalBytes(soft, out)) {
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
 * With `hold`, the member's output is kept until the check passes; a member longer than
 * {@linkcode HOLD_LIMIT} goes to software then, unless the device is required (its output is
 * then written unchecked, and a later failure is reported as the device's).
 *
 * @returns Undefined when done; what software needs to take over when the device failed, or
 *   when its output failed the check (software then judges whether the file or the device is
 *   at fault).
 */
async function* streamMember(
  r: InputReader,
  format: Format,
  session: ZipSession | null,
  ctx: HwContext,
  rawHeader: Uint8Array,
  hold: boolean,
): AsyncGenerator<Uint8Array, Replay | undefined> {
  const replay: Replay = {
    parts: [rawHeader],
    emitted: 0,
    emittedCrc: 0,
    why: undefined,
    suspect: false,
  };
  let kept = rawHeader.length;
  if (session === null) return replay;
  const sum = new Checksum(format, crc32);
  let held: Uint8Array[] | undefined = hold ? [] : undefined;
  using ds = session.decompressStream();
  try {
    for (;;) {
      if (r.available.length === 0 && !await r.more()) throw new ZipDataError("truncated");
      const chunk = r.available;
      let step;
      try {
        step = await ds.write(chunk);
      } catch (err) {
        if (!isDeviceFailure(err)) throw err;
        fellBack(ctx, err, `a stream at output byte ${replay.emitted + sum.length}`);
        return replay;
      }
      kept += step.consumed;
      if (kept > REPLAY_LIMIT) replay.parts = null;
      replay.parts?.push(chunk.slice(0, step.consumed));
      r.consume(step.consumed);
      for (const o of step.output) {
        sum.update(o);
        if (held === undefined) {
          yield* emit(o);
          continue;
        }
        held.push(o.slice());
        if (sum.length <= HOLD_LIMIT) continue;
        if (!ctx.required || ctx.verify) {
          replay.why = `a member longer than the ${HOLD_LIMIT >> 20} MiB wd holds to check ` +
            "the device's output before writing it";
          return replay; // nothing of it was written: software decodes all of it
        }
        for (const h of held) yield* emit(h); // --engine hw: written before the check
        held = undefined;
      }
      if (step.ended) break;
      if (step.consumed === 0 && step.output.length === 0 && !await r.more()) {
        throw new ZipDataError("truncated");
      }
    }
    await checkTrailer(r, sum, format);
  } catch (err) {
    if (!(err instanceof ZipDataError)) throw err;
    // The device's view of the data: software decides whether the file or the device is wrong.
    replay.suspect = true;
    replay.why = `its output failed the check (${
      err.message.replace(/^./, (c) => c.toLowerCase())
    })`;
    return replay;
  }
  for (const h of held ?? []) yield* emit(h);
  return undefined;

  function* emit(o: Uint8Array): Generator<Uint8Array> {
    replay.emitted += o.length;
    replay.emittedCrc = crc32(o, replay.emittedCrc);
    ctx.stats.bytesOut += o.length;
    yield o;
  }
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

/**
 * Software decodes this member again from its start, and everything after it. What the device
 * wrote of the member already is skipped, after checking that software decodes the same bytes
 * there: if not, the device's output was wrong and can no longer be taken back
 * ({@linkcode DeviceOutputError}). Data errors are software's verdict: the file's.
 */
async function* continueInSoftware(
  replay: Replay,
  r: InputReader,
  format: Format,
  ctx: HwContext,
): AsyncGenerator<Uint8Array> {
  if (replay.suspect) (ctx.stats.fallbacks ??= new Set()).add("verify_failure");
  if (replay.parts === null) {
    throw new DeviceOutputError(ctx.device, {
      what: replay.why ?? "it failed",
      written: replay.emitted,
      detail:
        `the member is longer than the ${REPLAY_LIMIT >> 20} MiB wd keeps to decode it again, ` +
        "so software cannot tell whether the device or the file is at fault",
      judged: false,
    });
  }
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for (const p of replay.parts!) yield p;
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
  let skippedCrc = 0;
  for await (const out of ctx.softwareEngine().decompress(bytes(), { format })) {
    if (skip > 0) {
      const n = Math.min(skip, out.length);
      skippedCrc = crc32(out.subarray(0, n), skippedCrc);
      skip -= n;
      if (skip > 0) continue;
      if (skippedCrc !== replay.emittedCrc) {
        throw new DeviceOutputError(ctx.device, {
          what: replay.why ?? "it failed",
          written: replay.emitted,
          detail: "software decodes that member differently",
          judged: true,
        });
      }
      if (n === out.length) continue;
      const rest = out.subarray(n);
      ctx.stats.bytesOut += rest.length;
      yield rest;
      continue;
    }
    ctx.stats.bytesOut += out.length;
    yield out;
  }
  if (skip > 0) {
    throw new DeviceOutputError(ctx.device, {
      what: replay.why ?? "it failed",
      written: replay.emitted,
      detail: "software decodes less output than the device wrote",
      judged: true,
    });
  }
  if (replay.why !== undefined) {
    ctx.stats.notes.push(
      `${ctx.device}: ${replay.why}; software decoded that member and everything after it`,
    );
  }
}
