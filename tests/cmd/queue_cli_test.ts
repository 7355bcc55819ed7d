import assert from "node:assert/strict";
import { runWdSim } from "../fixtures/run_wd.ts";

Deno.test("wd queue alloc reports the queue the kernel gave and releases it", async () => {
  const r = await runWdSim("v2", ["queue", "alloc", "hisi_zip-4", "--json"]);
  assert.equal(r.code, 0, r.err);
  const rec = JSON.parse(r.out);
  assert.equal(rec.device, "hisi_zip-4");
  assert.equal(rec.qid, 0);
  assert.equal(rec.qc_type, 0);
  assert.equal(rec.sqe_size, 128);
  assert.equal(rec.sq_depth, 1024);
  assert.equal(rec.cq_depth, 1024);
  assert.equal(rec.qp_info_from_kernel, true);
  assert.equal(rec.dus_size % rec.page_size, 0);
  assert.deepEqual([rec.available_before, rec.available_during, rec.available_after], [64, 63, 64]);
  assert.deepEqual(r.free, [64, 64]);
});

Deno.test("wd queue alloc --type decompress and the text form", async () => {
  const r = await runWdSim("v2", ["queue", "alloc", "/dev/hisi_zip-5", "--type", "decompress"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^hisi_zip-5 queue 0 \(decompression\), released\n/);
  assert.match(r.out, /free queues {3}64 before, 63 while held, 64 after release/);
});

Deno.test("wd queue alloc on a busy or isolated device exits 5 or 6 with the reason", async () => {
  const busy = await runWdSim("v2,busy", ["queue", "alloc", "hisi_zip-4"]);
  assert.equal(busy.code, 5);
  assert.match(busy.err, /all its queues are in use \(EBUSY\)/);
  const iso = await runWdSim("v2,isolated", ["queue", "alloc", "hisi_zip-4"]);
  assert.equal(iso.code, 6);
  assert.match(iso.err, /isolated it after hardware errors/);
  const missing = await runWdSim("v2", ["queue", "alloc", "hisi_zip-9"]);
  assert.equal(missing.code, 3);
});

Deno.test("wd queue test round-trips every request and reports numbers", async () => {
  const r = await runWdSim("v2", [
    "queue",
    "test",
    "hisi_zip-4",
    "--size",
    "16K",
    "--count",
    "40",
    "--json",
  ]);
  assert.equal(r.code, 0, r.err);
  const rec = JSON.parse(r.out);
  assert.equal(rec.alg, "gzip");
  assert.equal(rec.size, 16384);
  assert.equal(rec.verified, 40);
  assert.deepEqual(rec.failures, []);
  assert.ok(rec.ratio > 1);
  assert.ok(rec.compress_mbps > 0 && rec.decompress_mbps > 0);
  assert.equal(rec.available_after, 64);
});

Deno.test("wd queue test checks the algorithm against the device and the size against the engine", async () => {
  const alg = await runWdSim("v2", ["queue", "test", "hisi_zip-4", "--alg", "deflate"]);
  assert.equal(alg.code, 6);
  assert.match(alg.err, /"deflate": not offered/);
  assert.match(alg.err, /it offers: zlib, gzip/);
  const v3 = await runWdSim("v3", [
    "queue",
    "test",
    "hisi_zip-2",
    "--alg",
    "deflate",
    "--count",
    "5",
  ]);
  assert.equal(v3.code, 0, v3.err);
  const big = await runWdSim("v2", ["queue", "test", "hisi_zip-4", "--size", "9M"]);
  assert.equal(big.code, 2);
  const bad = await runWdSim("v2", ["queue", "test", "hisi_zip-4", "--size", "lots"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /"lots" is not a size/);
});

Deno.test("wd queue test on a queue that dies reports it and gives the queues back", async () => {
  const r = await runWdSim("v2,ds_rx@3", ["queue", "test", "hisi_zip-4", "--count", "10"]);
  assert.equal(r.code, 1);
  assert.match(r.err, /stopped by the device \(ds_rx\)|receive side is disabled/);
  assert.deepEqual(r.free, [64, 64]);
});
