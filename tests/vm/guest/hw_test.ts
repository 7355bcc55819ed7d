// wd's own hardware path through the real uacce core: wd queue alloc and test, wd zip and
// wd unzip --engine hw round trips checked against software, queue exhaustion (EBUSY and the
// fallback to software), and queues given back on close and on SIGINT.
import assert from "node:assert/strict";
import { gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import { processEnv } from "../../../src/env.ts";
import { findDevice } from "../../../src/drivers/uacce/discover.ts";
import { UacceQueue } from "../../../src/drivers/uacce/queue.ts";
import { freeQueues, vmTest, waitFor, wd, wdProcess, ZIP_V2, ZIP_V3 } from "./guest.ts";
import { text } from "./jobs.ts";

const TEST = { WD_TEST_DEVICES: "*" };
const DIR = Deno.makeTempDirSync({ prefix: "wd-hw-" });
const DATA = text(700_000);
Deno.writeFileSync(`${DIR}/data.txt`, DATA);

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

vmTest(
  "wd queue alloc refuses the non-SVA test device unless WD_TEST_DEVICES names it",
  async () => {
    const refused = await wd(["queue", "alloc", ZIP_V2]);
    assert.equal(refused.code, 6);
    assert.match(refused.err, /it has no SVA/);
    assert.match(refused.err, /WD_TEST_DEVICES=hisi_zip-0/);
    const before = freeQueues(ZIP_V2);
    const r = await wd(["queue", "alloc", ZIP_V2, "--json"], TEST);
    assert.equal(r.code, 0, r.err);
    const rec = JSON.parse(r.out);
    assert.deepEqual([rec.sqe_size, rec.sq_depth, rec.cq_depth, rec.qp_info_from_kernel], [
      128,
      1024,
      1024,
      true,
    ]);
    assert.equal(
      rec.dus_size,
      Number(await Deno.readTextFile(`/sys/class/uacce/${ZIP_V2}/region_dus_size`)),
    );
    assert.deepEqual([rec.available_before, rec.available_during, rec.available_after], [
      before,
      before - 1,
      before,
    ]);
    assert.equal(freeQueues(ZIP_V2), before);
  },
);

vmTest("wd queue test round-trips every algorithm on the real core, byte-exact", async () => {
  for (const [device, alg] of [[ZIP_V2, "gzip"], [ZIP_V2, "zlib"], [ZIP_V3, "deflate"]]) {
    const r = await wd([
      "queue",
      "test",
      device!,
      "--alg",
      alg!,
      "--size",
      "32K",
      "--count",
      "24",
      "--json",
    ], TEST);
    assert.equal(r.code, 0, r.err);
    const rec = JSON.parse(r.out);
    assert.equal(rec.verified, 24, `${device} ${alg}`);
    assert.deepEqual(rec.failures, []);
  }
  const bad = await wd(["queue", "test", ZIP_V2, "--alg", "deflate"], TEST);
  assert.equal(bad.code, 6, "v2 does not list deflate");
});

vmTest(
  "wd zip and wd unzip --engine hw round-trip through the real core; software agrees",
  async () => {
    const cases = [[ZIP_V2, "gzip"], [ZIP_V2, "zlib"], [ZIP_V3, "deflate"], [
      ZIP_V3,
      "gzip",
    ]] as const;
    for (const [device, format] of cases) {
      const dir = `${DIR}/${device}-${format}`;
      await Deno.mkdir(dir);
      await Deno.writeFile(`${dir}/data.txt`, DATA);
      const args = ["--engine", "hw", "--device", device, "--format", format, "-S", ".z", "-v"];
      const z = await wd(["zip", ...args, `${dir}/data.txt`], TEST);
      assert.equal(z.code, 0, z.err);
      assert.match(z.err, new RegExp(`engine: hw \\(${device} lists ${format}`));
      const packed = await Deno.readFile(`${dir}/data.txt.z`);
      assert.ok(
        packed.length < DATA.length,
        `${device} ${format}: the fake device really compresses`,
      );
      const soft = format === "gzip"
        ? gunzipSync(packed)
        : format === "zlib"
        ? inflateSync(packed)
        : inflateRawSync(packed);
      assert.ok(
        same(new Uint8Array(soft), DATA),
        `${device} ${format}: node:zlib reads the device's output`,
      );
      const u = await wd(["unzip", ...args, `${dir}/data.txt.z`], TEST);
      assert.equal(u.code, 0, u.err);
      assert.ok(
        same(await Deno.readFile(`${dir}/data.txt`), DATA),
        `${device} ${format}: wd unzip --engine hw`,
      );
    }
  },
);

vmTest(
  "all queues taken: --engine hw exits 5 (EBUSY), auto continues in software and says why",
  async () => {
    const env = {
      ...processEnv({ root: "/" }),
      getenv: (n: string) => n === "WD_TEST_DEVICES" ? "*" : undefined,
    };
    const device = findDevice(env, ZIP_V2);
    const held: UacceQueue[] = [];
    try {
      for (;;) {
        try {
          held.push(UacceQueue.open(env, device, { direction: "compress" }));
        } catch (err) {
          assert.match(String(err), /EBUSY/);
          break;
        }
      }
      assert.equal(freeQueues(ZIP_V2), 0);
      const dir = `${DIR}/busy`;
      await Deno.mkdir(dir);
      await Deno.writeFile(`${dir}/data.txt`, DATA);
      const hw = await wd(
        ["zip", "--engine", "hw", "--device", ZIP_V2, "-k", `${dir}/data.txt`],
        TEST,
      );
      assert.equal(hw.code, 5, hw.err);
      assert.match(hw.err, /all its queues are in use \(EBUSY\)/);
      const auto = await wd(["zip", "-v", "--device", ZIP_V2, "-k", `${dir}/data.txt`], TEST);
      assert.equal(auto.code, 0, auto.err);
      assert.match(auto.err, /engine: sw \(software: hisi_zip-0: no free queue\)/);
      assert.ok(same(new Uint8Array(gunzipSync(await Deno.readFile(`${dir}/data.txt.gz`))), DATA));
    } finally {
      for (const q of held) q.release();
    }
    await waitFor("every queue back", () => freeQueues(ZIP_V2) === held.length);
  },
);

vmTest(
  "wd zip --engine hw killed with SIGINT exits 130 and gives its queue back",
  async () => {
    const before = freeQueues(ZIP_V2);
    const dir = `${DIR}/sigint`;
    await Deno.mkdir(dir);
    const child = wdProcess(["zip", "--engine", "hw", "--device", ZIP_V2, "-c"], {
      vars: TEST,
      stdin: "piped",
    });
    const w = child.stdin.getWriter();
    await w.write(DATA.subarray(0, 100_000)); // the engine is open and waiting for more input
    await waitFor("wd holding a queue", () => freeQueues(ZIP_V2) === before - 1, 30_000);
    child.kill("SIGINT");
    const status = await child.status;
    await w.close().catch(() => {});
    await child.stdout.cancel();
    const err = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
    assert.equal(status.code, 130, err);
    await waitFor("the queue back", () => freeQueues(ZIP_V2) === before);
  },
);
