/**
 * Compression on the ZIP engine.
 *
 * gzip: the input is cut into blocks, each compressed by one stateless request with many in
 * flight (the engine needs ~50 × 8 KiB in flight for its full speed, docs/hisi_zip_sqe.md §11);
 * each block becomes one gzip member, with a `WD` subfield giving its length so `wd unzip` can
 * decode members in parallel. Any gunzip reads the concatenation.
 *
 * zlib and raw deflate: one stateful stream (multi-member zlib is not zlib), one request at a
 * time, the context buffer carrying the history.
 *
 * Either way, unless the caller trusts the device (`verify: false`), every block the device
 * compressed is decoded in software and compared with its input before it is handed on
 * (./check.ts); a block that fails is redone in software. When the device fails, the blocks not
 * yet written are compressed in software and the output stays one valid container: no byte
 * lost or repeated.
 *
 * @module
 */

import { ZipSession } from "../../drivers/hisi_zip/session.ts";
import type { CompressOptions, GzipHeader } from "../engine.ts";
import { crc32 } from "../checksum.ts";
import { Checksum, containerHeader } from "../framing.ts";
import { encodeGzipHeader, OS_UNIX } from "../gzip_header.ts";
import { BufferPool } from "../sw/buffers.ts";
import { blocksOf, lastBytes } from "../sw/input.ts";
import { concat } from "../../bytes.ts";
import { checkCodec, checkMember, StreamCheck } from "./check.ts";
import { fellBack, type HwContext, isDeviceFailure } from "./context.ts";
import { patchWdExtra, wdSubfield } from "./wd_extra.ts";

const WINDOW = 32 * 1024;
const FHCRC = 0x02;

interface Member {
  block: Uint8Array;
  header: Uint8Array;
  wdOffset: number;
  job: Promise<Uint8Array>;
}

/**
 * Compresses into gzip members, one per block.
 *
 * @param input The data.
 * @param options Level (for software), header fields, signal.
 * @param ctx The engine's context.
 * @returns The members, in order.
 */
export async function* compressMembers(
  input: AsyncIterable<Uint8Array>,
  options: CompressOptions,
  ctx: HwContext,
): AsyncGenerator<Uint8Array> {
  const session = ctx.queue && ZipSession.onQueue(ctx.env, ctx.queue, {
    alg: "gzip",
    blockSize: ctx.blockSize,
    inFlight: ctx.inFlight,
  });
  const pool = new BufferPool(ctx.blockSize, ctx.inFlight + 2);
  const check = ctx.verify && session ? await checkCodec() : undefined;
  const scratch = check && new Uint8Array(ctx.blockSize + 1);
  const pending: Member[] = [];
  let index = 0;
  const start = (block: Uint8Array): Member => {
    const { header, wdOffset } = memberHeader(options, index === 0);
    // An empty block is not sent: stateless requests need input (UADK `wd_do_comp_sync()`).
    const job = session && ctx.queue && block.length > 0
      ? hardwareMember(session, block, header, wdOffset).then((member) => {
        if (check) checkMember(check, member, header.length, block, scratch);
        return member;
      })
      : softwareMember(ctx, block, header, wdOffset, options.level);
    job.catch(() => {}); // handled when the member's turn comes
    index++;
    return { block, header, wdOffset, job };
  };
  const finish = async (m: Member, n: number): Promise<Uint8Array> => {
    try {
      return await m.job;
    } catch (err) {
      if (!isDeviceFailure(err)) throw err;
      fellBack(ctx, err, `member ${n}`);
      return await softwareMember(ctx, m.block, m.header, m.wdOffset, options.level);
    }
  };
  let emitted = 0;
  try {
    for await (const block of blocksOf(input, pool, { signal: options.signal })) {
      pending.push(start(block));
      ctx.stats.bytesIn += block.length;
      while (pending.length >= ctx.inFlight) {
        const m = pending.shift()!;
        const out = await finish(m, emitted++);
        pool.give(m.block);
        ctx.stats.bytesOut += out.length;
        yield out;
      }
    }
    if (index === 0) pending.push(start(new Uint8Array(0)));
    while (pending.length > 0) {
      const m = pending.shift()!;
      const out = await finish(m, emitted++);
      ctx.stats.bytesOut += out.length;
      yield out;
    }
  } finally {
    await Promise.allSettled(pending.map((m) => m.job));
    session?.release();
  }
}

/** The header of member `first ? 0 : n`: the user's fields on the first, the `WD` subfield on all. */
function memberHeader(
  options: CompressOptions,
  first: boolean,
): { header: Uint8Array; wdOffset: number } {
  const h: GzipHeader = options.header ?? { mtime: 0, os: OS_UNIX };
  const own = first && h.extra ? h.extra : new Uint8Array(0);
  const base: GzipHeader = first ? { ...h } : { mtime: h.mtime, os: h.os };
  if (h.xfl !== undefined) base.xfl = h.xfl;
  base.extra = concat([own, wdSubfield()]);
  return { header: encodeGzipHeader(base), wdOffset: 12 + own.length }; // 10 fixed bytes, XLEN, then the subfields
}

/** Writes the member's lengths into its `WD` subfield (and re-computes FHCRC, which covers it). */
function sealMember(
  member: Uint8Array,
  headerLength: number,
  wdOffset: number,
  isize: number,
): Uint8Array {
  patchWdExtra(member, wdOffset, { memberLength: member.length, isize });
  if (member[3]! & FHCRC) {
    const crc = crc32(member.subarray(0, headerLength - 2)) & 0xffff;
    member[headerLength - 2] = crc & 0xff;
    member[headerLength - 1] = crc >>> 8;
  }
  return member;
}

async function hardwareMember(
  session: ZipSession,
  block: Uint8Array,
  header: Uint8Array,
  wdOffset: number,
): Promise<Uint8Array> {
  const out = await session.compressBlock(block, header);
  return sealMember(out.bytes, header.length, wdOffset, block.length);
}

async function softwareMember(
  ctx: HwContext,
  block: Uint8Array,
  header: Uint8Array,
  wdOffset: number,
  level: number,
): Promise<Uint8Array> {
  const body = await ctx.software.deflateBlock(block, { level, last: true });
  const trailer = new Uint8Array(8);
  const v = new DataView(trailer.buffer);
  v.setUint32(0, crc32(block), true);
  v.setUint32(4, block.length, true);
  return sealMember(concat([header, body, trailer]), header.length, wdOffset, block.length);
}

/**
 * Compresses into one zlib or raw deflate stream with stateful requests.
 *
 * @param input The data.
 * @param options Format, level (for software), signal.
 * @param ctx The engine's context.
 * @returns The stream.
 */
export async function* compressStream(
  input: AsyncIterable<Uint8Array>,
  options: CompressOptions,
  ctx: HwContext,
): AsyncGenerator<Uint8Array> {
  const format = options.format;
  const alg = format === "zlib" ? "zlib" : "deflate";
  const header = containerHeader(options);
  const session = ctx.queue &&
    ZipSession.onQueue(ctx.env, ctx.queue, { alg, blockSize: ctx.blockSize });
  const stream = session?.compressStream();
  const check = ctx.verify && stream ? new StreamCheck(await checkCodec(), format) : undefined;
  const pool = new BufferPool(ctx.blockSize, 4);
  let headerSent = false;
  let tail: Uint8Array = new Uint8Array(0);
  let sum: Checksum | undefined; // the software checksum, once software took over
  let done = { checksum: format === "zlib" ? 1 : 0, consumed: 0 }; // the device's, at the last block boundary
  try {
    const blocks = blocksOf(input, pool, { signal: options.signal });
    let next = await blocks.next();
    let block: Uint8Array = next.done ? new Uint8Array(0) : next.value;
    for (;;) {
      const following = next.done ? next : await blocks.next();
      const last = following.done === true;
      ctx.stats.bytesIn += block.length;
      let parts: Uint8Array[] | undefined;
      if (stream && ctx.queue && sum === undefined) {
        try {
          parts = await stream.write(block, last, headerSent ? undefined : header);
          check?.block(headerSent || header.length === 0 ? parts : parts.slice(1), block, last);
          // With the check, the running checksum is software's: a device that got it wrong
          // cannot pass it on to the software that takes over.
          done = check
            ? { checksum: check.checksum, consumed: check.consumed }
            : { checksum: stream.checksum, consumed: stream.consumed };
        } catch (err) {
          parts = undefined;
          if (!isDeviceFailure(err)) throw err;
          fellBack(ctx, err, `the stream from byte ${done.consumed}`);
          ctx.queue = null;
          sum = new Checksum(format, crc32);
          sum.combine(done.checksum, done.consumed);
        }
      }
      if (parts === undefined) {
        sum ??= new Checksum(format, crc32);
        parts = headerSent ? [] : [header];
        parts.push(
          await ctx.software.deflateBlock(block, { level: options.level, dictionary: tail, last }),
        );
        sum.update(block);
        if (last) parts.push(sum.trailer());
      }
      headerSent = true;
      for (const p of parts) {
        ctx.stats.bytesOut += p.length;
        if (p.length > 0) yield p;
      }
      tail = lastBytes(tail, block, WINDOW);
      if (last) break;
      pool.give(block);
      block = following.value as Uint8Array;
      next = following;
    }
  } finally {
    check?.[Symbol.dispose]();
    stream?.close();
    session?.release();
  }
}
