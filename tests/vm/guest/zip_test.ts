// The fake engine's data path through the real core: stateless and stateful compression and
// decompression in gzip, zlib and raw deflate, checked against node:zlib, and the status
// codes of docs/zip_device_model.md.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  deflateRawSync,
  deflateSync,
  gunzipSync,
  gzipSync,
  inflateRawSync,
  inflateSync,
} from "node:zlib";
import { vmTest, ZIP_V2, ZIP_V3 } from "./guest.ts";
import { assertBytes, HEADER, memory, runJob, text } from "./jobs.ts";
import { RawQueue } from "./raw_queue.ts";
import { type AlgName, bitreverse32, CTX_ST_NO_SPACE, encodeSqe, Status } from "./sqe.ts";

const DATA = text(200 * 1024); // more than the engine's 64 KiB chunks
const CASES: { device: string; type: 0 | 3; alg: AlgName }[] = [
  { device: ZIP_V2, type: 0, alg: "gzip" },
  { device: ZIP_V2, type: 0, alg: "zlib" },
  { device: ZIP_V3, type: 3, alg: "gzip" },
  { device: ZIP_V3, type: 3, alg: "zlib" },
  { device: ZIP_V3, type: 3, alg: "deflate" },
];

/** node:zlib's stream for the data, and the body the device sees (the header stripped). */
function nodeCompressed(alg: AlgName, data: Uint8Array): { body: Uint8Array; trailer: number } {
  if (alg === "gzip") return { body: gzipSync(data).subarray(10), trailer: 8 };
  if (alg === "zlib") return { body: deflateSync(data).subarray(2), trailer: 4 };
  return { body: deflateRawSync(data), trailer: 0 };
}

function nodeDecompress(alg: AlgName, stream: Uint8Array): Uint8Array {
  if (alg === "gzip") return gunzipSync(stream);
  if (alg === "zlib") return inflateSync(stream);
  return inflateRawSync(stream);
}

/** Checks dw30/dw31 against the trailer of a complete stream. */
function assertChecksum(alg: AlgName, stream: Uint8Array, isize: number, dw31: number): void {
  const v = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  assert.equal(isize, DATA.length, "dw30 is the uncompressed length");
  if (alg === "gzip") {
    assert.equal(bitreverse32(~dw31 >>> 0), v.getUint32(stream.length - 8, true), "CRC form");
    assert.equal(v.getUint32(stream.length - 4, true), DATA.length, "ISIZE trailer");
  } else if (alg === "zlib") {
    assert.equal(dw31, v.getUint32(stream.length - 4, false), "dw31 is the Adler-32");
  }
}

for (const { device, type, alg } of CASES) {
  vmTest(
    `${device} type-${type} ${alg}: stateless compression round-trips through node:zlib`,
    async () => {
      using q = RawQueue.started(device, 0);
      const { r, out } = await runJob(q, { alg, type, input: DATA, cap: DATA.length, tag: 0xbeef });
      assert.equal(r.status, Status.OK);
      assert.equal(r.consumed, DATA.length);
      assert.equal(r.tag, 0xbeef, "the tag is left as submitted");
      assert.ok(r.produced > 0 && r.produced < DATA.length / 2, `produced ${r.produced}`);
      assertBytes(nodeDecompress(alg, Buffer.concat([HEADER[alg], out])), DATA);
      assertChecksum(alg, out, r.isize, r.checksum);
    },
  );

  vmTest(`${device} type-${type} ${alg}: stateless decompression of node:zlib output`, async () => {
    using q = RawQueue.started(device, 1);
    const { body, trailer } = nodeCompressed(alg, DATA);
    const { r, out } = await runJob(q, { alg, type, input: body, cap: DATA.length });
    assert.equal(r.status, Status.DECOMP_END);
    assert.ok(r.lastBlock, "the last-block bit");
    assert.equal(r.consumed, body.length, "the trailer is checked and consumed");
    assert.equal(r.produced, DATA.length);
    assertBytes(out, DATA);
    assertChecksum(alg, body, r.isize, r.checksum);
    const cut = await runJob(q, {
      alg,
      type,
      input: body.subarray(0, body.length - trailer),
      cap: DATA.length,
    });
    assert.equal(cut.r.status, Status.DECOMP_END, "a trailer outside the input is not required");
    assert.equal(cut.r.consumed, body.length - trailer);
  });
}

vmTest(
  "decompression errors: a bad CRC is 0x10, a truncated stream 0x41, a small output 0x0E",
  async () => {
    using q = RawQueue.started(ZIP_V2, 1);
    const { body } = nodeCompressed("gzip", DATA);
    const bad = body.slice();
    bad[bad.length - 8]! ^= 0xff;
    assert.equal(
      (await runJob(q, { alg: "gzip", type: 0, input: bad, cap: DATA.length })).r.status,
      Status.CRC,
    );
    const truncated = await runJob(q, {
      alg: "gzip",
      type: 0,
      input: body.subarray(0, 1000),
      cap: DATA.length,
    });
    assert.equal(truncated.r.status, Status.DATA);
    const small = await runJob(q, { alg: "gzip", type: 0, input: body, cap: 1000 });
    assert.deepEqual([small.r.status, small.r.consumed, small.r.produced], [
      Status.OUTPUT_TOO_SMALL,
      0,
      0,
    ]);
    const garbage = await runJob(q, { alg: "gzip", type: 0, input: text(64, 7), cap: 4096 });
    assert.equal(garbage.r.status, Status.DATA);
  },
);

vmTest(
  "compression: a small output is 0x0E with nothing consumed; incompressible data 0x0D",
  async () => {
    using q = RawQueue.started(ZIP_V3, 0);
    const small = await runJob(q, {
      alg: "zlib",
      type: 3,
      input: DATA,
      cap: 100,
      isize: 7,
      checksum: 9,
    });
    assert.deepEqual([small.r.status, small.r.consumed, small.r.produced], [
      Status.OUTPUT_TOO_SMALL,
      0,
      0,
    ]);
    assert.deepEqual(
      [small.r.isize, small.r.checksum],
      [7, 9],
      "the running words are left as given",
    );
    const noise = crypto.getRandomValues(new Uint8Array(4096));
    const { r, out } = await runJob(q, { alg: "gzip", type: 3, input: noise, cap: 8192 });
    assert.equal(r.status, Status.NEGATIVE_COMPRESSION);
    assert.ok(r.produced > noise.length);
    assertBytes(gunzipSync(Buffer.concat([HEADER.gzip, out])), noise, "the output (still valid)");
    const empty = await runJob(q, { alg: "gzip", type: 3, input: new Uint8Array(0), cap: 64 });
    assert.equal(empty.r.status, Status.NEGATIVE_COMPRESSION, "any output is larger than nothing");
    assertBytes(gunzipSync(Buffer.concat([HEADER.gzip, empty.out])), new Uint8Array(0));
  },
);

vmTest(
  "requests a device cannot run are 0x41: deflate or type 3 on v2, type 0 on v3, SGL",
  async () => {
    using v2 = RawQueue.started(ZIP_V2, 0);
    using v3 = RawQueue.started(ZIP_V3, 0);
    const input = text(1000);
    const status = async (q: RawQueue, job: Parameters<typeof runJob>[1]) =>
      (await runJob(q, job)).r.status;
    assert.equal(await status(v2, { alg: "deflate", type: 3, input, cap: 4096 }), Status.DATA);
    assert.equal(await status(v2, { alg: "gzip", type: 3, input, cap: 4096 }), Status.DATA);
    assert.equal(await status(v3, { alg: "gzip", type: 0, input, cap: 4096 }), Status.DATA);
    assert.equal(
      await status(v3, { alg: "gzip", type: 3, bufType: 1, input, cap: 4096 }),
      Status.DATA,
    );
    assert.equal(
      await status(v2, { alg: "gzip", type: 0, input, cap: 4096 }),
      Status.OK,
      "the queue still works",
    );
  },
);

vmTest("input above 8 MiB in one request is 0x0E", async () => {
  using q = RawQueue.started(ZIP_V2, 0);
  const { r } = await runJob(q, {
    alg: "gzip",
    type: 0,
    input: text(16),
    inLen: 8 * 1024 * 1024 + 1,
    cap: 4096,
  });
  assert.deepEqual([r.status, r.consumed, r.produced], [Status.OUTPUT_TOO_SMALL, 0, 0]);
});

vmTest("stateful gzip compression: sync-flushed requests concatenate into one member", async () => {
  using q = RawQueue.started(ZIP_V2, 0);
  using ctx = memory(64 * 1024 + 64); // zeroed, as a new stream needs
  const parts = [DATA.subarray(0, 70_000), DATA.subarray(70_000, 140_000), DATA.subarray(140_000)];
  const outs: Uint8Array[] = [];
  let isize = 0, checksum = 0;
  for (const [i, input] of parts.entries()) {
    const last = i === parts.length - 1;
    const { r, out } = await runJob(q, {
      alg: "gzip",
      type: 0,
      input,
      cap: Math.ceil(input.length * 1.125) + 64, // the 1.125x rule
      stateful: true,
      newStream: i === 0,
      finish: last,
      ctx: ctx.address + 64n,
      isize,
      checksum,
    });
    assert.equal(r.status, Status.OK, `request ${i}`);
    assert.equal(r.consumed, input.length);
    if (!last) {
      assertBytes(out.subarray(-4), Uint8Array.of(0, 0, 0xff, 0xff), "the sync flush marker");
    }
    ({ isize, checksum } = r);
    outs.push(out);
  }
  const member = Buffer.concat([HEADER.gzip, ...outs]);
  assertBytes(gunzipSync(member), DATA);
  assertChecksum("gzip", member, isize, checksum);
  const tooSmall = await runJob(q, {
    alg: "gzip",
    type: 0,
    input: DATA.subarray(0, 10_000),
    cap: 10_000, // below the 1.125x rule
    stateful: true,
    newStream: true,
    ctx: ctx.address + 64n,
  });
  assert.deepEqual([tooSmall.r.status, tooSmall.r.consumed], [Status.OUTPUT_TOO_SMALL, 0]);
});

vmTest(
  "stateful decompression: a full output gives ctx_st 2 and the rest is resent until 0x13",
  async () => {
    using q = RawQueue.started(ZIP_V3, 1);
    using ctx = memory(64 * 1024 + 64);
    const { body } = nodeCompressed("zlib", DATA);
    const outs: Uint8Array[] = [];
    let offset = 0, requests = 0, isize = 0, checksum = 0;
    for (;;) {
      const { r, out } = await runJob(q, {
        alg: "zlib",
        type: 3,
        input: body.subarray(offset, offset + 16_384),
        cap: 32_768,
        stateful: true,
        newStream: requests === 0,
        ctx: ctx.address + 64n,
        isize,
        checksum,
      });
      requests++;
      outs.push(out);
      offset += r.consumed;
      ({ isize, checksum } = r);
      if (r.status === Status.DECOMP_END) {
        assert.ok(r.lastBlock);
        break;
      }
      assert.equal(r.status, Status.OK, `request ${requests}`);
      if (r.produced === 32_768) assert.equal(r.ctxSt, CTX_ST_NO_SPACE, "output full: resend");
      assert.ok(requests < 100, "the stream ends");
    }
    assert.equal(offset, body.length, "everything consumed, the trailer included");
    assertBytes(Buffer.concat(outs), DATA);
    assert.ok(requests > DATA.length / 32_768, `${requests} requests`);
    assertChecksum("zlib", body, isize, checksum);
  },
);

vmTest("a stateful request whose context the device never set up is 0x41", async () => {
  using q = RawQueue.started(ZIP_V2, 1);
  using ctx = memory(64 * 1024 + 64);
  const { body } = nodeCompressed("gzip", DATA);
  const job = {
    alg: "gzip" as const,
    type: 0 as const,
    input: body,
    cap: DATA.length,
    stateful: true,
  };
  assert.equal((await runJob(q, { ...job, ctx: ctx.address + 64n })).r.status, Status.DATA);
  assert.equal((await runJob(q, { ...job, newStream: true, ctx: 0n })).r.status, Status.DATA);
  const ok = await runJob(q, { ...job, newStream: true, ctx: ctx.address + 64n });
  assert.equal(ok.r.status, Status.DECOMP_END);
});

vmTest("an SQE pointing at unmapped memory completes with 0x41, not a crash", async () => {
  using q = RawQueue.started(ZIP_V2, 0);
  using dst = memory(4096);
  const r = await q.run(
    encodeSqe({ alg: "gzip", type: 0, src: 0x1000n, inLen: 100, dst: dst.address, outCap: 4096 }),
  );
  assert.equal(r.status, Status.DATA);
});
