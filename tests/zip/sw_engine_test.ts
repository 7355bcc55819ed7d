import assert from "node:assert/strict";
import zlib from "node:zlib";
import type { Format } from "../../src/zip/engine.ts";
import { ZipDataError } from "../../src/zip/errors.ts";
import { encodeGzipHeader } from "../../src/zip/gzip_header.ts";
import { SoftwareEngine } from "../../src/zip/sw/engine.ts";
import { isalAvailable } from "../../src/zip/sw/isal.ts";
import { rejected } from "../helpers.ts";
import {
  chunked,
  collect,
  concat,
  nodeDecode,
  noise,
  recordedMember,
  textLike,
} from "./zip_helpers.ts";

const CODECS = [
  { name: "node:zlib", isal: false, ignore: false },
  { name: "ISA-L", isal: true, ignore: !isalAvailable() },
];

/** Mixed data: text, then noise, then a long run (every deflate block type shows up). */
const DATA = concat(textLike(150_000), noise(40_000), new Uint8Array(30_000).fill(97));

for (const codec of CODECS) {
  const engineOf = () => new SoftwareEngine({ threads: 3, blockSize: 16 * 1024, isal: codec.isal });

  Deno.test({
    name:
      `${codec.name}: parallel blocks join into one stream that node:zlib decodes, every format and level`,
    ignore: codec.ignore,
    async fn() {
      await using engine = engineOf();
      for (const format of ["gzip", "zlib", "deflate"] as const) {
        for (const level of [1, 2, 6, 9]) {
          const out = await collect(engine.compress(chunked(DATA, 5000), { format, level }));
          assert.deepEqual(nodeDecode(format, out), DATA, `${format} -${level}`);
          const members: unknown[] = [];
          const back = await collect(
            engine.decompress(chunked(out, 777), { format, onHeader: (h) => members.push(h) }),
          );
          assert.deepEqual(back, DATA, `${format} -${level} round trip`);
          assert.equal(members.length, format === "gzip" ? 1 : 0, "one gzip member");
        }
      }
    },
  });

  Deno.test({
    name: `${codec.name}: empty input and inputs of whole blocks compress to valid streams`,
    ignore: codec.ignore,
    async fn() {
      await using engine = engineOf();
      for (const n of [0, 1, 16 * 1024, 3 * 16 * 1024]) {
        const data = textLike(n, n + 1);
        const out = await collect(
          engine.compress(chunked(data, 16 * 1024), { format: "gzip", level: 6 }),
        );
        assert.deepEqual(nodeDecode("gzip", out), data, `${n} bytes`);
        assert.deepEqual(await collect(engine.decompress(chunked(out), { format: "auto" })), data);
      }
    },
  });

  Deno.test({
    name: `${codec.name}: decompression reads every member, header field and chunking`,
    ignore: codec.ignore,
    async fn() {
      await using engine = engineOf();
      const a = textLike(70_000, 3);
      const b = noise(5000);
      const named = concat(
        encodeGzipHeader({
          mtime: 5,
          os: 3,
          name: "x",
          comment: "y",
          extra: new Uint8Array([87, 68, 0, 0]),
          hcrc: true,
        }),
        zlib.deflateRawSync(b),
        trailer(b),
      );
      const input = concat(
        zlib.gzipSync(a),
        zlib.gzipSync(new Uint8Array(0)),
        named,
        zlib.gzipSync(a),
      );
      const want = concat(a, b, a);
      for (const size of [1, 7, 4096, input.length]) {
        const headers: { name?: string }[] = [];
        const out = await collect(
          engine.decompress(chunked(input, size), {
            format: "auto",
            onHeader: (h) => headers.push(h),
          }),
        );
        assert.deepEqual(out, want, `chunks of ${size}`);
        assert.equal(headers.length, 4);
        assert.equal(headers[2]!.name, "x");
      }
      const z = zlib.deflateSync(a, { level: 9 });
      assert.deepEqual(await collect(engine.decompress(chunked(z, 3), { format: "auto" })), a);
      const raw = zlib.deflateRawSync(a);
      assert.deepEqual(await collect(engine.decompress(chunked(raw), { format: "deflate" })), a);
    },
  });

  Deno.test({
    name: `${codec.name}: corrupt, truncated and trailing data end in the right ZipDataError`,
    ignore: codec.ignore,
    async fn() {
      await using engine = engineOf();
      const data = textLike(50_000, 9);
      const gz = new Uint8Array(zlib.gzipSync(data));
      const kindOf = async (bytes: Uint8Array, format: Format | "auto" = "auto") => {
        const err = await rejected(collect(engine.decompress(chunked(bytes, 1000), { format })));
        assert.ok(err instanceof ZipDataError, String(err));
        return err.kind;
      };
      for (const cut of [0, 1, 5, 10, 11, 100, gz.length - 9, gz.length - 8, gz.length - 1]) {
        assert.equal(await kindOf(gz.subarray(0, cut)), "truncated", `cut at ${cut}`);
      }
      const badCrc = gz.slice();
      badCrc[gz.length - 8]! ^= 1;
      assert.equal(await kindOf(badCrc), "crc");
      const badLen = gz.slice();
      badLen[gz.length - 1]! ^= 1;
      assert.equal(await kindOf(badLen), "length");
      const badData = gz.slice();
      badData.fill(0xff, 12, 20);
      assert.equal(await kindOf(badData), "data");
      assert.equal(await kindOf(new TextEncoder().encode("plain text")), "format");
      assert.equal(await kindOf(zlib.deflateSync(data).subarray(0, 100)), "truncated");
      const badAdler = new Uint8Array(zlib.deflateSync(data));
      badAdler[badAdler.length - 1]! ^= 1;
      assert.equal(await kindOf(badAdler), "crc");
      assert.equal(await kindOf(gz, "zlib"), "format");
    },
  });

  Deno.test({
    name:
      `${codec.name}: trailing garbage is a warning raised after all the data; zero padding is ignored`,
    ignore: codec.ignore,
    async fn() {
      await using engine = engineOf();
      const data = textLike(30_000, 11);
      const gz = new Uint8Array(zlib.gzipSync(data));
      const got: Uint8Array[] = [];
      const err = await rejected(async () => {
        for await (
          const c of engine.decompress(chunked(concat(gz, new TextEncoder().encode("junk"))), {
            format: "auto",
          })
        ) {
          got.push(c.slice());
        }
      });
      assert.ok(err instanceof ZipDataError && err.kind === "garbage" && err.isWarning);
      assert.equal(err.exitCode, 2);
      assert.deepEqual(concat(...got), data);
      const padded = concat(gz, new Uint8Array(1000));
      assert.deepEqual(
        await collect(engine.decompress(chunked(padded, 333), { format: "auto" })),
        data,
      );
    },
  });
}

function trailer(data: Uint8Array): Uint8Array {
  const t = new Uint8Array(8);
  const v = new DataView(t.buffer);
  v.setUint32(0, zlib.crc32(data) >>> 0, true);
  v.setUint32(4, data.length, true);
  return t;
}

Deno.test("the engine's description names the codec and the threads", async () => {
  await using engine = new SoftwareEngine({ threads: 3, isal: false });
  await collect(engine.compress(chunked(textLike(1000)), { format: "gzip", level: 6 }));
  assert.equal(engine.description, "software: zlib-ng (node:zlib) levels 5+7, 3 thread(s)");
  assert.equal(engine.stats.bytesIn, 1000);
});

for (const codec of CODECS) {
  Deno.test({
    name: `${codec.name}: members that record their lengths are inflated in parallel, in order`,
    ignore: codec.ignore,
    async fn() {
      await using engine = new SoftwareEngine({ threads: 3, isal: codec.isal, offloadAfter: 1 });
      const parts = Array.from({ length: 12 }, (_, i) => textLike(40_000 + 997 * i, i));
      const members = parts.map((p, i) => recordedMember(p, i % 3 === 2 ? "BC" : "WD"));
      members.splice(5, 0, new Uint8Array(zlib.gzipSync(parts[0]!))); // a plain one between
      const file = concat(...members);
      const want = concat(...parts.slice(0, 5), parts[0]!, ...parts.slice(5));
      for (const size of [1000, 65536, file.length]) {
        let headers = 0;
        const out = await collect(
          engine.decompress(chunked(file, size), { format: "gzip", onHeader: () => headers++ }),
        );
        assert.deepEqual(out, want, `chunks of ${size}`);
        assert.equal(headers, 13);
      }
    },
  });

  Deno.test({
    name: `${codec.name}: a corrupt member that records its lengths fails with the right kind`,
    ignore: codec.ignore,
    async fn() {
      await using engine = new SoftwareEngine({ threads: 2, isal: codec.isal, offloadAfter: 1 });
      const good = [textLike(30_000, 1), textLike(30_000, 2), textLike(30_000, 3)];
      const kindOf = async (mangle: (m: Uint8Array) => void) => {
        const members = good.map((d) => recordedMember(d));
        mangle(members[2]!);
        const err = await rejected(
          collect(engine.decompress(chunked(concat(...members)), { format: "auto" })),
        );
        assert.ok(err instanceof ZipDataError, String(err));
        return err.kind;
      };
      assert.equal(await kindOf((m) => m[m.length - 8]! ^= 1), "crc");
      assert.equal(await kindOf((m) => m[m.length - 4]! ^= 1), "length"); // ISIZE vs WD
      assert.equal(await kindOf((m) => m.fill(0xff, 30, 40)), "data");
    },
  });
}
