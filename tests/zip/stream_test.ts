import assert from "node:assert/strict";
import zlib from "node:zlib";
import { UnzipStream, ZipDataError, ZipStream } from "../../mod.ts";
import { concat, noise, textLike } from "./zip_helpers.ts";

Deno.test("ZipStream and UnzipStream pipe like CompressionStream, in every format", async () => {
  const data = concat(textLike(400_000, 2), noise(30_000));
  for (const format of ["gzip", "zlib", "deflate"] as const) {
    const packed = await new Response(
      ReadableStream.from([data.subarray(0, 1000), data.subarray(1000)])
        .pipeThrough(new ZipStream({ format, level: 1, threads: 2 })),
    ).bytes();
    const back = await new Response(
      ReadableStream.from([packed]).pipeThrough(new UnzipStream({ format })),
    ).bytes();
    assert.deepEqual(back, data, format);
  }
});

Deno.test("UnzipStream reads multi-member gzip, which DecompressionStream cannot", async () => {
  const gz = concat(zlib.gzipSync("one "), zlib.gzipSync("two"));
  const names: string[] = [];
  const text = await new Response(
    ReadableStream.from([gz]).pipeThrough(new UnzipStream({ onHeader: () => names.push("m") })),
  ).text();
  assert.equal(text, "one two");
  assert.equal(names.length, 2);
});

Deno.test("UnzipStream errors the readable with a ZipDataError on corrupt input", async () => {
  const gz = new Uint8Array(zlib.gzipSync("some text that will be cut"));
  const err = await new Response(
    ReadableStream.from([gz.subarray(0, gz.length - 3)]).pipeThrough(new UnzipStream()),
  ).bytes().then(() => null, (e) => e);
  assert.ok(err instanceof ZipDataError);
  assert.equal(err.kind, "truncated");
});
