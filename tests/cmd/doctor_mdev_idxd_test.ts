import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { sapphireRapids } from "../../src/testing/idxd_machines.ts";
import { gvtHost, noMdevHost, vfioApHost, vgpuHost } from "../../src/testing/mdev_machines.ts";
import { kunpeng920 } from "../../src/testing/uacce_machines.ts";
import { assertGolden } from "../golden.ts";
import { renderJson } from "../../src/cmd/render.ts";

/** The mdev hosts whose doctor verdicts are pinned. */
const HOSTS: Record<string, (t: FakeRoot) => FakeRoot> = {
  vgpu: vgpuHost,
  "vfio-ap": vfioApHost,
  gvt: gvtHost,
  "no-mdev": noMdevHost,
};

for (const [name, build] of Object.entries(HOSTS)) {
  Deno.test(`wd doctor judges the mdev parents of the ${name} host as pinned`, async () => {
    using t = build(FakeRoot.create());
    const r = await runWd(t, ["doctor", "--json"]);
    const checks = (JSON.parse(r.out) as { check: string }[]).filter((c) =>
      c.check.startsWith("mdev")
    );
    assertGolden(`doctor/mdev-${name}.json`, renderJson(checks), t.root);
  });
}

Deno.test("wd doctor warns when the mdev core is loaded but no parent is registered", async () => {
  using t = noMdevHost(FakeRoot.create()).dir("sys/class/mdev_bus");
  const r = await runWd(t, ["doctor", "--json"]);
  const mdev = (JSON.parse(r.out) as { check: string; verdict: string }[]).filter((c) =>
    c.check.startsWith("mdev")
  );
  assert.deepEqual(mdev.map((c) => [c.check, c.verdict]), [["mdev-parents", "warn"]]);
});

Deno.test("wd doctor PARENT checks only that mdev parent", async () => {
  using t = vgpuHost(FakeRoot.create());
  const r = await runWd(t, ["doctor", "--json", "0000:af:00.0"]);
  const mdev = (JSON.parse(r.out) as { check: string; subject: string }[]).filter((c) =>
    c.check.startsWith("mdev")
  );
  assert.deepEqual(mdev.map((c) => c.subject), ["0000:af:00.0"]);
});

/** The idxd checks of a doctor run. */
async function idxdChecks(t: FakeRoot, args: string[] = []) {
  const r = await runWd(t, ["doctor", "--json", ...args]);
  return {
    code: r.code,
    checks: (JSON.parse(r.out) as { check: string; subject: string; verdict: string }[])
      .filter((c) => c.check.startsWith("idxd")),
  };
}

Deno.test("wd doctor judges DSA and IAA as pinned: PASID off with a user wq fails", async () => {
  using t = sapphireRapids(FakeRoot.create());
  const { code, checks } = await idxdChecks(t);
  assert.equal(code, 1);
  assertGolden("doctor/idxd-spr.json", renderJson(checks), t.root);
});

Deno.test("wd doctor fails an enabled user wq whose /dev node udev did not create", async () => {
  using t = sapphireRapids(FakeRoot.create());
  t.remove("dev/dsa/wq0.1");
  const { checks } = await idxdChecks(t, ["dsa0"]);
  const node = checks.find((c) => c.subject === "dsa0/wq0.1")!;
  assert.equal(node.verdict, "fail");
  assert.ok(checks.every((c) => c.subject.startsWith("dsa0")));
});

Deno.test("wd doctor warns about PASID off when no wq needs it, and about a halted device", async () => {
  using t = sapphireRapids(FakeRoot.create());
  t.file("sys/bus/dsa/devices/wq1.1/type", "kernel");
  t.file("sys/bus/dsa/devices/dsa0/state", "halted");
  const { checks } = await idxdChecks(t);
  const pasid = checks.find((c) => c.subject === "iax1" && c.check === "idxd-pasid")!;
  assert.equal(pasid.verdict, "warn");
  const state = checks.find((c) => c.subject === "dsa0" && c.check === "idxd-state")!;
  assert.equal(state.verdict, "fail");
});

Deno.test("wd doctor DEVICE naming a uacce device adds no idxd or mdev checks", async () => {
  using t = sapphireRapids(kunpeng920(FakeRoot.create()));
  const r = await runWd(t, ["doctor", "--json", "hisi_zip-4"]);
  const checks = JSON.parse(r.out) as { check: string }[];
  assert.ok(checks.length > 0);
  assert.ok(!checks.some((c) => c.check.startsWith("idxd") || c.check.startsWith("mdev")));
});

Deno.test("wd doctor accepts a DSA device name and suggests one typed in another case", async () => {
  using t = sapphireRapids(kunpeng920(FakeRoot.create()));
  const ok = await runWd(t, ["doctor", "iax1"]);
  assert.match(ok.out, /iax1 +idxd-pasid/);
  const typo = await runWd(t, ["doctor", "IAX1"]);
  assert.equal(typo.code, 3);
  assert.equal(typo.err, 'wd: error: Cannot find device "IAX1"\nwd: hint: did you mean "iax1"?\n');
});

Deno.test("wd doctor DSA_DEVICE checks the idxd subsystem only, not uacce or mdev", async () => {
  using t = vgpuHost(sapphireRapids(kunpeng920(FakeRoot.create())));
  const r = await runWd(t, ["doctor", "--json", "dsa0"]);
  const checks = JSON.parse(r.out) as { check: string; subject: string }[];
  assert.ok(checks.length > 0);
  assert.ok(checks.every((c) => c.check.startsWith("idxd") && c.subject.startsWith("dsa0")));
  assert.equal(r.code, 0);
});

Deno.test("wd doctor PARENT on a host with uacce and idxd too checks the mdev parent only", async () => {
  using t = vgpuHost(sapphireRapids(kunpeng920(FakeRoot.create())));
  const r = await runWd(t, ["doctor", "--json", "0000:af:00.0"]);
  const checks = JSON.parse(r.out) as { check: string; subject: string }[];
  assert.ok(checks.length > 0);
  assert.ok(checks.every((c) => c.check.startsWith("mdev")));
});

Deno.test("a host with no HiSilicon hardware passes the uacce checks with one ok line", async () => {
  using t = vgpuHost(FakeRoot.create()); // PCI functions, none of them HiSilicon's
  const r = await runWd(t, ["doctor", "--json"]);
  const uacce = (JSON.parse(r.out) as { check: string; verdict: string; detail: string }[])
    .filter((c) => !c.check.startsWith("mdev"));
  assert.deepEqual(uacce.map((c) => [c.check, c.verdict]), [["uacce-class", "ok"]]);
  assert.match(uacce[0]!.detail, /no HiSilicon accelerator on the PCI bus/);
});

Deno.test("HiSilicon hardware or a loaded hisi driver without uacce devices still fails", async () => {
  using hw = kunpeng920(FakeRoot.create()).remove("sys/class/uacce");
  hw.remove("sys/module/hisi_zip").remove("sys/module/hisi_sec2").remove("sys/module/hisi_hpre");
  const a = await runWd(hw, ["doctor"]);
  assert.equal(a.code, 1);
  assert.match(a.out, /^fail +uacce +uacce-class +.*sys\/class\/uacce does not exist$/m);
  assert.match(a.out, /hisi_zip +driver +not loaded, but ZIP hardware is present/);
  using drv = FakeRoot.create().dir("sys/module/hisi_zip/parameters")
    .file("sys/module/hisi_zip/parameters/uacce_mode", 0);
  const b = await runWd(drv, ["doctor"]);
  assert.equal(b.code, 1);
  assert.match(b.out, /hisi_zip +driver +loaded with uacce_mode=0/);
});
