// Fixtures are set up and read back synchronously; blocking a test's event loop is harmless.
// deno-lint-ignore-file no-sync-fn-in-async-fn
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

Deno.test("wd queue test sees a device that corrupts a result, whichever run it falls in", async () => {
  for (const at of [2, 4, 150]) {
    const r = await runWdSim(`v2,corrupt@${at}`, [
      "queue",
      "test",
      "hisi_zip-4",
      "--size",
      "4K",
      "--count",
      "60",
      "--json",
    ]);
    assert.equal(r.code, 1, `corrupt@${at}: ${r.out}`);
    const rec = JSON.parse(r.out);
    assert.equal(rec.verified, 59, `corrupt@${at}`);
    assert.equal(rec.failures.length, 1);
    assert.match(rec.failures[0], /^request \d+: .* \((warm-up|latency run|throughput run)\)$/);
  }
});

Deno.test("wd queue test keeps --in-flight within the queue's depth and says so", async () => {
  const r = await runWdSim("v2", [
    "queue",
    "test",
    "hisi_zip-4",
    "--size",
    "1K",
    "--count",
    "20",
    "--in-flight",
    "100000",
    "--json",
  ]);
  assert.equal(r.code, 0, r.err);
  const rec = JSON.parse(r.out);
  assert.equal(rec.in_flight_requested, 100000);
  assert.equal(rec.in_flight, 1024);
  assert.equal(rec.in_flight_limit, "the queue is 1024 deep");
  const text = await runWdSim("v2", [
    "queue",
    "test",
    "hisi_zip-4",
    "--size",
    "8M",
    "--count",
    "2",
  ]);
  assert.equal(text.code, 0, text.err);
  assert.match(
    text.out,
    /, \d+ in flight \(32 asked; \d+ × 8388608-byte requests fill the 256 MiB budget\)/,
  );
});

Deno.test("wd queue test on a device with one free queue says it needs two, not who holds it", async () => {
  const r = await runWdSim("v2,queues=1", ["queue", "test", "hisi_zip-4"]);
  assert.equal(r.code, 5);
  assert.match(
    r.err,
    /second queue on "hisi_zip-4": its only free queue is the one this test holds/,
  );
  assert.doesNotMatch(r.err, /fuser/);
  assert.deepEqual(r.free, [1, 1]);
});

Deno.test("wd queue test stops on SIGTERM at once, in bounded memory, leaving no model tree", async () => {
  const tmp = Deno.makeTempDirSync();
  try {
    const wd = new URL("../../bin/wd", import.meta.url).pathname;
    const p = new Deno.Command(wd, {
      args: ["--sim", "queue", "test", "hisi_zip-4", "--size", "8M", "--count", "100000"],
      env: { TMPDIR: tmp },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await new Promise((r) => setTimeout(r, 3000));
    const hwm = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${p.pid}/status`));
    const sent = performance.now();
    p.kill("SIGTERM");
    const status = await p.status;
    const took = performance.now() - sent;
    await p.stderr.cancel();
    assert.equal(status.code, 143);
    // Generous bounds: the outside probe saw 30 s and 7.8 GB before the fix.
    assert.ok(took < 5000, `exited ${took.toFixed(0)} ms after SIGTERM`);
    assert.ok(Number(hwm?.[1]) < 1 << 20, `peak RSS ${hwm?.[1]} kB`);
    assert.deepEqual(Array.from(Deno.readDirSync(tmp)), [], "the model's tree is gone");
    // A run killed outright leaves its tree; the next start removes it.
    const k = new Deno.Command(wd, {
      args: ["--sim", "queue", "test", "hisi_zip-4", "--count", "100000"],
      env: { TMPDIR: tmp },
      stdout: "null",
      stderr: "null",
    }).spawn();
    while (Array.from(Deno.readDirSync(tmp)).length === 0) {
      await new Promise((r) => setTimeout(r, 20));
    }
    k.kill("SIGKILL");
    await k.status;
    assert.equal(Array.from(Deno.readDirSync(tmp)).length, 1, "SIGKILL leaves the tree");
    const next = await new Deno.Command(wd, {
      args: ["--sim", "list"],
      env: { TMPDIR: tmp },
      stdout: "null",
    }).output();
    assert.equal(next.code, 0);
    assert.deepEqual(Array.from(Deno.readDirSync(tmp)), [], "the next start removed it");
  } finally {
    Deno.removeSync(tmp, { recursive: true });
  }
});
