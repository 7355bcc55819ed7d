import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { idxdKernel510, idxdKernel515, idxdKernel617 } from "../../src/testing/idxd_kernels.ts";
import { assertGolden } from "../golden.ts";

/** The DSA/IAA hosts of each kernel layout. */
const HOSTS: Record<string, (t: FakeRoot) => FakeRoot> = {
  kernel510: idxdKernel510,
  kernel515: idxdKernel515,
  kernel617: idxdKernel617,
};

for (const [name, build] of Object.entries(HOSTS)) {
  Deno.test(`wd idxd list prints the ${name} host as pinned text and JSON`, async () => {
    using t = build(FakeRoot.create());
    const text = await runWd(t, ["idxd", "list"]);
    assert.deepEqual([text.code, text.err], [0, ""]);
    assertGolden(`idxd/${name}.txt`, text.out, t.root);
    const json = await runWd(t, ["idxd", "list", "--json"]);
    assert.equal(json.code, 0);
    const records = JSON.parse(json.out) as Record<string, unknown>[];
    for (const r of records.filter((r) => r["kind"] === "device")) {
      assert.ok(Array.isArray(r["operations"]), `${r["dev"]} has its operations decoded`);
    }
    assertGolden(`idxd/${name}.json`, json.out, t.root);
  });

  Deno.test(`wd doctor on the ${name} host fails nothing and checks no uacce hardware`, async () => {
    using t = build(FakeRoot.create());
    const r = await runWd(t, ["doctor", "--json"]);
    assert.equal(r.code, 0);
    const checks = JSON.parse(r.out) as { check: string; verdict: string }[];
    assert.ok(!checks.some((c) => c.verdict === "fail"));
    assert.deepEqual(
      checks.filter((c) => !c.check.startsWith("idxd")).map((c) => [c.check, c.verdict]),
      [["uacce-class", "ok"]],
    );
    assertGolden(`doctor/idxd-${name}.json`, r.out, t.root);
  });
}
