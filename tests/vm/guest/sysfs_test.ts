// The fake devices as the real 6.1 uacce core shows them in sysfs and devtmpfs, and wd's
// list, info and doctor reading them.
import assert from "node:assert/strict";
import { attr, freeQueues, moduleParam, vmTest, wd, ZIP_V2, ZIP_V3 } from "./guest.ts";

const PAGE = 4096; // x86_64 guest

vmTest("the uacce core and the fake module are loaded and register hisi_zip-0 and -1", () => {
  const modules = Deno.readTextFileSync("/proc/modules").split("\n").map((l) => l.split(" ")[0]);
  assert.ok(modules.includes("uacce"), "uacce is loaded");
  assert.ok(modules.includes("fake_hisi_zip"), "fake_hisi_zip is loaded");
  const names = Array.from(Deno.readDirSync("/sys/class/uacce"), (e) => e.name).sort();
  assert.deepEqual(names, [ZIP_V2, ZIP_V3]);
  assert.equal(moduleParam("hw_versions"), "2,3");
});

vmTest(
  "hisi_zip-0 has every 6.1 attribute: api v2, flags 0, queues, zlib and gzip, regions",
  () => {
    const queues = moduleParam("pf_q_num");
    assert.equal(attr(ZIP_V2, "api"), "hisi_qm_v2\n");
    assert.equal(attr(ZIP_V2, "flags"), "0\n", "no SVA without an IOMMU");
    assert.equal(attr(ZIP_V2, "available_instances"), `${queues}\n`);
    assert.equal(attr(ZIP_V2, "algorithms"), "zlib\ngzip\n");
    assert.equal(attr(ZIP_V2, "region_mmio_size"), `${2 * PAGE}\n`, "doorbell page at +0x1000");
    assert.equal(
      attr(ZIP_V2, "region_dus_size"),
      "151552\n",
      "1024 x 128 SQ, 1024 x 16 CQ, a page",
    );
    assert.equal(attr(ZIP_V2, "device/numa_node"), "-1\n");
    for (const absent of ["isolate", "isolate_strategy"]) {
      assert.throws(() => attr(ZIP_V2, absent), Deno.errors.NotFound, `6.1 has no ${absent}`);
    }
  },
);

vmTest("hisi_zip-1 is a hisi_qm_v3 device that also offers deflate", () => {
  assert.equal(attr(ZIP_V3, "api"), "hisi_qm_v3\n");
  assert.equal(attr(ZIP_V3, "flags"), "0\n");
  assert.equal(attr(ZIP_V3, "algorithms"), "zlib\ngzip\ndeflate\n");
});

vmTest("devtmpfs has a character node per device with the class entry's dev number", () => {
  for (const name of [ZIP_V2, ZIP_V3]) {
    const st = Deno.statSync(`/dev/${name}`);
    assert.ok(st.isCharDevice, `/dev/${name} is a character device`);
    const [major, minor] = attr(name, "dev").trim().split(":").map(Number);
    assert.equal(st.rdev, (major! << 8) | minor!);
  }
});

vmTest("wd list --json reads the real sysfs: no SVA, v2 and v3, the platform parent", async () => {
  const r = await wd(["list", "--json"]);
  assert.equal(r.code, 0, r.err);
  const records = JSON.parse(r.out) as Record<string, unknown>[];
  assert.deepEqual(records.map((d) => d["name"]), [ZIP_V2, ZIP_V3]);
  const [v2, v3] = records;
  assert.deepEqual(pick(v2!), {
    api: "hisi_qm_v2",
    hw_version: 2,
    flags: 0,
    sva: false,
    kind: "zip",
    driver: "fake_hisi_zip",
    available_instances: freeQueues(ZIP_V2),
    algorithms: ["zlib", "gzip"],
    region_mmio_size: 2 * PAGE,
    region_dus_size: 151552,
    isolate: null,
    isolated: false,
    numa_node: -1,
    parent: "fake_hisi_zip.0",
    parent_bus: "platform",
    dev_node_is_char: true,
    accessible: true,
    absent: {},
  });
  assert.deepEqual(v3!["algorithms"], ["zlib", "gzip", "deflate"]);
  assert.equal(v3!["hw_version"], 3);
});

vmTest("wd list prints both devices without SVA; --alg deflate keeps only the v3 one", async () => {
  const r = await wd(["list", "--no-headers"]);
  assert.equal(r.code, 0, r.err);
  const rows = r.out.trim().split("\n").map((l) => l.split(/\s+/));
  assert.deepEqual(rows.map((c) => [c[0], c[1], c[4]]), [
    [ZIP_V2, "zlib,gzip", "no"],
    [ZIP_V3, "zlib,gzip,deflate", "no"],
  ]);
  const deflate = await wd(["list", "--alg", "deflate", "--json"]);
  assert.deepEqual(JSON.parse(deflate.out).map((d: { name: string }) => d.name), [ZIP_V3]);
});

vmTest("wd info describes the fake device, its platform parent and its module", async () => {
  const r = await wd(["info", `/dev/${ZIP_V2}`]);
  assert.equal(r.code, 0, r.err);
  for (
    const line of [
      "  driver        fake_hisi_zip (zip engine)",
      "  api           hisi_qm_v2 (hisi_qm hardware v2)",
      "  flags         0x0 (no SVA)",
      "  algorithms    zlib gzip",
      "  isolated      no (the kernel has no isolate attribute)",
      "  numa node     -1 (unknown)",
      "  parent        fake_hisi_zip.0, platform, driver fake_hisi_zip",
      "module fake_hisi_zip",
      `  pf_q_num      ${moduleParam("pf_q_num")}`,
    ]
  ) {
    assert.ok(
      r.out.split("\n").includes(line),
      `wd info prints ${JSON.stringify(line)}:\n${r.out}`,
    );
  }
  const missing = await wd(["info", "hisi_zip-9"]);
  assert.equal(missing.code, 3);
  assert.match(missing.err, /devices here: hisi_zip-0, hisi_zip-1/);
});

vmTest("wd doctor fails a non-SVA device unless WD_TEST_DEVICES names it, then warns", async () => {
  const sva = async (vars: Record<string, string>) => {
    const r = await wd(["doctor", "--json"], vars);
    const checks = JSON.parse(r.out) as { check: string; subject: string; verdict: string }[];
    const verdicts = Object.fromEntries(
      checks.filter((c) => c.check === "sva").map((c) => [c.subject, c.verdict]),
    );
    const failed = checks.filter((c) => c.verdict === "fail").map((c) => `${c.subject} ${c.check}`);
    return { code: r.code, verdicts, failed };
  };
  assert.deepEqual(await sva({}), {
    code: 1,
    verdicts: { [ZIP_V2]: "fail", [ZIP_V3]: "fail" },
    failed: [`${ZIP_V2} sva`, `${ZIP_V3} sva`],
  });
  assert.deepEqual(await sva({ WD_TEST_DEVICES: ZIP_V2 }), {
    code: 1,
    verdicts: { [ZIP_V2]: "warn", [ZIP_V3]: "fail" },
    failed: [`${ZIP_V3} sva`],
  });
  assert.deepEqual(await sva({ WD_TEST_DEVICES: "*" }), {
    code: 0,
    verdicts: { [ZIP_V2]: "warn", [ZIP_V3]: "warn" },
    failed: [],
  });
  const text = await wd(["doctor", ZIP_V2]);
  assert.match(text.out, /fail +hisi_zip-0 +sva +no SVA flag/);
  assert.match(text.out, /for a test device set WD_TEST_DEVICES=hisi_zip-0/);
});

function pick(record: Record<string, unknown>): Record<string, unknown> {
  const keys = [
    "api",
    "hw_version",
    "flags",
    "sva",
    "kind",
    "driver",
    "available_instances",
    "algorithms",
    "region_mmio_size",
    "region_dus_size",
    "isolate",
    "isolated",
    "numa_node",
    "parent",
    "parent_bus",
    "dev_node_is_char",
    "accessible",
    "absent",
  ];
  return Object.fromEntries(keys.map((k) => [k, record[k]]));
}
