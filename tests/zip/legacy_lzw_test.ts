import assert from "node:assert/strict";
import { decompressLzw } from "../../src/zip/legacy/lzw.ts";
import { OUT_CHUNK } from "../../src/zip/legacy/options.ts";
import { ZipDataError } from "../../src/zip/errors.ts";
import { lzwEncode, lzwWrite, outcome } from "./legacy_helpers.ts";
import { chunked, concat, have, noise, pipeThrough, textLike } from "./zip_helpers.ts";

/** Text, then noise (the table fills and the width grows to the maximum), then text again. */
const DATA = concat(textLike(60_000, 3), noise(150_000, 5), textLike(40_000, 4));

async function decode(z: Uint8Array, chunk = 4096) {
  return await outcome(decompressLzw(chunked(z, chunk)));
}

Deno.test("lzw: every width 9 to 16, block mode on and off, decodes what compress's format encodes", async () => {
  for (let bits = 9; bits <= 16; bits++) {
    for (const blockMode of [true, false]) {
      const z = lzwEncode(DATA, { maxBits: bits, blockMode });
      const r = await decode(z, 1000 + bits);
      assert.equal(r.error, undefined, `-b${bits} block=${blockMode}`);
      assert.deepEqual(r.out, DATA, `-b${bits} block=${blockMode}`);
    }
  }
});

Deno.test("lzw: clear codes reset the table and skip to the next group of codes, at any width", async () => {
  for (const bits of [9, 10, 12, 16]) {
    for (const clearEvery of [1, 2, 255, 256, 511, 1000, 5000]) {
      const z = lzwEncode(DATA.subarray(0, 120_000), {
        maxBits: bits,
        blockMode: true,
        clearEvery,
      });
      const r = await decode(z, 333);
      assert.equal(r.error, undefined, `-b${bits} clear every ${clearEvery}`);
      assert.deepEqual(r.out, DATA.subarray(0, 120_000), `-b${bits} clear every ${clearEvery}`);
    }
  }
});

Deno.test("lzw: a code one past the table (KwKwK) repeats the previous string and its first byte", async () => {
  for (const n of [1, 2, 3, 4, 10, 100, 70_000]) {
    const data = new Uint8Array(n).fill(0x61);
    const r = await decode(lzwEncode(data, { maxBits: 16, blockMode: true }), 1);
    assert.deepEqual(r.out, data, `${n} bytes`);
  }
  // "abababab": a, b, then 257 (ab), then 259 (aba, the KwKwK case), then b.
  const z = Uint8Array.from([0x1f, 0x9d, 0x90, 0x61, 0xc4, 0x04, 0x1c, 0x28, 0x06]);
  assert.equal(new TextDecoder().decode((await decode(z)).out), "abababab");
});

Deno.test("lzw: input in one-byte pieces decodes as in one piece", async () => {
  const data = DATA.subarray(0, 30_000);
  const z = lzwEncode(data, { maxBits: 12, blockMode: true, clearEvery: 700 });
  assert.deepEqual((await decode(z, 1)).out, data);
  assert.deepEqual((await decode(z, z.length)).out, data);
});

Deno.test("lzw: empty data, a bare header, and a header cut short", async () => {
  const empty = await decode(Uint8Array.of(0x1f, 0x9d, 0x90));
  assert.equal(empty.error, undefined);
  assert.equal(empty.out.length, 0);
  assert.deepEqual(
    lzwEncode(new Uint8Array(0), { maxBits: 16, blockMode: true }),
    Uint8Array.of(0x1f, 0x9d, 0x90),
  );
  for (const cut of [Uint8Array.of(0x1f, 0x9d), Uint8Array.of(0x1f), new Uint8Array(0)]) {
    assert.equal((await decode(cut)).error?.kind, "truncated", `${cut.length} bytes`);
  }
});

Deno.test("lzw: gzip's helin-segv case decodes to two zero bytes and a clear code", async () => {
  const r = await decode(Uint8Array.of(0x1f, 0x9d, 0x90, 0, 0, 0, 0xc4));
  assert.equal(r.error, undefined);
  assert.deepEqual(r.out, Uint8Array.of(0, 0));
});

Deno.test("lzw: more than 16 bits is refused, naming the width", async () => {
  const r = await decode(Uint8Array.of(0x1f, 0x9d, 0x91, 0x61, 0));
  assert.equal(r.error?.kind, "unsupported");
  assert.match(r.error!.message, /compressed with 17 bits, can only handle 16 bits/);
  assert.equal(r.error!.exitCode, 1);
});

Deno.test("lzw: a first code that is not a byte, or a code past the table, is corrupt input after the output before it", async () => {
  // 9-bit codes: 300 first.
  const first = await decode(Uint8Array.of(0x1f, 0x9d, 0x90, 0x2c, 0x01));
  assert.equal(first.error?.kind, "data");
  assert.match(first.error!.message, /corrupt LZW input: the first code is 300/);
  // a (97), b (98), then 300 while the table ends at 258.
  const codes = [97, 98, 300];
  let acc = 0n;
  codes.forEach((c, i) => acc |= BigInt(c) << BigInt(9 * i));
  const body = Array.from({ length: 4 }, (_, i) => Number((acc >> BigInt(8 * i)) & 0xffn));
  const past = await decode(Uint8Array.from([0x1f, 0x9d, 0x90, ...body]));
  assert.equal(past.error?.kind, "data");
  assert.match(past.error!.message, /code 300 is past the table's end \(258\)/);
  assert.equal(new TextDecoder().decode(past.out), "ab", "the output before the bad code is kept");
});

Deno.test("lzw: reserved header flags are a warning, and the data is still decoded", async () => {
  const data = textLike(5000);
  const z = lzwEncode(data, { maxBits: 14, blockMode: true, extraFlags: 0x20 });
  const warnings: ZipDataError[] = [];
  const r = await outcome(decompressLzw([z], { onWarning: (w) => warnings.push(w) }));
  assert.deepEqual(r.out, data);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.kind, "flags");
  assert.equal(warnings[0]!.exitCode, 2);
  assert.match(warnings[0]!.message, /unknown flags \(0x20 in the LZW header\)/);
});

Deno.test("lzw: counters give the bytes read and written", async () => {
  const data = textLike(100_000);
  const z = lzwEncode(data, { maxBits: 16, blockMode: true });
  const stats = { bytesIn: 0, bytesOut: 0 };
  await outcome(decompressLzw(chunked(z, 999), { stats }));
  assert.deepEqual(stats, { bytesIn: z.length, bytesOut: data.length });
});

Deno.test("lzw: a stream that expands 3000:1 comes out in bounded pieces, in bounded memory, and stopping early stops reading", async () => {
  // A run of "a": 97, then 257, 258, ... (each the KwKwK case, one byte longer than the last),
  // then the longest string over and over.
  const ramp = Array.from({ length: 8000 }, (_, i) => i === 0 ? 97 : 256 + i);
  const codes = [...ramp, ...new Array<number>(6000).fill(8255)];
  const z = lzwWrite(codes, { maxBits: 16, blockMode: true });
  const expected = (8000 * 8001) / 2 + 6000 * 8000;
  let total = 0;
  let largest = 0;
  const heapBefore = Deno.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  for await (const piece of decompressLzw(chunked(z, 512))) {
    total += piece.length;
    largest = Math.max(largest, piece.length);
    if (piece[0] !== 97 || piece[piece.length - 1] !== 97) assert.fail("not a run of a");
    heapPeak = Math.max(heapPeak, Deno.memoryUsage().heapUsed);
  }
  assert.equal(total, expected);
  assert.ok(expected / z.length > 3000, `${expected / z.length}:1`);
  assert.ok(largest <= OUT_CHUNK + 65537, `piece of ${largest} bytes`);
  assert.ok(heapPeak - heapBefore < 32 << 20, `heap grew ${heapPeak - heapBefore} bytes`);
  let pulled = 0;
  async function* counting() {
    for (let o = 0; o < z.length; o += 16) {
      pulled++;
      yield z.subarray(o, o + 16);
    }
  }
  for await (const _ of decompressLzw(counting())) break;
  assert.ok(pulled < z.length / 16, `read ${pulled} pieces after the consumer stopped`);
});

Deno.test({
  name:
    "lzw: ncompress's output at every width it writes correctly (10 to 16) decodes to the input",
  ignore: !have("compress"),
  async fn() {
    for (let bits = 10; bits <= 16; bits++) {
      const z = (await pipeThrough("compress", ["-c", `-b${bits}`], DATA)).stdout;
      const r = await decode(z, 8191);
      assert.equal(r.error, undefined, `-b${bits}`);
      assert.deepEqual(r.out, DATA, `-b${bits}`);
      const back = await pipeThrough("compress", ["-dc"], z);
      assert.deepEqual(back.stdout, DATA, `ncompress reads its own -b${bits}`);
    }
  },
});

Deno.test({
  name:
    "lzw: ncompress -b9 and -C output (unreadable by gzip and ncompress too) fails as it does in gzip",
  ignore: !have("compress") || !have("gzip"),
  async fn() {
    for (const args of [["-b9"], ["-C"], ["-C", "-b12"]]) {
      const z = (await pipeThrough("compress", ["-c", ...args], DATA)).stdout;
      const gz = await pipeThrough("gzip", ["-dc"], z);
      const r = await decode(z);
      assert.equal(gz.code, 1, `gzip fails on compress ${args.join(" ")}`);
      assert.equal(r.error?.kind, "data", args.join(" "));
      assert.deepEqual(r.out, gz.stdout, `the same output before the error, ${args.join(" ")}`);
    }
  },
});

Deno.test({
  name:
    "lzw: gzip decodes what the test encoder writes, at every width, in both modes, with clears",
  ignore: !have("gzip"),
  async fn() {
    const data = DATA.subarray(0, 100_000);
    for (let bits = 9; bits <= 16; bits++) {
      for (const options of [{ blockMode: true, clearEvery: 3000 }, { blockMode: false }]) {
        const z = lzwEncode(data, { maxBits: bits, ...options });
        const gz = await pipeThrough("gzip", ["-dc"], z);
        assert.equal(gz.code, 0, `-b${bits} ${JSON.stringify(options)}: ${gz.stderr}`);
        assert.deepEqual(gz.stdout, data, `-b${bits} ${JSON.stringify(options)}`);
      }
    }
  },
});
