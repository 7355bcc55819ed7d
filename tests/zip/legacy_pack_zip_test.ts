import assert from "node:assert/strict";
import { decompressPack, unpack } from "../../src/zip/legacy/pack.ts";
import { decompressZip, type ZipEntryInfo } from "../../src/zip/legacy/pkzip.ts";
import { sniffFormat } from "../../src/zip/legacy/sniff.ts";
import { InputReader } from "../../src/zip/sw/input.ts";
import { zngCrc32, ZngInflater } from "../../src/zip/sw/zng.ts";
import { outcome, packEncode, zipFile } from "./legacy_helpers.ts";
import { chunked, collect, concat, have, noise, pipeThrough, textLike } from "./zip_helpers.ts";

const TEXT = textLike(80_000, 9);

function unzipOf(z: Uint8Array, options: Parameters<typeof decompressZip>[2] = {}, chunk = 4096) {
  const inflater = new ZngInflater();
  return outcome(decompressZip(chunked(z, chunk), { inflater, crc32: zngCrc32 }, options));
}

Deno.test("sniff: each format by its magic, zip only at the start, short input none", () => {
  const cases: [number[], string | null][] = [
    [[0x1f, 0x8b, 8], "gzip"],
    [[0x1f, 0x9e], "gzip"],
    [[0x1f, 0x9d, 0x90], "lzw"],
    [[0x1f, 0x1e], "pack"],
    [[0x1f, 0xa0], "lzh"],
    [[0x50, 0x4b, 3, 4], "zip"],
    [[0x1f], null],
    [[0x78, 0x9c], null],
    [[0x1f, 0x1f], null],
  ];
  for (const [bytes, format] of cases) assert.equal(sniffFormat(Uint8Array.from(bytes)), format);
  assert.equal(sniffFormat(Uint8Array.of(0x50, 0x4b, 3, 4), { first: false }), null);
});

Deno.test("pack: gzip's documented vector decodes to banana", async () => {
  const z = Uint8Array.of(0x1f, 0x1e, 0, 0, 0, 6, 3, 1, 1, 0, 0x61, 0x6e, 0x62, 0x16, 0xc8);
  const r = await outcome(decompressPack(chunked(z, 1)));
  assert.equal(r.error, undefined);
  assert.equal(new TextDecoder().decode(r.out), "banana");
});

Deno.test("pack: text, noise, runs, one byte value, and empty data round trip through the format", async () => {
  const inputs = [
    TEXT,
    noise(50_000, 2),
    concat(new Uint8Array(10_000).fill(1), Uint8Array.of(2)),
    new Uint8Array(1000).fill(0x41),
    Uint8Array.of(7),
    new Uint8Array(0),
    // Skewed frequencies: codes longer than the 12-bit lookup.
    concat(...Array.from({ length: 20 }, (_, i) => new Uint8Array(2 ** (i % 17)).fill(i))),
  ];
  for (const data of inputs) {
    const z = packEncode(data);
    for (const chunk of [1, 5, 65536]) {
      const r = await outcome(decompressPack(chunked(z, chunk)));
      assert.equal(r.error, undefined, `${data.length} bytes in ${chunk}-byte pieces`);
      assert.deepEqual(r.out, data, `${data.length} bytes in ${chunk}-byte pieces`);
    }
  }
});

Deno.test("pack: a member leaves the input at the byte after it, for the member that follows", async () => {
  const a = packEncode(textLike(3000, 1));
  const after = Uint8Array.of(0x1f, 0x8b, 8, 0);
  const r = new InputReader(chunked(concat(a, after), 7));
  const stats = { bytesIn: 0, bytesOut: 0 };
  const out = await collect(unpack(r, { stats }));
  assert.deepEqual(out, textLike(3000, 1));
  assert.deepEqual(stats, { bytesIn: a.length, bytesOut: 3000 });
  await r.ensure(4);
  assert.deepEqual(r.available.subarray(0, 4), after);
});

Deno.test("pack: gzip's checks on the tree, the end of the data and the length", async () => {
  const good = packEncode(TEXT);
  const cases: [string, Uint8Array, string, RegExp][] = [
    [
      "bit length 0",
      Uint8Array.of(0x1f, 0x1e, 0, 0, 0, 1, 0),
      "data",
      /bit length out of range \(0\)/,
    ],
    ["bit length 26", Uint8Array.of(0x1f, 0x1e, 0, 0, 0, 1, 26), "data", /bit length out of range/],
    [
      "two leaves of length 1 and more",
      Uint8Array.of(0x1f, 0x1e, 0, 0, 0, 1, 2, 2, 0),
      "data",
      /too many leaves/,
    ],
    [
      "an incomplete tree",
      Uint8Array.of(0x1f, 0x1e, 0, 0, 0, 1, 3, 0, 0, 1, 0x61, 0x62),
      "data",
      /too few leaves/,
    ],
    ["header cut short", good.subarray(0, 9), "truncated", /pack header is cut short/],
    ["data cut short", good.subarray(0, good.length - 40), "truncated", /ends before its end code/],
  ];
  const wrongLength = good.slice();
  wrongLength[5]! ^= 1;
  cases.push([
    "length off by one",
    wrongLength,
    "length",
    /pack header says 80001 bytes, the data has 80000/,
  ]);
  for (const [what, z, kind, message] of cases) {
    const r = await outcome(decompressPack([z]));
    assert.equal(r.error?.kind, kind, what);
    assert.match(r.error!.message, message, what);
  }
  const many = Uint8Array.from([0x1f, 0x1e, 0, 0, 0, 1, 10, 0, 0, 0, 0, 0, 0, 0, 0, 200, 100]);
  assert.match(
    (await outcome(decompressPack([many]))).error!.message,
    /too many leaves.*302 in all/,
  );
});

Deno.test({
  name: "pack: gzip decodes what the test encoder writes (the encoder is right)",
  ignore: !have("gzip"),
  async fn() {
    for (const data of [TEXT, noise(5000, 3), Uint8Array.of(7), new Uint8Array(0)]) {
      const gz = await pipeThrough("gzip", ["-dc"], packEncode(data));
      assert.equal(gz.code, 0, gz.stderr);
      assert.deepEqual(gz.stdout, data);
    }
  },
});

Deno.test("zip: stored and deflated first entries, with and without every form of data descriptor", async () => {
  for (const data of [TEXT, noise(70_000, 4), new Uint8Array(0)]) {
    for (const method of ["stored", "deflated"] as const) {
      const forms = method === "stored"
        ? [undefined]
        : [undefined, "sig32", "nosig32", "sig64", "nosig64"] as const;
      for (const descriptor of forms) {
        const entries: ZipEntryInfo[] = [];
        const z = zipFile(data, { method, ...(descriptor ? { descriptor } : {}), name: "notes" });
        const stats = { bytesIn: 0, bytesOut: 0 };
        const r = await unzipOf(z, { stats, onEntry: (e) => entries.push(e) }, 1000);
        const what = `${method} ${descriptor ?? "no descriptor"} ${data.length}`;
        assert.equal(r.error, undefined, `${what}: ${r.error}`);
        assert.deepEqual(r.out, data, what);
        assert.deepEqual(entries, [{
          method,
          name: "notes",
          descriptor: descriptor !== undefined,
        }]);
        assert.equal(stats.bytesOut, data.length, what);
      }
    }
  }
});

Deno.test("zip: more entries are a warning to stdout and an error to a file, after the first entry's data", async () => {
  const z = zipFile(TEXT, { more: 2 });
  const warned = await unzipOf(z);
  assert.deepEqual(warned.out, TEXT);
  assert.equal(warned.error?.kind, "entries-ignored");
  assert.equal(warned.error?.exitCode, 2);
  assert.equal(warned.error?.isWarning, true);
  assert.equal(
    warned.error?.withSource("a.zip").message,
    '"a.zip": has more than one entry--rest ignored',
  );
  const failed = await unzipOf(z, { moreEntries: "fail" });
  assert.equal(failed.error?.kind, "entries");
  assert.equal(failed.error?.exitCode, 1);
  assert.equal(
    failed.error?.withSource("a.zip").message,
    '"a.zip": has more than one entry -- unchanged',
  );
  const one = await unzipOf(zipFile(TEXT, { descriptor: "sig32" }), { moreEntries: "fail" });
  assert.equal(one.error, undefined, "the central directory is not another entry");
});

Deno.test("zip: what gzip refuses, refused with its reason", async () => {
  const data = textLike(500);
  const stored = zipFile(data, { method: "stored" });
  const storedWithDescriptor = stored.slice();
  storedWithDescriptor[6]! |= 8;
  const zip64 = zipFile(data);
  zip64.fill(0xff, 22, 26);
  const cases: [string, Uint8Array, string, RegExp][] = [
    [
      "encrypted",
      zipFile(data, { flags: 1 }),
      "unsupported",
      /first entry is encrypted; use unzip/,
    ],
    [
      "bzip2",
      zipFile(data, { methodNumber: 12 }),
      "unsupported",
      /not deflated or stored \(method 12\)/,
    ],
    [
      "empty archive",
      Uint8Array.from([0x50, 0x4b, 5, 6, ...new Array(18).fill(0)]),
      "unsupported",
      /empty zip file/,
    ],
    ["zip64", zip64, "unsupported", /Zip64/],
    ["stored with a descriptor", storedWithDescriptor, "header", /not a valid zip file/],
    ["PK but no header", Uint8Array.of(0x50, 0x4b, 1, 2, 0, 0), "header", /no local header/],
    ["short local header", stored.subarray(0, 20), "header", /local header is cut short/],
    ["name cut short", stored.subarray(0, 33), "truncated", /name or extra field/],
    ["stored data cut short", stored.subarray(0, 100), "truncated", /data is cut short/],
    ["deflated data cut short", zipFile(TEXT).subarray(0, 200), "truncated", /end of file/],
  ];
  const badCrc = zipFile(data);
  badCrc[14]! ^= 1;
  cases.push(["CRC", badCrc, "crc", /CRC-32 [0-9a-f]{8}, the local header says/]);
  const badLength = zipFile(data);
  badLength[22]! ^= 1;
  cases.push(["length", badLength, "length", /500 bytes, the local header says 501/]);
  const badDescriptor = zipFile(data, { descriptor: "sig32" });
  badDescriptor[badDescriptor.length - 22 - 46 - 4]! ^= 1; // the descriptor's uncompressed size
  cases.push(["descriptor", badDescriptor, "crc", /no zip data descriptor matches/]);
  for (const [what, z, kind, message] of cases) {
    const r = await unzipOf(z);
    assert.equal(r.error?.kind, kind, `${what}: ${r.error}`);
    assert.match(r.error!.message, message, what);
  }
});

Deno.test("zip: a spanning marker before the local header is skipped", async () => {
  const z = concat(Uint8Array.of(0x50, 0x4b, 7, 8), zipFile(TEXT));
  assert.deepEqual((await unzipOf(z)).out, TEXT);
});

Deno.test("zip: a streamed Zip64 entry (sizes 0xffffffff, a Zip64 extra field, a 24-byte descriptor) decodes", async () => {
  const z = zipFile(TEXT, { descriptor: "sig64", zip64: true });
  const r = await unzipOf(z);
  assert.equal(r.error, undefined, String(r.error));
  assert.deepEqual(r.out, TEXT);
});

Deno.test({
  name: "zip: Info-ZIP's zip (stored, deflated, streamed) and pigz -K files decode",
  ignore: !have("zip") || !have("pigz"),
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const file = `${dir}/notes.txt`;
      await Deno.writeFile(file, TEXT);
      const made: [string, string[]][] = [
        ["deflated", ["-q", "-j", `${dir}/d.zip`, file]],
        ["stored", ["-q", "-0", "-j", `${dir}/s.zip`, file]],
      ];
      for (const [what, args] of made) {
        await new Deno.Command("zip", { args }).output();
        const r = await unzipOf(await Deno.readFile(args.at(-2)!));
        assert.equal(r.error, undefined, `${what}: ${r.error}`);
        assert.deepEqual(r.out, TEXT, what);
      }
      // zip writing to a pipe: data descriptors (and Zip64 extra fields).
      const streamed = await pipeThrough("sh", ["-c", "zip -q - - | cat"], TEXT);
      const s = await unzipOf(streamed.stdout);
      assert.equal(s.error, undefined, `zip - -: ${s.error}`);
      assert.deepEqual(s.out, TEXT);
      for (const data of [TEXT, new Uint8Array(0)]) {
        const k = await pipeThrough("pigz", ["-K", "-c"], data);
        const r = await unzipOf(k.stdout);
        assert.equal(r.error, undefined, `pigz -K: ${r.error}`);
        assert.deepEqual(r.out, data);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
