// gzip's answers for its options and usage errors: what GNU gzip's own tests expect of it
// (written from gzip's documented behaviour, not copied from its tests).
// Fixtures are files set up and read back synchronously; blocking a test's event loop is harmless.
// deno-lint-ignore-file no-sync-fn-in-async-fn
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { gzipVariable } from "../../src/cmd/zip/command.ts";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { pipeThrough, textLike } from "../zip/zip_helpers.ts";

const WD = new URL("../../bin/wd", import.meta.url).pathname;

function setup(name = "F", data = textLike(50_000)) {
  const t = FakeRoot.create();
  const dir = t.path("data");
  Deno.mkdirSync(dir);
  Deno.writeFileSync(`${dir}/${name}`, data);
  return { t, dir, file: `${dir}/${name}`, data };
}

const ls = (dir: string) => Array.from(Deno.readDirSync(dir), (e) => e.name).sort();

Deno.test("a usage error of wd zip is an error (exit 1), as gzip's are; the input stays", async () => {
  const { t, dir, file } = setup();
  using _ = t;
  assert.equal((await runWd(t, ["zip", "-k", file])).code, 0);
  Deno.removeSync(file);
  for (
    const [args, message] of [
      [["unzip", "-S", "", `${file}.gz`], /Invalid suffix ''/],
      [["unzip", "-S", "/x", `${file}.gz`], /cannot contain '\//],
      [["zip", "--bogus", `${file}.gz`], /unknown option '--bogus'/],
      [["zip", "-S", "x".repeat(31), `${file}.gz`], /Invalid suffix/],
    ] as const
  ) {
    const r = await runWd(t, [...args]);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, message);
    assert.deepEqual(ls(dir), ["F.gz"], "nothing written, nothing removed");
  }
  assert.equal((await runWd(t, ["list", "--bogus"])).code, 2, "wd's other commands keep 2");
});

Deno.test("gzip's other spellings and options: --to-stdout, --uncompress, --silent, -a, -H, -L, --synchronous", async () => {
  const { t, file, data } = setup();
  using _ = t;
  const z = await runWd(t, ["zip", "--to-stdout", "--synchronous", file]);
  assert.equal(z.code, 0, z.err);
  assert.deepEqual(new Uint8Array(zlib.gunzipSync(z.bytes)), data);
  Deno.writeFileSync(`${file}.gz`, z.bytes);
  const u = await runWd(t, ["zip", "--uncompress", "--silent", "-c", `${file}.gz`]);
  assert.deepEqual(u.bytes, data);
  const a = await runWd(t, ["zip", "-a", "-c", file]);
  assert.equal(a.code, 0);
  assert.match(a.err, /option --ascii ignored on this system/);
  assert.doesNotMatch((await runWd(t, ["zip", "-aq", "-c", file])).err, /ascii/);
  const h = await runWd(t, ["zip", "-H"]);
  assert.equal(h.code, 0);
  assert.match(h.out, /^Usage: wd zip \[options\] \[files\.\.\.\]/);
  const l = await runWd(t, ["unzip", "-L"]);
  assert.equal(l.code, 0);
  assert.match(l.out, /Apache License, Version 2\.0/);
});

Deno.test("---presume-input-tty makes stdin a terminal: compressed data is not read from it", async () => {
  const r = await pipeThrough(WD, ["unzip", "---presume-input-tty"], zlib.gzipSync("x"));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Compressed data not read from a terminal/);
});

Deno.test("GZIP in the environment: only the level, --rsyncable and --synchronous count", () => {
  assert.deepEqual(gzipVariable("-9"), { level: 9 });
  assert.deepEqual(gzipVariable("--fast --rsyncable"), { level: 1, rsyncable: true });
  assert.deepEqual(gzipVariable(" -k9c  --synchronous"), { level: 9, synchronous: true });
  for (
    const bad of [
      "--",
      "-c",
      "--stdout",
      "-d",
      "-f",
      "-h",
      "-l",
      "-n",
      "-q",
      "-Sxxx",
      "-S9",
      "-t",
      "-v",
      "-V",
    ]
  ) {
    assert.deepEqual(gzipVariable(bad), {}, bad);
  }
  assert.deepEqual(gzipVariable(undefined), {});
});

Deno.test("GZIP=-9 compresses at level 9 unless the command line says otherwise; GZIP=-d is ignored", async () => {
  const data = textLike(200_000);
  const xfl = async (args: string[], gz: string) =>
    (await pipeThrough(WD, ["zip", ...args], data, { GZIP: gz })).stdout[8];
  assert.equal(await xfl([], "-9"), 2, "level 9 sets XFL 2");
  assert.equal(await xfl(["-1"], "-9"), 4, "the command line wins");
  const r = await pipeThrough(WD, ["zip"], data, { GZIP: "-d -c --bogus" });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(new Uint8Array(zlib.gunzipSync(r.stdout)), data, "still compresses");
});

Deno.test("a timestamp gzip cannot store is stored as 0 with gzip's warning (exit 2)", async () => {
  for (const date of ["1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z", "2106-02-07T06:28:16Z"]) {
    const { t, file } = setup("in");
    using _ = t;
    Deno.utimeSync(file, new Date(date), new Date(date));
    const r = await runWd(t, ["zip", "-k", file]);
    assert.equal(r.code, 2, `${date}: ${r.err}`);
    assert.match(r.err, /in: file timestamp out of range for gzip format/);
    const gz = Deno.readFileSync(`${file}.gz`);
    assert.deepEqual(Array.from(gz.subarray(4, 8)), [0, 0, 0, 0], date);
    const quiet = await runWd(t, ["zip", "-kfn", file]);
    assert.equal(quiet.code, 0, "-n stores no time, and warns of none");
  }
  const { t, file } = setup("in");
  using _ = t;
  Deno.utimeSync(file, new Date("2106-02-07T06:28:15Z"), new Date("2106-02-07T06:28:15Z"));
  const last = await runWd(t, ["zip", "-k", file]);
  assert.equal(last.code, 0, "the last second gzip can store");
  assert.deepEqual(Array.from(Deno.readFileSync(`${file}.gz`).subarray(4, 8)), [
    255,
    255,
    255,
    255,
  ]);
});

Deno.test("suffixes are matched whatever their case: A.GZ becomes A", async () => {
  const { t, dir, file } = setup("A");
  using _ = t;
  await runWd(t, ["zip", file]);
  Deno.renameSync(`${file}.gz`, `${dir}/A.GZ`);
  const r = await runWd(t, ["unzip", `${dir}/A.GZ`]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(ls(dir), ["A"]);
});

Deno.test("wd unzip -c with stdout closed fails as gzip does, not silently", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeFileSync(`${dir}/x.gz`, zlib.gzipSync("hello"));
    const r = await new Deno.Command("sh", {
      args: ["-c", `exec "$0" unzip -c "$1" >&-`, WD, `${dir}/x.gz`],
      stderr: "piped",
    }).output();
    assert.equal(r.code, 1);
    assert.match(new TextDecoder().decode(r.stderr), /stdout.*bad file descriptor \(EBADF\)/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("-l counts every member, whatever records its length, and a corrupt file is an error", async () => {
  const { t, dir } = setup();
  using _ = t;
  const small = zlib.gzipSync("\n");
  Deno.writeFileSync(`${dir}/smallx2.gz`, new Uint8Array([...small, ...small]));
  const many = new Uint8Array(Array.from({ length: 1000 }, () => [...zlib.gzipSync("y")]).flat());
  Deno.writeFileSync(`${dir}/many.gz`, many);
  const l = await runWd(t, ["zip", "-l", `${dir}/smallx2.gz`, `${dir}/many.gz`]);
  assert.equal(l.code, 0, l.err);
  const rows = l.out.trim().split("\n").map((r) => r.trim().split(/\s+/));
  assert.deepEqual(rows[1]!.slice(0, 2), [String(2 * small.length), "2"]);
  assert.equal(rows[1]![3], `${dir}/smallx2`);
  assert.deepEqual(rows[2]!.slice(0, 2), [String(many.length), "1000"]);
  assert.match(l.out, /\(totals\)\n$/);
  const bad = zlib.gzipSync(textLike(10_000));
  bad[bad.length - 6]! ^= 1;
  Deno.writeFileSync(`${dir}/bad.gz`, bad);
  const b = await runWd(t, ["zip", "-l", `${dir}/bad.gz`]);
  assert.equal(b.code, 1);
  assert.match(b.err, /crc error/);
  Deno.writeFileSync(`${dir}/plain`, textLike(100));
  assert.equal((await runWd(t, ["zip", "-l", `${dir}/plain`])).code, 1, "not in gzip format");
  Deno.writeFileSync(`${dir}/tail.gz`, new Uint8Array([...small, 0x41, 0x42, 0x43]));
  const g = await runWd(t, ["zip", "-l", `${dir}/tail.gz`]);
  assert.equal(g.code, 2, "trailing garbage is a warning");
  assert.match(g.out, /\s1 .*tail$/m);
});

Deno.test("-l lists standard input, with the stored name and time under -N", async () => {
  const y2106 = new Uint8Array([
    0x1f,
    0x8b,
    8,
    0,
    0xff,
    0xff,
    0xff,
    0xff,
    0,
    0xff,
    3,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
  ]);
  const r = await pipeThrough(WD, ["unzip", "-Nlv"], y2106, { TZ: "UTC0" });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    new TextDecoder().decode(r.stdout),
    /defla 00000000 Feb {2}7 06:28\s+20\s+0\s+0\.0% stdout/,
  );
});

Deno.test("ratios round as gzip's printf does: an exact tie to the even digit", async () => {
  const { ratioText } = await import("../../src/cmd/zip/report.ts");
  assert.equal(ratioText(100, 47.75), " 52.2%"); // 52.25 exactly: printf gives 52.2
  assert.equal(ratioText(100, 47.25), " 52.8%"); // 52.75 exactly: 52.8
  assert.equal(ratioText(3, 1), " 66.7%");
  assert.equal(ratioText(0, 0), "  0.0%");
  assert.equal(ratioText(3, 4), "-33.3%");
});
