import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { DeviceStatusError } from "../../../src/drivers/hisi_zip/limits.ts";
import { ZipSession } from "../../../src/drivers/hisi_zip/session.ts";
import { STATUS, type ZipAlg } from "../../../src/drivers/hisi_zip/sqe.ts";
import { findDevice } from "../../../src/drivers/uacce/discover.ts";
import { startSim } from "../../fixtures/sim.ts";
import { rejected } from "../../helpers.ts";
import { concat, nodeDecode, nodeEncode, pipeThrough } from "../../zip/zip_helpers.ts";

/** Deterministic test data: text-like with a stretch of pseudo-random bytes. */
function data(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = i % 4096 < 3000 ? 97 + ((i * 7 + (i >> 9)) % 26) : x >>> 24;
  }
  return out;
}

const HEADER: Record<ZipAlg, Uint8Array> = {
  gzip: new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
  zlib: new Uint8Array([0x78, 0x9c]),
  deflate: new Uint8Array(0),
};

const SIZES = [0, 1, 199, 200, 65536, (8 << 20) + 1];
const CASES: [string, ZipAlg[]][] = [["v2", ["zlib", "gzip"]], ["v3", ["deflate", "zlib", "gzip"]]];

for (const [flavour, algs] of CASES) {
  for (const alg of algs) {
    Deno.test(`${flavour} ${alg}: stateless blocks round-trip through the model and node:zlib`, async () => {
      using rig = startSim(flavour);
      const dev = findDevice(rig.env, flavour === "v2" ? "hisi_zip-4" : "hisi_zip-2");
      using c = ZipSession.open(rig.env, dev, { direction: "compress", alg, blockSize: 8 << 20 });
      using d = ZipSession.open(rig.env, dev, { direction: "decompress", alg, blockSize: 8 << 20 });
      for (const n of SIZES.filter((s) => s <= 8 << 20)) {
        const input = data(n, n + 1);
        const out = await c.compressBlock(input, HEADER[alg]);
        assert.deepEqual(
          nodeDecode(alg, out.bytes),
          input,
          `${n} bytes: software decodes the device's output`,
        );
        assert.equal(out.isize, n);
        const soft = nodeEncode(alg, input);
        const back = await d.decompressBlock(soft.subarray(HEADER[alg].length), n);
        assert.deepEqual(back.bytes, input, `${n} bytes: the device decodes software's output`);
        assert.equal(back.ended, true);
      }
      assert.equal(rig.sim.log.length, 0, rig.sim.log.join("\n"));
    });

    Deno.test(`${flavour} ${alg}: stateful streams round-trip in uneven chunks`, async () => {
      using rig = startSim(flavour);
      const dev = findDevice(rig.env, flavour === "v2" ? "hisi_zip-4" : "hisi_zip-2");
      using c = ZipSession.open(rig.env, dev, { direction: "compress", alg, blockSize: 1 << 20 });
      using d = ZipSession.open(rig.env, dev, {
        direction: "decompress",
        alg,
        blockSize: 64 << 10,
      });
      for (const n of SIZES) {
        const input = data(n, 7 * n + 3);
        using cs = c.compressStream();
        const parts: Uint8Array[] = [];
        const step = 300_001;
        let off = 0;
        do {
          const end = Math.min(n, off + step);
          parts.push(
            ...await cs.write(
              input.subarray(off, end),
              end === n,
              off === 0 ? HEADER[alg] : undefined,
            ),
          );
          off = end;
        } while (off < n);
        const stream = concat(...parts);
        assert.deepEqual(
          nodeDecode(alg, stream),
          input,
          `${n} bytes: software decodes the device's stream`,
        );
        using ds = d.decompressStream();
        const outs: Uint8Array[] = [];
        let pos = HEADER[alg].length;
        for (let ended = false; !ended;) {
          const r = await ds.write(stream.subarray(pos, pos + 10_000));
          outs.push(...r.output);
          pos += r.consumed;
          ended = r.ended;
          assert.ok(r.consumed > 0 || r.ended || r.output.length > 0, "every step makes progress");
        }
        assert.deepEqual(concat(...outs), input, `${n} bytes: the device decodes its own stream`);
        assert.equal(ds.isize, n);
      }
    });
  }
}

Deno.test("gzip output of the model is accepted by gzip(1)", async () => {
  using rig = startSim("v2");
  using c = ZipSession.open(rig.env, findDevice(rig.env, "hisi_zip-4"), {
    direction: "compress",
    alg: "gzip",
  });
  const input = data(300_000);
  const out = await c.compressBlock(input, HEADER.gzip);
  const r = await pipeThrough("gzip", ["-dc"], out.bytes);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout, input);
});

Deno.test("the device reports a bad trailer as status 0x10 and corrupt data as 0x41", async () => {
  using rig = startSim("v2");
  using d = ZipSession.open(rig.env, findDevice(rig.env, "hisi_zip-4"), {
    direction: "decompress",
    alg: "gzip",
  });
  const soft = zlib.gzipSync(data(5000)).subarray(10);
  const badCrc = soft.slice();
  badCrc[badCrc.length - 8]! ^= 0xff;
  const e = await rejected(d.decompressBlock(badCrc));
  assert.ok(e instanceof DeviceStatusError && e.status === STATUS.CRC_ERROR);
  const garbage = soft.slice();
  garbage.fill(0xff, 0, 20);
  const g = await rejected(d.decompressBlock(garbage));
  assert.ok(g instanceof DeviceStatusError && g.status === STATUS.DATA_ERROR);
  const truncated = await rejected(d.decompressBlock(soft.subarray(0, soft.length >> 1)));
  assert.ok(truncated instanceof DeviceStatusError && truncated.status === STATUS.DATA_ERROR);
});

Deno.test("many blocks in flight complete in order with the right outputs", async () => {
  using rig = startSim("v2");
  using c = ZipSession.open(rig.env, findDevice(rig.env, "hisi_zip-4"), {
    direction: "compress",
    alg: "gzip",
    blockSize: 64 << 10,
    inFlight: 64,
  });
  const inputs = Array.from({ length: 300 }, (_, i) => data(1000 + i * 97, i));
  const outs = await Promise.all(inputs.map((b) => c.compressBlock(b, HEADER.gzip)));
  outs.forEach((o, i) => assert.deepEqual(nodeDecode("gzip", o.bytes), inputs[i]));
  assert.equal(c.queue.inFlight, 0);
});
