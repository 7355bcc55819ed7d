import assert from "node:assert/strict";
import { adler32, adler32Combine, crc32, crc32Combine } from "../../src/zip/checksum.ts";
import { crc32Small } from "../../src/zip/combine.ts";
import { isalAvailable, isalCrc32 } from "../../src/zip/sw/isal.ts";
import { concat, noise, textLike } from "./zip_helpers.ts";

const enc = new TextEncoder();

Deno.test("crc32 and adler32 give the standard check values", () => {
  assert.equal(crc32(enc.encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(adler32(enc.encode("Wikipedia")), 0x11e60398);
  assert.equal(adler32(new Uint8Array(0)), 1);
});

Deno.test("adler32 stays exact past the point where its sums would overflow 32 bits", () => {
  const ones = new Uint8Array(100_000).fill(0xff);
  let a = 1;
  let b = 0;
  for (const byte of ones) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  assert.equal(adler32(ones), ((b << 16) | a) >>> 0);
});

Deno.test("crc32Combine and adler32Combine equal the checksum of the joined data at any split", () => {
  const data = new Uint8Array([...textLike(5000), ...noise(3000)]);
  for (const cut of [0, 1, 7, 1000, 4096, 7999, 8000]) {
    const a = data.subarray(0, cut);
    const b = data.subarray(cut);
    assert.equal(crc32Combine(crc32(a), crc32(b), b.length), crc32(data), `crc split ${cut}`);
    assert.equal(
      adler32Combine(adler32(a), adler32(b), b.length),
      adler32(data),
      `adler split ${cut}`,
    );
  }
});

Deno.test("crc32Combine handles second pieces longer than 4 GiB", () => {
  // crc of 2^32 + 5 zero bytes after "abc", computed by combining zero runs of known CRC.
  const zeros = new Uint8Array(1 << 20);
  const z1m = crc32(zeros);
  let zrun = z1m; // CRC of 1 MiB of zeros
  let len = 1 << 20;
  while (len < 2 ** 32) {
    zrun = crc32Combine(zrun, zrun, len);
    len *= 2;
  }
  const tail = crc32(new Uint8Array(5));
  const bigZeros = crc32Combine(zrun, tail, 5); // 2^32 + 5 zeros
  const viaOne = crc32Combine(crc32(enc.encode("abc")), bigZeros, 2 ** 32 + 5);
  const viaTwo = crc32Combine(crc32Combine(crc32(enc.encode("abc")), zrun, 2 ** 32), tail, 5);
  assert.equal(viaOne, viaTwo);
});

Deno.test({
  name: "ISA-L's CRC-32 and the small JavaScript one agree with node:zlib's, chained or not",
  ignore: !isalAvailable(),
  fn() {
    const data = concat(textLike(100_000), noise(5000));
    assert.equal(isalCrc32(data, 0), crc32(data));
    assert.equal(isalCrc32(data.subarray(5000), isalCrc32(data.subarray(0, 5000), 0)), crc32(data));
    assert.equal(crc32Small(data.subarray(0, 3000)), crc32(data.subarray(0, 3000)));
    assert.equal(
      crc32Small(data.subarray(10, 20), crc32(data.subarray(0, 10))),
      crc32(data.subarray(0, 20)),
    );
  },
});
