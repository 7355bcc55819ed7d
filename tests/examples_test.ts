/**
 * The scripts of examples/ run as a user runs them (`bin/deno run -A examples/X.ts`), against
 * the device model (`WD_SIM`) and fake trees, and say what they should.
 */

import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { FakeRoot } from "../src/testing/fake_root.ts";
import { vgpuHost } from "../src/testing/mdev_machines.ts";
import { sapphireRapids } from "../src/testing/idxd_machines.ts";

const REPO = new URL("..", import.meta.url);
const DENO = new URL("../bin/deno", import.meta.url).pathname;

/** Runs `bin/deno run -A examples/NAME ARGS` with the variables given (and no WD_SIM/WD_ROOT). */
async function example(
  name: string,
  args: string[] = [],
  vars: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const env = { ...Deno.env.toObject(), ...vars };
  if (!("WD_SIM" in vars)) delete env.WD_SIM;
  if (!("WD_ROOT" in vars)) delete env.WD_ROOT;
  const out = await new Deno.Command(DENO, {
    args: ["run", "-A", `examples/${name}`, ...args],
    cwd: REPO,
    env,
    clearEnv: true,
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
}

Deno.test("list_devices lists the model's devices, and says so when there are none", async () => {
  const r = await example("list_devices.ts", [], { WD_SIM: "v3" });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^DEVICE +ALGORITHMS +FREE +NODE +SVA +USABLE\n/);
  assert.match(r.out, /^hisi_zip-2 +zlib,gzip,deflate,lz77_zstd +64 +0 +yes +yes$/m);
  const busy = await example("list_devices.ts", [], { WD_SIM: "queues=0" });
  assert.match(busy.out, /^hisi_zip-4 .* no: no free queue$/m);
  using empty = FakeRoot.create();
  empty.dir("sys/class/uacce");
  const none = await example("list_devices.ts", [], { WD_ROOT: empty.root });
  assert.equal(none.code, 0, none.err);
  assert.equal(
    none.out,
    `no uacce devices under ${empty.root} (try WD_SIM=v3 for the device model)\n`,
  );
});

Deno.test("zip_file compresses a file on each engine, reads it back and says what ran", async () => {
  using t = FakeRoot.create();
  const file = t.path("notes.txt");
  const text = Array.from({ length: 20_000 }, (_, i) => `line ${i} of the notes\n`).join("");
  await Deno.writeTextFile(file, text);
  const sw = await example("zip_file.ts", [file]);
  assert.equal(sw.code, 0, sw.err);
  assert.match(sw.out, /^compress: engine sw \(software engine requested\)$/m);
  assert.match(sw.out, new RegExp(`^  ${text.length} bytes in, \\d+ bytes out$`, "m"));
  assert.match(sw.out, /^round trip: identical$/m);
  assert.equal(new TextDecoder().decode(gunzipSync(await Deno.readFile(`${file}.gz`))), text);
  const hw = await example("zip_file.ts", [file, "auto"], { WD_SIM: "" });
  assert.equal(hw.code, 0, hw.err);
  assert.match(hw.out, /^compress: engine hw on hisi_zip-[45] \(hisi_zip-[45] lists gzip/m);
  assert.match(hw.out, /^decompress: engine hw on hisi_zip-[45]/m);
  assert.doesNotMatch(hw.out, /fell back/);
  const lost = await example("zip_file.ts", [file, "hw"], {
    WD_SIM: "lose@1",
    WD_TIMEOUT_MS: "1000",
  });
  assert.equal(lost.code, 0, lost.err);
  assert.match(lost.out, /^ {2}fell back to software: device_error$/m);
  assert.match(
    lost.out,
    /^ {2}note: hisi_zip-4: Cannot use the queue: no completion .* in 1000 ms; .*continued in software$/m,
  );
  assert.match(lost.out, /^round trip: identical$/m);
  assert.equal(new TextDecoder().decode(gunzipSync(await Deno.readFile(`${file}.gz`))), text);
});

Deno.test("doctor exits 1 on a failing check, 0 on a healthy model, 3 for no such device", async () => {
  const isolated = await example("doctor.ts", ["hisi_zip-4"], { WD_SIM: "isolated" });
  assert.equal(isolated.code, 1, isolated.err);
  assert.match(isolated.out, /^fail uacce\/hisi_zip-4 isolation: /m);
  assert.match(isolated.out, /^ {2}fix: /m);
  assert.match(isolated.out, /checks, 1 failed\n$/);
  const healthy = await example("doctor.ts", [], { WD_SIM: "" });
  assert.equal(healthy.code, 0, healthy.out + healthy.err);
  assert.match(healthy.out, / 0 failed\n$/);
  const missing = await example("doctor.ts", ["hisi_zip-9"], { WD_SIM: "" });
  assert.equal(missing.code, 3);
  assert.match(
    missing.err,
    /Cannot find uacce device "hisi_zip-9" \(devices here: hisi_zip-4, hisi_zip-5\)/,
  );
});

Deno.test("queue_selftest holds a queue, tests the device, and fails when the device corrupts", async () => {
  const ok = await example("queue_selftest.ts", ["hisi_zip-4"], { WD_SIM: "" });
  assert.equal(ok.code, 0, ok.err);
  assert.match(
    ok.out,
    /^hisi_zip-4: holding queue \d+ \(compress\), 1024 deep, 128-byte SQEs; free queues 64 -> 63$/m,
  );
  assert.match(ok.out, /^gzip: 200\/200 round trips exact, ratio \d+\.\d\d$/m);
  assert.match(ok.out, /^released; free queues 64$/m);
  const bad = await example("queue_selftest.ts", ["hisi_zip-5"], { WD_SIM: "corrupt@5" });
  assert.equal(bad.code, 1, bad.err);
  assert.match(bad.out, /^FAILED request \d+: /m);
});

Deno.test("mdev_idxd lists free mdev types, mdevs and user work queues of a tree", async () => {
  using t = sapphireRapids(vgpuHost(FakeRoot.create()));
  for (const args of [[t.root], ["--demo"]]) {
    const r = await example("mdev_idxd.ts", args);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^ {2}0000:3b:00\.0 {2}nvidia-63 \(GRID P4-1Q, vfio-pci\): 6 free$/m);
    assert.match(
      r.out,
      /^ {2}aa618089-8b16-4d01-a136-25a0f3c73123 {2}0000:3b:00\.0\/nvidia-63 {2}nvidia-vgpu-vfio {2}\/dev\/vfio\/140$/m,
    );
    assert.match(r.out, /^ {2}dsa0\/wq0\.1 {2}shared {2}size 32 {2}\/dev\/dsa\/wq0\.1$/m);
  }
});
