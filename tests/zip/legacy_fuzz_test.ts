/**
 * Every truncation and many single-bit flips of small legacy streams: each gives a clear
 * `ZipDataError` or a result, never another exception, a hang or unbounded output. Where gzip is
 * installed, LZW and pack results are checked against gzip's own (same status; for LZW, whose
 * output before an error gzip writes too, the same bytes).
 *
 * @module
 */

import assert from "node:assert/strict";
import { decompressLzw } from "../../src/zip/legacy/lzw.ts";
import { decompressPack } from "../../src/zip/legacy/pack.ts";
import { decompressZip } from "../../src/zip/legacy/pkzip.ts";
import { zngCrc32, ZngInflater } from "../../src/zip/sw/zng.ts";
import { lzwEncode, type Outcome, outcome, packEncode, zipFile } from "./legacy_helpers.ts";
import { chunked, concat, have, noise, pipeThrough, textLike } from "./zip_helpers.ts";

const DATA = concat(textLike(500, 11), noise(300, 12), textLike(300, 13));
/** No variant of these streams may produce more than this. */
const LIMIT = 1 << 26;
const FLIPS = 120;

/** The streams cut at every length, then with one bit flipped at seeded positions. */
function variants(z: Uint8Array, seed: number): { what: string; bytes: Uint8Array }[] {
  const out = [];
  for (let n = 0; n < z.length; n++) out.push({ what: `cut at ${n}`, bytes: z.subarray(0, n) });
  const r = noise(FLIPS * 4, seed);
  const view = new DataView(r.buffer);
  for (let i = 0; i < FLIPS; i++) {
    const bit = view.getUint32(i * 4) % (z.length * 8);
    const bytes = z.slice();
    bytes[bit >> 3]! ^= 1 << (bit & 7);
    out.push({ what: `bit ${bit} flipped`, bytes });
  }
  return out;
}

async function gzipSays(bytes: Uint8Array) {
  return await pipeThrough("gzip", ["-dc"], bytes);
}

function agreesWithGzip(
  mine: Outcome,
  gz: { code: number; stdout: Uint8Array; stderr: string },
  options: { sameOutputOnError: boolean },
  what: string,
): void {
  // gzip exits 2 for a warning (unknown LZW flags, trailing garbage after a pack member).
  if (gz.code === 0 || gz.code === 2) {
    if (mine.error === undefined || mine.error.isWarning) {
      assert.deepEqual(mine.out, gz.stdout, `${what}: the same output as gzip`);
      return;
    }
    // After a pack member gzip reads on (another member, or garbage); wd's decoder stops.
    assert.fail(`${what}: gzip accepts it (${gz.stderr.trim()}), wd says ${mine.error.message}`);
  }
  assert.ok(mine.error, `${what}: gzip fails (${gz.stderr.trim()}), wd does not`);
  if (options.sameOutputOnError) {
    assert.deepEqual(mine.out, gz.stdout, `${what}: output before the error`);
  }
}

Deno.test("fuzz: LZW streams cut anywhere or with a bit flipped decode, or fail with a ZipDataError, as gzip does", async () => {
  const withGzip = have("gzip");
  for (
    const options of [{ maxBits: 10, blockMode: true, clearEvery: 90 }, {
      maxBits: 16,
      blockMode: false,
    }]
  ) {
    const z = lzwEncode(DATA, options);
    for (const { what, bytes } of variants(z, options.maxBits)) {
      const mine = await outcome(decompressLzw(chunked(bytes, 13)), LIMIT);
      if (mine.error) assert.ok(mine.error.message.length > 0, what);
      else if (bytes.length >= 3 && what.startsWith("cut")) {
        assert.deepEqual(mine.out, DATA.subarray(0, mine.out.length), `${what}: a prefix`);
      }
      if (withGzip) agreesWithGzip(mine, await gzipSays(bytes), { sameOutputOnError: true }, what);
    }
  }
});

Deno.test("fuzz: pack streams cut anywhere or with a bit flipped decode, or fail with a ZipDataError, as gzip does", async () => {
  const withGzip = have("gzip");
  const z = packEncode(DATA);
  for (const { what, bytes } of variants(z, 21)) {
    const mine = await outcome(decompressPack(chunked(bytes, 7)), LIMIT);
    if (what.startsWith("cut")) assert.ok(mine.error, `${what}: a cut pack stream is an error`);
    if (!mine.error) assert.equal(mine.out.length, DATA.length, `${what}: the header's length`);
    if (withGzip) {
      const gz = await gzipSays(bytes);
      // gzip goes on after a member and may warn about what follows; wd's decoder stops there.
      if (!(mine.error === undefined && gz.code === 2)) {
        agreesWithGzip(mine, gz, { sameOutputOnError: false }, what);
      }
    }
  }
});

Deno.test("fuzz: zip files cut anywhere or with a bit flipped give the entry or a ZipDataError", async () => {
  for (const options of [{ descriptor: "sig32" as const }, { method: "stored" as const }, {}]) {
    const z = zipFile(DATA, options);
    using inflater = new ZngInflater();
    for (const { what, bytes } of variants(z, 31)) {
      const mine = await outcome(
        decompressZip(chunked(bytes, 11), { inflater, crc32: zngCrc32 }),
        LIMIT,
      );
      if (mine.error === undefined || mine.error.kind === "entries-ignored") {
        assert.deepEqual(mine.out, DATA, `${what}: no error, so the whole entry`);
      } else {
        assert.ok(mine.error.message.length > 0, what);
      }
    }
  }
});
