import assert from "node:assert/strict";
import zlib from "node:zlib";
import {
  simulatedEnv,
  UnsupportedError,
  UnzipStream,
  ZipDataError,
  ZipStream,
  type ZipStreamOptions,
} from "../../mod.ts";
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

Deno.test("a stream's report says which engine ran, why, and the bytes in and out", async () => {
  const data = textLike(300_000, 3);
  const zs = new ZipStream({ level: 4, threads: 1 });
  const packed = await new Response(ReadableStream.from([data]).pipeThrough(zs)).bytes();
  const r = await zs.report;
  assert.equal(r.direction, "compress");
  assert.equal(r.engine, "sw");
  assert.equal(r.device, undefined);
  assert.equal(r.reason, "software engine requested");
  assert.match(r.description, /^software: /);
  assert.deepEqual(r.fallbacks, []);
  assert.deepEqual(r.notes, []);
  assert.equal(r.bytesIn, data.length);
  assert.equal(r.bytesOut, packed.length);
  const us = new UnzipStream();
  const back = await new Response(ReadableStream.from([packed]).pipeThrough(us)).bytes();
  const u = await us.report;
  assert.deepEqual(back, data);
  assert.deepEqual([u.direction, u.bytesIn, u.bytesOut], [
    "decompress",
    packed.length,
    data.length,
  ]);
});

Deno.test("on the model, auto runs on the device, and a device that fails is a reported fallback", async () => {
  const data = textLike(3 << 20, 5);
  {
    await using env = simulatedEnv();
    const zs = new ZipStream({ engine: "auto", env });
    const packed = await new Response(ReadableStream.from([data]).pipeThrough(zs)).bytes();
    const r = await zs.report;
    assert.equal(r.engine, "hw");
    assert.match(r.device ?? "", /^hisi_zip-[45]$/);
    assert.match(r.reason, /lists gzip, \d+ free queues/);
    assert.deepEqual(r.fallbacks, []);
    assert.deepEqual(new Uint8Array(zlib.gunzipSync(packed)), data);
  }
  {
    await using env = simulatedEnv("lose@2", { getenv: () => undefined });
    const zs = new ZipStream({ engine: "auto", env });
    const packed = await new Response(ReadableStream.from([data]).pipeThrough(zs)).bytes();
    const r = await zs.report;
    assert.equal(r.engine, "hw");
    assert.deepEqual(r.fallbacks, ["device_error"]);
    assert.match(r.notes.join("\n"), /lost.*continued in software/);
    assert.deepEqual(new Uint8Array(zlib.gunzipSync(packed)), data);
  }
  {
    await using env = simulatedEnv("isolated");
    const zs = new ZipStream({ engine: "auto", env });
    await new Response(ReadableStream.from([data]).pipeThrough(zs)).bytes();
    const r = await zs.report;
    assert.equal(r.engine, "sw");
    assert.deepEqual(r.fallbacks, ["isolated"]);
    assert.match(r.reason, /^software: hisi_zip-4: the kernel isolated it/);
    const hw = new ZipStream({ engine: "hw", env });
    const err = await new Response(ReadableStream.from([data]).pipeThrough(hw)).bytes()
      .then(() => null, (e) => e);
    assert.ok(err instanceof UnsupportedError);
    assert.equal(await hw.report.then(() => null, (e) => e), err);
  }
});

Deno.test("a stream read only in part rejects its report: it never ended", async () => {
  const zs = new ZipStream({ threads: 1 });
  const reader = ReadableStream.from([textLike(200_000, 1)]).pipeThrough(zs).getReader();
  await reader.read();
  await reader.cancel();
  const err = await zs.report.then(() => null, (e) => e);
  assert.ok(err instanceof Error);
  assert.match(err.message, /cancelled before it ended/);
});

Deno.test("bad stream options throw at once, naming the option and what it takes", () => {
  const cases: [unknown, ErrorConstructor, RegExp][] = [
    [{ level: 42 }, RangeError, /"level" must be an integer from 1 to 9, not 42/],
    [{ level: 0 }, RangeError, /not 0$/],
    [{ level: 1.5 }, RangeError, /not 1\.5$/],
    [{ level: NaN }, RangeError, /not NaN$/],
    [{ level: "6" }, TypeError, /"level" must be an integer from 1 to 9, not "6"/],
    [{ engine: "gpu" }, RangeError, /"engine" must be "sw", "hw" or "auto", not "gpu"/],
    [{ format: "zip" }, RangeError, /"format" must be "gzip", "zlib" or "deflate", not "zip"/],
    [{ threads: 0 }, RangeError, /"threads" must be an integer from 1 to 1024/],
    [{ device: "" }, TypeError, /"device" must be a non-empty string/],
    [{ verify: "yes" }, TypeError, /"verify" must be a boolean/],
    [{ env: { root: "/" } }, TypeError, /"env" must be an Env/],
    [{ levle: 9 }, TypeError, /unknown option "levle" \(did you mean "level"\?\)/],
    [{ header: { mtime: -1, os: 3 } }, RangeError, /"header.mtime" must be an integer from 0/],
    [
      { header: { mtime: 0, os: 3, name: "a\u0000b" } },
      RangeError,
      /"header.name" must be Latin-1/,
    ],
    [42, TypeError, /the options must be an object, not 42/],
  ];
  for (const [options, type, message] of cases) {
    assert.throws(() => new ZipStream(options as ZipStreamOptions), (e: unknown) => {
      assert.ok(e instanceof type, `${JSON.stringify(options)}: ${e}`);
      assert.match((e as Error).message, /^ZipStream: /);
      assert.match((e as Error).message, message);
      return true;
    });
  }
  assert.throws(() => new UnzipStream({ format: "zip" as "gzip" }), RangeError);
  assert.throws(() => new UnzipStream({ onHeader: "x" as never }), TypeError);
  assert.throws(() => new UnzipStream({ level: 6 } as never), /unknown option "level"/);
});
