import assert from "node:assert/strict";
import { bitReverse32, crcFromHw, crcToHw } from "../../../src/drivers/hisi_zip/checksum.ts";
import {
  decodeSqeRequest,
  decodeSqeResult,
  encodeSqe,
  encodeSqeResult,
  type SqeRequest,
  sqeTypeFor,
} from "../../../src/drivers/hisi_zip/sqe.ts";

function hex(w: Uint32Array): string {
  return Array.from(
    new Uint8Array(w.buffer, w.byteOffset, w.byteLength),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

/** 128 bytes as hex, with the given dwords (index → 8 hex digits, little-endian) and zeros elsewhere. */
function sqeHex(dwords: Record<number, string>): string {
  let s = "";
  for (let i = 0; i < 32; i++) s += dwords[i] ?? "00000000";
  return s;
}

const BASE: SqeRequest = {
  sqeType: 0,
  alg: 3,
  last: true,
  stateful: false,
  newStream: true,
  window: 4,
  tag: 5,
  inputLength: 0x1000,
  destAvail: 0x2000,
  src: 0x7f12_3456_7000,
  dst: 0x7f12_3457_0000,
  ctx: 0,
  ctxDw0: 0,
  ctxDw1: 0,
  ctxDw2: 0,
  isize: 0,
  checksum: 0,
};

Deno.test("encodeSqe writes a stateless type-0 gzip SQE byte for byte", () => {
  const w = new Uint32Array(64).fill(0xdeadbeef);
  encodeSqe(w, 32, BASE);
  assert.equal(hex(w.subarray(0, 32)), "efbeadde".repeat(32), "the slot before is untouched");
  assert.equal(
    hex(w.subarray(32)),
    sqeHex({
      4: "00100000", // input length 0x1000
      7: "0000000a", // flush FINISH (bit 25) | new stream (bit 27), type 0
      9: "03400000", // gzip, flat buffer, window 32K (4 << 12)
      13: "05000000", // type-0 tag
      14: "00200000", // output capacity 0x2000
      18: "00705634",
      19: "127f0000", // source 0x7f1234567000
      20: "00005734",
      21: "127f0000", // destination 0x7f1234570000
    }),
  );
});

Deno.test("encodeSqe writes a stateful type-3 deflate SQE with context and carried words", () => {
  const w = new Uint32Array(32);
  encodeSqe(w, 0, {
    ...BASE,
    sqeType: 3,
    alg: 1,
    last: false,
    stateful: true,
    newStream: false,
    tag: 0x1234,
    ctx: 0x1_0000_0040,
    ctxDw0: 0x81,
    ctxDw1: 0x7ffff,
    ctxDw2: 0x8000,
    isize: 0x10000,
    checksum: 0xcafef00d,
  });
  assert.equal(
    hex(w),
    sqeHex({
      4: "00100000",
      7: "00000034", // stream mode (bit 26) | type 3 (bits 28-31)
      9: "01400000",
      14: "00200000",
      15: "81000000",
      18: "00705634",
      19: "127f0000",
      20: "00005734",
      21: "127f0000",
      22: "40000000",
      23: "01000000", // context 0x100000040
      26: "34120000", // type-3 tag
      28: "ffff0700",
      29: "00800000",
      30: "00000100",
      31: "0df0feca",
    }),
  );
});

Deno.test("decodeSqeRequest reads back what encodeSqe wrote", () => {
  const w = new Uint32Array(32);
  const req = {
    ...BASE,
    sqeType: 3,
    alg: 2,
    stateful: true,
    ctx: 0x5555_0000,
    checksum: 1,
    isize: 7,
  };
  encodeSqe(w, 0, req);
  assert.deepEqual(decodeSqeRequest(w, 0), { ...req, bufferType: 0 });
});

Deno.test("the device's results decode from the words it writes", () => {
  const w = new Uint32Array(32);
  encodeSqe(w, 0, BASE);
  encodeSqeResult(w, 0, {
    consumed: 100,
    produced: 42,
    status: 0x13,
    lastBlock: true,
    ctxDw0: 2,
    ctxDw1: 0,
    ctxDw2: 0,
    isize: 100,
    checksum: 0xffffffff,
  });
  assert.equal(w[3], 0x113, "status 0x13 with the last-block bit 8");
  assert.deepEqual(decodeSqeResult(w, 0), {
    consumed: 100,
    produced: 42,
    status: 0x13,
    lastBlock: true,
    ctxDw0: 2,
    ctxDw1: 0,
    ctxDw2: 0,
    isize: 100,
    checksum: 0xffffffff,
    tag: 5,
  });
});

Deno.test("sqeTypeFor follows UADK: type 0 for zlib/gzip on v1/v2, type 3 otherwise", () => {
  assert.equal(sqeTypeFor("gzip", 2), 0);
  assert.equal(sqeTypeFor("zlib", 1), 0);
  assert.equal(sqeTypeFor("deflate", 2), 3);
  assert.equal(sqeTypeFor("gzip", 3), 3);
  assert.equal(sqeTypeFor("zlib", 5), 3);
});

Deno.test("the gzip checksum form turns into the trailer CRC with bitreverse32(~dw31)", () => {
  assert.equal(bitReverse32(0x00000001), 0x80000000);
  assert.equal(bitReverse32(0x12345678), 0x1e6a2c48);
  const crc = 0xcbf43926; // CRC-32 of "123456789"
  const hw = crcToHw(crc);
  assert.equal(hw, 0x9b63d02c); // ~bitrev32(0xcbf43926) = ~0x649c2fd3
  assert.equal(crcFromHw(hw), crc);
  assert.equal(crcToHw(0), 0xffffffff, "the empty stream's register is all ones");
});
