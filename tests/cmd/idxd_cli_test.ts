import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { sapphireRapids } from "../../src/testing/idxd_machines.ts";
import { kunpeng920 } from "../../src/testing/uacce_machines.ts";
import { assertGolden } from "../golden.ts";

Deno.test("wd idxd list prints the Sapphire Rapids host as pinned text and JSON", async () => {
  using t = sapphireRapids(FakeRoot.create());
  const text = await runWd(t, ["idxd", "list"]);
  assert.equal(text.code, 0);
  assertGolden("idxd/spr.txt", text.out, t.root);
  const json = await runWd(t, ["idxd", "list", "--json"]);
  assert.equal(json.code, 0);
  assertGolden("idxd/spr.json", json.out, t.root);
});

Deno.test("wd idxd list DEVICE keeps only that device and its objects", async () => {
  using t = sapphireRapids(FakeRoot.create());
  const records = JSON.parse((await runWd(t, ["idxd", "list", "iax1", "--json"])).out) as {
    kind: string;
    device: string;
  }[];
  assert.ok(records.every((r) => r.device === "iax1"));
  assert.deepEqual(
    ["device", "group", "engine", "wq"].map((k) => records.filter((r) => r.kind === k).length),
    [1, 4, 8, 8],
  );
  const text = await runWd(t, ["idxd", "list", "dsa0", "--no-headers"]);
  assertGolden("idxd/dsa0-no-headers.txt", text.out, t.root);
});

Deno.test("every idxd record of a kind has the same keys, whatever the filter", async () => {
  using t = sapphireRapids(FakeRoot.create());
  const all = JSON.parse((await runWd(t, ["idxd", "list", "--json"])).out) as Record<
    string,
    unknown
  >[];
  const one = JSON.parse((await runWd(t, ["idxd", "list", "dsa0", "--json"])).out) as Record<
    string,
    unknown
  >[];
  const keysOf = (kind: string, rs: Record<string, unknown>[]) =>
    new Set(rs.filter((r) => r["kind"] === kind).map((r) => Object.keys(r).join(",")));
  for (const kind of ["device", "group", "engine", "wq"]) {
    const keys = keysOf(kind, [...all, ...one]);
    assert.equal(keys.size, 1, `${kind} records differ in keys`);
    assert.ok([...keys][0]!.startsWith("kind,dev,device,"));
  }
});

Deno.test("disabled work queues and devices are listed and marked", async () => {
  using t = sapphireRapids(FakeRoot.create());
  t.file("sys/bus/dsa/devices/dsa0/state", "disabled").remove("sys/bus/dsa/devices/dsa0/driver");
  const records = JSON.parse((await runWd(t, ["idxd", "list", "--json"])).out) as Record<
    string,
    unknown
  >[];
  const dsa0 = records.find((r) => r["dev"] === "dsa0")!;
  assert.equal(dsa0["state"], "disabled");
  assert.equal(dsa0["driver"], null);
  const wq = records.find((r) => r["dev"] === "wq0.3")!;
  assert.deepEqual([wq["state"], wq["enabled"], wq["type"]], ["disabled", false, "user"]);
  const text = await runWd(t, ["idxd", "list", "dsa0"]);
  assert.match(text.out, /^dsa0 {2}DSA 1\.0, disabled, PASID on/);
});

Deno.test("a host without idxd lists [] and says why in text mode", async () => {
  using t = kunpeng920(FakeRoot.create());
  const json = await runWd(t, ["idxd", "list", "--json"]);
  assert.deepEqual([json.code, json.out, json.err], [0, "[]\n", ""]);
  const text = await runWd(t, ["idxd", "list"]);
  assert.equal(text.code, 0);
  assert.equal(text.out, "");
  assert.equal(
    text.err,
    `wd: no DSA/IAA devices under ${t.root} (the idxd driver is not loaded: ${t.root}/sys/bus/dsa does not exist)\n`,
  );
  const missing = await runWd(t, ["idxd", "list", "dsa0"]);
  assert.equal(missing.code, 3);
  assert.equal(
    missing.err,
    'wd: error: Cannot find DSA/IAA device "dsa0"\nwd: hint: the idxd driver is not loaded (modprobe idxd)\n',
  );
});
