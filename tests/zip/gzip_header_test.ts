import assert from "node:assert/strict";
import { crc32 } from "../../src/zip/checksum.ts";
import { ZipDataError } from "../../src/zip/errors.ts";
import { encodeGzipHeader, extraSubfield, parseGzipHeader } from "../../src/zip/gzip_header.ts";
import { thrown } from "../helpers.ts";

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.split(/\s+/).filter(Boolean), (h) => parseInt(h, 16));
}

Deno.test("encodeGzipHeader writes what gzip 1.12 writes for a named file", () => {
  // `gzip -c a` of a file named "a" with mtime 2020-01-02T03:04:05Z.
  assert.deepEqual(
    encodeGzipHeader({ mtime: 0x5e0d5da5, os: 3, name: "a" }),
    hex("1f 8b 08 08 a5 5d 0d 5e 00 03 61 00"),
  );
  assert.deepEqual(
    encodeGzipHeader({ mtime: 0, os: 255, xfl: 4 }),
    hex("1f 8b 08 00 00 00 00 00 04 ff"),
  );
});

Deno.test("encodeGzipHeader orders FEXTRA, FNAME, FCOMMENT and FHCRC as RFC 1952 does", () => {
  const h = encodeGzipHeader({
    mtime: 1,
    os: 3,
    text: true,
    extra: hex("57 44 08 00 01 02 03 04 05 06 07 08"),
    name: "n",
    comment: "c",
    hcrc: true,
  });
  const body = hex(
    "1f 8b 08 1f 01 00 00 00 00 03 0c 00 57 44 08 00 01 02 03 04 05 06 07 08 6e 00 63 00",
  );
  assert.deepEqual(h.subarray(0, body.length), body);
  const crc16 = crc32(body) & 0xffff;
  assert.deepEqual(h.subarray(body.length), new Uint8Array([crc16 & 0xff, crc16 >> 8]));
});

Deno.test("parseGzipHeader reads every field back and keeps FEXTRA intact", () => {
  const extra = hex("57 44 08 00 10 00 00 00 20 00 00 00 42 43 02 00 ff 00");
  const fields = {
    mtime: 1234567890,
    os: 3,
    xfl: 2,
    text: true,
    extra,
    name: "r\xe9sum\xe9.txt",
    comment: "a comment",
    hcrc: true,
  };
  const bytes = encodeGzipHeader(fields);
  const parsed = parseGzipHeader(new Uint8Array([...bytes, 0xaa, 0xbb]));
  assert.ok(parsed);
  assert.equal(parsed.length, bytes.length);
  assert.deepEqual(parsed.header, fields);
  assert.deepEqual(extraSubfield(parsed.header.extra!, "W", "D"), hex("10 00 00 00 20 00 00 00"));
  assert.deepEqual(extraSubfield(parsed.header.extra!, "B", "C"), hex("ff 00"));
  assert.equal(extraSubfield(parsed.header.extra!, "X", "Y"), undefined);
});

Deno.test("parseGzipHeader asks for more bytes at every cut short of the whole header", () => {
  const bytes = encodeGzipHeader({
    mtime: 7,
    os: 3,
    extra: hex("41 42 01 00 09"),
    name: "file",
    comment: "c",
    hcrc: true,
  });
  for (let n = 0; n < bytes.length; n++) {
    assert.equal(parseGzipHeader(bytes.subarray(0, n)), null, `cut at ${n}`);
  }
  assert.equal(parseGzipHeader(bytes)?.length, bytes.length);
});

Deno.test("parseGzipHeader rejects bad magic, unknown methods, reserved flags and a bad header CRC", () => {
  const kind = (b: Uint8Array) => (thrown(() => parseGzipHeader(b)) as ZipDataError).kind;
  assert.equal(kind(hex("1f 8c")), "format");
  assert.equal(kind(hex("50 4b 03 04")), "format");
  assert.equal(kind(hex("1f 8b 07 00")), "header");
  assert.equal(kind(hex("1f 8b 08 20 00 00 00 00 00 03")), "header");
  const withCrc = encodeGzipHeader({ mtime: 0, os: 3, hcrc: true });
  withCrc[withCrc.length - 1]! ^= 0xff;
  const err = thrown(() => parseGzipHeader(withCrc));
  assert.ok(err instanceof ZipDataError);
  assert.equal(err.kind, "header");
  assert.match(err.message, /header CRC16/);
});
