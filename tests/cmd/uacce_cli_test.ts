import assert from "node:assert/strict";
import { runCli } from "../../main.ts";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import {
  kernel61,
  kunpeng920,
  kunpeng930,
  legacyOpenEuler,
  pciPath,
} from "../../src/testing/uacce_machines.ts";
import { assertGolden } from "../golden.ts";

const ZIP4 = `${pciPath("0000:75:00.0")}/uacce/hisi_zip-4`;

/** The machines every listing is pinned on. */
const MACHINES: Record<string, (t: FakeRoot) => FakeRoot> = {
  kunpeng920,
  kunpeng930,
  kernel61,
  legacy: legacyOpenEuler,
  isolated: (t) => kunpeng920(t).file(`${ZIP4}/isolate`, 1).file(`${ZIP4}/isolate_strategy`, 5),
  "no-free-queues": (t) => kunpeng920(t).file(`${ZIP4}/available_instances`, 0),
  "no-uacce": (t) => t,
};

for (const [name, build] of Object.entries(MACHINES)) {
  Deno.test(`wd list prints the ${name} machine as pinned text and JSON`, async () => {
    using t = build(FakeRoot.create());
    const text = await runWd(t, ["list"]);
    assert.equal(text.code, 0);
    assertGolden(`list/${name}.txt`, text.out, t.root);
    const json = await runWd(t, ["list", "--json"]);
    assert.equal(json.code, 0);
    assert.ok(Array.isArray(JSON.parse(json.out)));
    assertGolden(`list/${name}.json`, json.out, t.root);
  });

  Deno.test(`wd doctor judges the ${name} machine as pinned`, async () => {
    using t = build(FakeRoot.create());
    const opts = {
      sys: { cpus: [0, 1, 2, 3], identity: { uid: 1000, gid: 1000, groups: [1000] } },
    };
    const text = await runWd(t, ["doctor"], opts);
    assertGolden(`doctor/${name}.txt`, text.out, t.root);
    const json = await runWd(t, ["doctor", "--json"], opts);
    const checks = JSON.parse(json.out) as { verdict: string }[];
    assert.equal(text.code, checks.some((c) => c.verdict === "fail") ? 1 : 0);
    assert.equal(json.code, text.code);
    assertGolden(`doctor/${name}.json`, json.out, t.root);
  });
}

Deno.test("wd list --alg keeps devices whose algorithms include the name as a whole line", async () => {
  using t = kunpeng920(FakeRoot.create());
  const r = await runWd(t, ["list", "--alg", "gzip", "--no-headers"]);
  assert.equal(
    r.out.split("\n").filter(Boolean).map((l) => l.split(/\s+/)[0]).join(","),
    "hisi_zip-4,hisi_zip-5",
  );
  const none = await runWd(t, ["list", "--alg", "gz", "--json"]);
  assert.equal(none.out, "[]\n");
  assert.equal(none.code, 0);
});

Deno.test("wd list with an unreadable attribute shows it as unknown and says why in JSON", async () => {
  using t = kunpeng920(FakeRoot.create());
  const faults = { [`${ZIP4}/available_instances`]: "ENXIO" };
  const r = await runWd(t, ["list", "--json"], { faults });
  const zip = (JSON.parse(r.out) as Record<string, unknown>[]).find((d) =>
    d["name"] === "hisi_zip-4"
  )!;
  assert.equal(zip["available_instances"], null);
  assert.deepEqual(zip["absent"], { available_instances: "ENXIO: no such device or address" });
  const text = await runWd(t, ["list"], { faults });
  assertGolden("list/unreadable.txt", text.out, t.root);
});

Deno.test("wd info prints everything about a device and its module parameters", async () => {
  using t = kunpeng920(FakeRoot.create());
  const text = await runWd(t, ["info", "hisi_zip-4"]);
  assert.equal(text.code, 0);
  assertGolden("info/kunpeng920-zip4.txt", text.out, t.root);
  const json = await runWd(t, ["info", "/dev/hisi_zip-4", "--json"]);
  assertGolden("info/kunpeng920-zip4.json", json.out, t.root);
  const rec = JSON.parse(json.out) as Record<string, unknown>;
  assert.deepEqual(rec["module_params"], { pf_q_num: "64", uacce_mode: "1", vfs_num: "0" });
});

Deno.test("wd info on the legacy layout and on a 6.1 kernel", async () => {
  using legacy = legacyOpenEuler(FakeRoot.create());
  assertGolden("info/legacy.txt", (await runWd(legacy, ["info", "hisi_zip-0"])).out, legacy.root);
  using k61 = kernel61(FakeRoot.create());
  assertGolden("info/kernel61.txt", (await runWd(k61, ["info", "hisi_zip-0"])).out, k61.root);
});

Deno.test("an unknown device exits 3 and names the devices that exist", async () => {
  using t = kunpeng920(FakeRoot.create());
  for (const cmd of [["info", "hisi_zip-7"], ["doctor", "hisi_zip-7"]]) {
    const r = await runWd(t, cmd);
    assert.equal(r.code, 3);
    assert.equal(r.out, "");
    assert.equal(
      r.err,
      'wd: error: Cannot find uacce device "hisi_zip-7"\n' +
        "wd: hint: devices here: hisi_hpre-0, hisi_hpre-1, hisi_sec2-2, hisi_sec2-3, hisi_zip-4, hisi_zip-5\n",
    );
  }
});

Deno.test("wd doctor DEVICE checks only that device, and flags a node this user cannot open", async () => {
  using t = kernel61(FakeRoot.create());
  const r = await runWd(t, ["doctor", "hisi_zip-0", "--json"], {
    sys: {
      access: { "dev/hisi_zip-0": "EACCES" },
      identity: { uid: 1000, gid: 1000, groups: [1000] },
    },
  });
  assert.equal(r.code, 1);
  const access = (JSON.parse(r.out) as { check: string; verdict: string; advice: string }[])
    .find((c) => c.check === "access")!;
  assert.equal(access.verdict, "fail");
  assert.match(access.advice, /^add the user to group "accel": usermod -aG accel <user>/);
  assert.doesNotMatch(access.advice, /chmod 777$/);
});

Deno.test("wd doctor accepts a non-SVA device only when WD_TEST_DEVICES names it", async () => {
  using t = kunpeng920(FakeRoot.create());
  t.file(`${ZIP4}/flags`, 0);
  const sva = async (vars: Record<string, string>) =>
    (JSON.parse((await runWd(t, ["doctor", "hisi_zip-4", "--json"], { vars })).out) as {
      check: string;
      verdict: string;
    }[]).find((c) => c.check === "sva")!.verdict;
  assert.equal(await sva({}), "fail");
  assert.equal(await sva({ WD_TEST_DEVICES: "hisi_zip-4" }), "warn");
  assert.equal(await sva({ WD_TEST_DEVICES: "*" }), "warn");
  assert.equal(await sva({ WD_TEST_DEVICES: "hisi_zip-5" }), "fail");
});

Deno.test("wd doctor warns when the device sits on another NUMA node than wd's CPUs", async () => {
  using t = kunpeng920(FakeRoot.create());
  const r = await runWd(t, ["doctor", "hisi_zip-5", "--json"], { sys: { cpus: [0, 1] } });
  const numa = (JSON.parse(r.out) as { check: string; verdict: string; advice: string }[])
    .find((c) => c.check === "numa")!;
  assert.equal(numa.verdict, "warn");
  assert.match(numa.advice, /numactl --cpunodebind=1/);
});

Deno.test("usage errors exit 2 and help exits 0", async () => {
  using t = FakeRoot.create();
  const bogus = await runWd(t, ["list", "--bogus"]);
  assert.equal(bogus.code, 2);
  assert.match(bogus.err, /unknown option '--bogus'/);
  assert.equal((await runWd(t, ["info"])).code, 2);
  const help = await runWd(t, ["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.out, /Exit codes:\n {2}0 {6}success/);
  assert.match(help.out, /3 {6}not found/);
});

Deno.test("a closed stdout (wd list --json | head) ends quietly with 141", async () => {
  using t = kunpeng920(FakeRoot.create());
  const { env, err } = t.env();
  const closed = {
    write: () => {
      throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
    },
    isTerminal: () => false,
  };
  const code = await runCli(["list", "--json"], {
    env: () => ({ ...env, stdout: closed }),
    out: closed.write,
    err: (s) => err.write(s),
  });
  assert.equal(code, 141);
  assert.equal(err.text, "");
  const help = await runCli(["--help"], {
    env: () => env,
    out: closed.write,
    err: (s) => err.write(s),
  });
  assert.equal(help, 141);
});
