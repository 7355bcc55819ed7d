// Fixtures are files set up and read back synchronously; blocking a test's event loop is harmless.
// deno-lint-ignore-file no-sync-fn-in-async-fn
import assert from "node:assert/strict";
import zlib from "node:zlib";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { kunpeng920 } from "../../src/testing/uacce_machines.ts";
import { concat, have, recordedMember, textLike } from "../zip/zip_helpers.ts";

const MTIME = new Date("2020-01-02T03:04:05Z");

/** A machine without accelerators, and a data directory with one file in it. */
function setup(name = "notes.txt", data = textLike(300_000)) {
  const t = FakeRoot.create();
  const dir = t.path("data");
  Deno.mkdirSync(dir);
  const file = `${dir}/${name}`;
  Deno.writeFileSync(file, data, { mode: 0o640 });
  Deno.chmodSync(file, 0o640);
  Deno.utimeSync(file, MTIME, MTIME);
  return { t, dir, file, data };
}

function ls(dir: string): string[] {
  return Array.from(Deno.readDirSync(dir), (e) => e.name).sort();
}

Deno.test("wd zip replaces a file with F.gz carrying its mode and mtime, and wd unzip restores it", async () => {
  const { t, dir, file, data } = setup();
  using _ = t;
  const z = await runWd(t, ["zip", file]);
  assert.equal(z.code, 0, z.err);
  assert.deepEqual(ls(dir), ["notes.txt.gz"]);
  const st = Deno.statSync(`${file}.gz`);
  assert.equal(st.mode! & 0o7777, 0o640);
  assert.equal(st.mtime?.getTime(), MTIME.getTime());
  const gz = Deno.readFileSync(`${file}.gz`);
  assert.deepEqual(new Uint8Array(zlib.gunzipSync(gz)), data);
  assert.deepEqual(Array.from(gz.subarray(0, 4)), [0x1f, 0x8b, 8, 8]); // FNAME set
  if (Deno.uid() === 0) {
    Deno.chownSync(`${file}.gz`, 1234, 5678); // root carries the owner over, as gzip does
  }
  const u = await runWd(t, ["unzip", `${file}.gz`]);
  assert.equal(u.code, 0, u.err);
  assert.deepEqual(ls(dir), ["notes.txt"]);
  if (Deno.uid() === 0) {
    assert.deepEqual([Deno.statSync(file).uid, Deno.statSync(file).gid], [1234, 5678]);
  }
  assert.deepEqual(Deno.readFileSync(file), data);
  assert.equal(Deno.statSync(file).mode! & 0o7777, 0o640);
  assert.equal(Deno.statSync(file).mtime?.getTime(), MTIME.getTime());
});

Deno.test("wd zip -k keeps the input and -c writes to stdout without touching files", async () => {
  const { t, dir, file, data } = setup();
  using _ = t;
  assert.equal((await runWd(t, ["zip", "-k", file])).code, 0);
  assert.deepEqual(ls(dir), ["notes.txt", "notes.txt.gz"]);
  const c = await runWd(t, ["unzip", "-c", `${file}.gz`]);
  assert.equal(c.code, 0);
  assert.equal(c.out, new TextDecoder().decode(data));
  assert.deepEqual(ls(dir), ["notes.txt", "notes.txt.gz"]);
});

Deno.test("wd zip leaves an existing output alone (exit 2) unless -f", async () => {
  const { t, dir, file } = setup();
  using _ = t;
  Deno.writeTextFileSync(`${file}.gz`, "precious");
  const r = await runWd(t, ["zip", file]);
  assert.equal(r.code, 2);
  assert.match(r.err, /notes\.txt\.gz already exists; not overwritten/);
  assert.equal(Deno.readTextFileSync(`${file}.gz`), "precious");
  assert.deepEqual(ls(dir), ["notes.txt", "notes.txt.gz"]);
  assert.equal((await runWd(t, ["zip", "-f", file])).code, 0);
  assert.deepEqual(ls(dir), ["notes.txt.gz"]);
  assert.notEqual(Deno.readTextFileSync(`${file}.gz`), "precious");
});

Deno.test("wd unzip of a truncated or corrupt file exits 1, keeps the input and leaves no output", async () => {
  const { t, dir, file, data } = setup("x");
  using _ = t;
  const gz = new Uint8Array(zlib.gzipSync(data));
  Deno.removeSync(file);
  Deno.writeFileSync(`${file}.gz`, gz.subarray(0, gz.length - 20));
  const r = await runWd(t, ["unzip", `${file}.gz`]);
  assert.equal(r.code, 1);
  assert.match(r.err, /Cannot decompress ".*x\.gz": unexpected end of file/);
  assert.deepEqual(ls(dir), ["x.gz"]);
  const bad = gz.slice();
  bad[bad.length - 6]! ^= 0xff;
  Deno.writeFileSync(`${file}.gz`, bad);
  const t1 = await runWd(t, ["unzip", "-t", `${file}.gz`]);
  assert.equal(t1.code, 1);
  assert.match(t1.err, /crc error/);
  assert.deepEqual(ls(dir), ["x.gz"]);
});

Deno.test("wd unzip keeps the data before trailing garbage and warns with exit 2, as gzip", async () => {
  const { t, dir, file, data } = setup("g");
  using _ = t;
  Deno.removeSync(file);
  Deno.writeFileSync(`${file}.gz`, new Uint8Array([...zlib.gzipSync(data), 1, 2, 3]));
  const r = await runWd(t, ["unzip", `${file}.gz`]);
  assert.equal(r.code, 2);
  assert.match(r.err, /decompression OK, trailing garbage ignored/);
  assert.deepEqual(ls(dir), ["g"]);
  assert.deepEqual(Deno.readFileSync(file), data);
});

Deno.test("wd zip -t -v says OK per file; -l prints gzip's columns and totals", async () => {
  const { t, dir, file } = setup("a", new TextEncoder().encode("hello\n"));
  using _ = t;
  Deno.writeFileSync(`${dir}/b`, new Uint8Array(0));
  assert.equal((await runWd(t, ["zip", file, `${dir}/b`])).code, 0);
  const v = await runWd(t, ["zip", "-tv", `${file}.gz`]);
  assert.equal(v.code, 0);
  assert.match(v.err, /a\.gz:\t OK\n/);
  const l = await runWd(t, ["zip", "-l", `${file}.gz`, `${dir}/b.gz`]);
  assert.equal(
    l.out.replaceAll(dir, "<dir>"),
    [
      "         compressed        uncompressed  ratio uncompressed_name",
      "                 28                   6 -33.3% <dir>/a",
      "                 22                   0   0.0% <dir>/b",
      "                 50                   6 -400.0% (totals)",
      "",
    ].join("\n"),
  );
});

Deno.test("wd unzip -N restores the stored name and time; wd zip -n stores neither", async () => {
  const { t, dir, file, data } = setup("original.txt");
  using _ = t;
  assert.equal((await runWd(t, ["zip", file])).code, 0);
  Deno.renameSync(`${file}.gz`, `${dir}/renamed.gz`);
  Deno.utimeSync(`${dir}/renamed.gz`, new Date(), new Date());
  assert.equal((await runWd(t, ["unzip", "-N", `${dir}/renamed.gz`])).code, 0);
  assert.deepEqual(ls(dir), ["original.txt"]);
  assert.equal(Deno.statSync(file).mtime?.getTime(), MTIME.getTime());
  assert.deepEqual(Deno.readFileSync(file), data);
  assert.equal((await runWd(t, ["zip", "-n", file])).code, 0);
  assert.deepEqual(
    Array.from(Deno.readFileSync(`${file}.gz`).subarray(3, 8)),
    [0, 0, 0, 0, 0], // no FNAME, mtime 0
  );
});

Deno.test("wd zip -1 and -9 set the header's speed flag; the last level given wins", async () => {
  const { t, file } = setup();
  using _ = t;
  const xfl = async (...levels: string[]) => {
    const r = await runWd(t, ["zip", "-kf", ...levels, file]);
    assert.equal(r.code, 0, r.err);
    return Deno.readFileSync(`${file}.gz`)[8];
  };
  assert.equal(await xfl("-1"), 4);
  assert.equal(await xfl("--best"), 2);
  assert.equal(await xfl(), 0);
  assert.equal(await xfl("-9", "-1"), 4);
  assert.equal(await xfl("-1", "-5", "-9"), 2);
});

Deno.test("wd zip -r compresses a tree and wd unzip -r restores it, skipping what does not apply", async () => {
  const { t, dir } = setup("top");
  using _ = t;
  Deno.mkdirSync(`${dir}/sub`);
  Deno.writeTextFileSync(`${dir}/sub/inner`, "inner\n");
  Deno.writeFileSync(`${dir}/sub/done.gz`, zlib.gzipSync("x"));
  const z = await runWd(t, ["zip", "-r", dir]);
  assert.equal(z.code, 0, z.err);
  assert.deepEqual(ls(dir), ["sub", "top.gz"]);
  assert.deepEqual(ls(`${dir}/sub`), ["done.gz", "inner.gz"]);
  const u = await runWd(t, ["unzip", "-r", dir]);
  assert.equal(u.code, 0, u.err);
  assert.deepEqual(ls(`${dir}/sub`), ["done", "inner"]);
  const plain = await runWd(t, ["zip", dir]);
  assert.equal(plain.code, 2);
  assert.match(plain.err, /is a directory -- ignored/);
});

Deno.test("wd zip -S and .tgz name files as gzip does", async () => {
  const { t, dir, file } = setup("a.tar");
  using _ = t;
  assert.equal((await runWd(t, ["zip", "-S", ".tgz", file])).code, 0);
  assert.deepEqual(ls(dir), ["a.tar.tgz"]);
  Deno.renameSync(`${dir}/a.tar.tgz`, `${dir}/b.tgz`);
  assert.equal((await runWd(t, ["unzip", `${dir}/b.tgz`])).code, 0);
  assert.deepEqual(ls(dir), ["b.tar"]);
  const none = await runWd(t, ["unzip", `${dir}/b.tar`]);
  assert.equal(none.code, 2);
  assert.match(none.err, /unknown suffix -- ignored/);
  assert.equal((await runWd(t, ["zip", `${dir}/b.tar`])).code, 0);
  assert.equal((await runWd(t, ["unzip", `${dir}/b.tar`])).code, 0); // finds b.tar.gz
  assert.deepEqual(ls(dir), ["b.tar"]);
});

Deno.test("wd zip refuses symlinks without -f, and compressed data for a terminal", async () => {
  const { t, dir, file } = setup();
  using _ = t;
  Deno.symlinkSync(file, `${dir}/link`);
  const l = await runWd(t, ["zip", `${dir}/link`]);
  assert.equal(l.code, 1);
  assert.match(l.err, /symbolic link/);
  const tty = await runWd(t, ["zip", "-c", file], { terminal: true });
  assert.equal(tty.code, 1);
  assert.match(tty.err, /Compressed data not written to a terminal/);
  assert.equal(tty.out, "");
});

Deno.test("wd zip --engine hw without a ZIP device exits 6 and says why; -v names the engine", async () => {
  const { t, dir, file } = setup();
  using _ = t;
  const hw = await runWd(t, ["zip", "--engine", "hw", file]);
  assert.equal(hw.code, 6);
  assert.match(hw.err, /Cannot use the hardware engine: no ZIP device found/);
  assert.deepEqual(ls(dir), ["notes.txt"]);
  const v = await runWd(t, ["zip", "-v", file]);
  assert.equal(v.code, 0);
  assert.match(v.err, /wd: engine: sw \(software: no ZIP device found/);
  assert.match(v.err, /notes\.txt:\t [ \d.]+% -- replaced with .*notes\.txt\.gz/);
});

Deno.test("wd zip --format zlib writes .zz, which wd unzip recognises by itself", async () => {
  const { t, dir, file, data } = setup("z");
  using _ = t;
  assert.equal((await runWd(t, ["zip", "--format", "zlib", file])).code, 0);
  assert.deepEqual(ls(dir), ["z.zz"]);
  assert.deepEqual(new Uint8Array(zlib.inflateSync(Deno.readFileSync(`${file}.zz`))), data);
  assert.equal((await runWd(t, ["unzip", `${file}.zz`])).code, 0);
  assert.deepEqual(Deno.readFileSync(file), data);
});

Deno.test({
  name: "gzip 1.12 reads what wd zip writes, byte for byte, and wd reads what gzip writes",
  ignore: !have("gzip"),
  async fn() {
    const { t, dir, file, data } = setup("peer");
    using _ = t;
    assert.equal((await runWd(t, ["zip", "-k", file])).code, 0);
    const out = new Deno.Command("gzip", { args: ["-dc", `${file}.gz`], stdout: "piped" })
      .outputSync();
    assert.ok(out.success);
    assert.deepEqual(out.stdout, data);
    Deno.removeSync(`${file}.gz`);
    new Deno.Command("gzip", { args: ["-k", file] }).outputSync();
    Deno.removeSync(file);
    assert.equal((await runWd(t, ["unzip", `${file}.gz`])).code, 0);
    assert.deepEqual(Deno.readFileSync(file), data);
    assert.deepEqual(ls(dir), ["peer"]);
  },
});

Deno.test("wd zip --engine hw names why each device failed; auto falls back and says why", async () => {
  const { t, file } = setup();
  using _ = t;
  kunpeng920(t); // its /dev nodes are plain files: the queue ioctls fail with ENOTTY
  const hw = await runWd(t, ["zip", "--engine", "hw", file]);
  assert.equal(hw.code, 6);
  assert.match(
    hw.err,
    /Cannot use the hardware engine: hisi_zip-4: cannot set the queue type: .*hisi_zip-4 is not a uacce device node \(ENOTTY\); hisi_zip-5: /,
  );
  const missing = await runWd(t, ["zip", "--engine", "hw", "--device", "hisi_zip-9", file]);
  assert.equal(missing.code, 3);
  assert.match(missing.err, /Cannot find uacce device "hisi_zip-9"/);
  const auto = await runWd(t, ["zip", "-v", "-k", file], { sys: { cpus: [0, 1] } });
  assert.equal(auto.code, 0);
  assert.match(
    auto.err,
    /wd: engine: sw \(software: hisi_zip-4: cannot set the queue type: .*; hisi_zip-5: on NUMA node 1, not where wd runs/,
  );
});

Deno.test("wd zip --progress prints a progress line on stderr even when it is not a terminal", async () => {
  const { t, file } = setup();
  using _ = t;
  const r = await runWd(t, ["zip", "-c", "--progress", file]);
  assert.equal(r.code, 0);
  assert.match(r.err, /^wd: .*notes\.txt {2}[\d.]+ MB {2}[\d.]+ MB\/s {2}ratio [\d.-]+/m);
  const quiet = await runWd(t, ["zip", "-c", file]);
  assert.equal(quiet.err, "");
});

Deno.test("wd zip -l adds up every member of a file whose members record their lengths", async () => {
  const { t, dir } = setup("m");
  using _ = t;
  const a = textLike(100_000, 1);
  const b = textLike(50_000, 2);
  const file = concat(recordedMember(a), recordedMember(b));
  Deno.writeFileSync(`${dir}/multi.gz`, file);
  const l = await runWd(t, ["zip", "-l", `${dir}/multi.gz`]);
  assert.equal(l.code, 0, l.err);
  const row = l.out.split("\n")[1]!.trim().split(/\s+/);
  assert.deepEqual(row.slice(0, 2), [String(file.length), String(a.length + b.length)]);
  const u = await runWd(t, ["unzip", "-c", `${dir}/multi.gz`]);
  assert.equal(u.out.length, a.length + b.length);
});
