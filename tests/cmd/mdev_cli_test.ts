import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import {
  AP_MDEV,
  GVT_MDEVS,
  gvtHost,
  noMdevHost,
  vfioApHost,
  VGPU_MDEVS,
  vgpuHost,
} from "../../src/testing/mdev_machines.ts";
import { assertGolden } from "../golden.ts";

/** The hosts every listing is pinned on. */
const HOSTS: Record<string, (t: FakeRoot) => FakeRoot> = {
  vgpu: vgpuHost,
  "vfio-ap": vfioApHost,
  gvt: gvtHost,
  "no-mdev": noMdevHost,
};

const TYPE_KEYS = [
  "parent",
  "parent_driver",
  "parent_bus",
  "type",
  "name",
  "description",
  "device_api",
  "available_instances",
  "existing_instances",
  "sysfs_path",
  "absent",
];

const MDEV_KEYS = [
  "uuid",
  "parent",
  "type",
  "type_name",
  "driver",
  "iommu_group",
  "vfio_node",
  "vfio_node_exists",
  "sysfs_path",
  "absent",
];

for (const [name, build] of Object.entries(HOSTS)) {
  Deno.test(`wd mdev types and list print the ${name} host as pinned text and JSON`, async () => {
    using t = build(FakeRoot.create());
    for (const cmd of ["types", "list"]) {
      const text = await runWd(t, ["mdev", cmd]);
      assert.equal(text.code, 0);
      assertGolden(`mdev/${name}-${cmd}.txt`, text.out + text.err, t.root);
      const json = await runWd(t, ["mdev", cmd, "--json"]);
      assert.equal(json.code, 0);
      assert.equal(json.err, "");
      const records = JSON.parse(json.out) as Record<string, unknown>[];
      for (const r of records) {
        assert.deepEqual(Object.keys(r), cmd === "types" ? TYPE_KEYS : MDEV_KEYS);
      }
      assertGolden(`mdev/${name}-${cmd}.json`, json.out, t.root);
    }
  });
}

Deno.test("wd mdev types flattens multi-line descriptions and shows a missing one as null", async () => {
  using t = gvtHost(vfioApHost(FakeRoot.create()));
  const types = JSON.parse((await runWd(t, ["mdev", "types", "--json"])).out) as Record<
    string,
    unknown
  >[];
  const v54 = types.find((r) => r["type"] === "i915-GVTg_V5_4")!;
  assert.equal(
    v54["description"],
    "low_gm_size: 128MB, high_gm_size: 512MB, fence: 4, resolution: 1920x1200, weight: 4",
  );
  const ap = types.find((r) => r["type"] === "vfio_ap-passthrough")!;
  assert.equal(ap["description"], null);
  assert.deepEqual(ap["absent"], { description: "missing" });
  assert.equal(ap["existing_instances"], 1);
  assert.equal(ap["parent_bus"], "matrix");
});

Deno.test("wd mdev list finds parent and type by resolving links, and nulls an unbound mdev", async () => {
  using t = gvtHost(vfioApHost(FakeRoot.create()));
  const list = JSON.parse((await runWd(t, ["mdev", "list", "--json"])).out) as Record<
    string,
    unknown
  >[];
  const ap = list.find((r) => r["uuid"] === AP_MDEV)!;
  assert.equal(ap["parent"], "matrix");
  assert.equal(ap["type"], "vfio_ap-passthrough");
  assert.equal(ap["iommu_group"], 0);
  assert.equal(ap["vfio_node"], "/dev/vfio/0"); // as the host names it, without the root
  assert.equal(ap["vfio_node_exists"], true);
  const unbound = list.find((r) => r["uuid"] === GVT_MDEVS.unbound)!;
  assert.equal(unbound["driver"], null);
  assert.equal(unbound["iommu_group"], null);
  assert.equal(unbound["vfio_node"], null);
  assert.deepEqual(unbound["absent"], { driver: "missing", iommu_group: "missing" });
});

Deno.test("wd mdev list keeps the same record shape under every filter, [] when nothing matches", async () => {
  using t = vgpuHost(FakeRoot.create());
  const byType = JSON.parse(
    (await runWd(t, ["mdev", "list", "--type", "nvidia-63", "--json"])).out,
  ) as Record<string, unknown>[];
  assert.deepEqual(byType.map((r) => r["uuid"]), [VGPU_MDEVS.first, VGPU_MDEVS.second]);
  const byParent = JSON.parse(
    (await runWd(t, ["mdev", "list", "--parent", "0000:af:00.0", "--json"])).out,
  ) as Record<string, unknown>[];
  assert.deepEqual(byParent.map((r) => r["uuid"]), [VGPU_MDEVS.full]);
  for (const r of [...byType, ...byParent]) assert.deepEqual(Object.keys(r), MDEV_KEYS);
  const none = await runWd(t, [
    "mdev",
    "list",
    "--parent",
    "0000:af:00.0",
    "--type",
    "nvidia-63",
    "--json",
  ]);
  assert.equal(none.out, "[]\n");
  assert.equal(none.code, 0);
  const types = JSON.parse(
    (await runWd(t, ["mdev", "types", "--parent", "0000:af:00.0", "--json"])).out,
  ) as Record<string, unknown>[];
  assert.deepEqual(types.map((r) => r["type"]), [
    "nvidia-63",
    "nvidia-64",
    "nvidia-65",
    "nvidia-66",
  ]);
  assert.ok(types.every((r) => r["parent"] === "0000:af:00.0"));
});

Deno.test("a parent filter naming no parent gives [] and a did-you-mean on stderr", async () => {
  using t = vgpuHost(FakeRoot.create());
  for (const cmd of ["types", "list"]) {
    const r = await runWd(t, ["mdev", cmd, "--parent", "0000:3B:00.0", "--json"]);
    assert.equal(r.code, 0);
    assert.equal(r.out, "[]\n");
    assert.equal(r.err, 'wd: no mdev parent "0000:3B:00.0" here (did you mean "0000:3b:00.0"?)\n');
  }
});

Deno.test("wd mdev list --no-headers prints bare rows for awk", async () => {
  using t = vgpuHost(FakeRoot.create());
  const r = await runWd(t, ["mdev", "list", "--no-headers", "--type", "nvidia-66"]);
  assert.equal(r.out.split("\n").filter(Boolean).length, 1);
  assert.equal(r.out.split(/\s+/)[0], VGPU_MDEVS.full);
});
