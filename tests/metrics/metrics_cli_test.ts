import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { kunpeng920 } from "../../src/testing/uacce_machines.ts";
import { assertGolden } from "../golden.ts";
import { HOSTS, kunpeng920Debugfs, metricsOf, PINNED, simMetrics } from "./hosts.ts";
import { parseExposition, valueOf } from "./prom_parser.ts";
import { havePromtool, havePythonClient, promtoolCheck, pythonParse } from "./validators.ts";

/** The hosts whose whole exposition is pinned in tests/golden/metrics/. */
const GOLDEN = [
  "kunpeng920",
  "kernel61",
  "no-accelerators",
  "spr",
  "idxd-kernel510",
  "idxd-kernel515",
  "idxd-kernel617",
  "vgpu",
];

for (const name of Object.keys(HOSTS)) {
  Deno.test(`wd metrics on the ${name} host is a valid exposition`, async () => {
    const r = await metricsOf(name);
    assert.deepEqual([r.code, r.err], [0, ""]);
    const families = parseExposition(r.out);
    assert.equal(valueOf(families, "wd_build_info"), 1);
    for (const s of families.get("wd_collector_success")!.samples) {
      assert.equal(s.value, 1, `collector ${s.labels["collector"]} failed`);
    }
    if (GOLDEN.includes(name)) assertGolden(`metrics/${name}.prom`, r.out);
  });
}

Deno.test(
  `promtool check metrics accepts every host's exposition${
    havePromtool ? "" : " (ignored: promtool is not installed; apt-get install prometheus)"
  }`,
  { ignore: !havePromtool },
  async () => {
    for (const name of Object.keys(HOSTS)) {
      const { code, output } = await promtoolCheck((await metricsOf(name)).out);
      assert.deepEqual([code, output], [0, ""], `${name}: ${output}`);
    }
    const sim = await simMetrics("v2");
    assert.deepEqual(await promtoolCheck(sim.out), { code: 0, output: "" });
  },
);

Deno.test(
  `the Prometheus Python client parses every host's exposition into the same families${
    havePythonClient
      ? ""
      : " (ignored: prometheus_client is not installed; apt-get install python3-prometheus-client)"
  }`,
  { ignore: !havePythonClient },
  async () => {
    for (const name of [...Object.keys(HOSTS), "sim"]) {
      const text = name === "sim" ? (await simMetrics("v3")).out : (await metricsOf(name)).out;
      const ours = parseExposition(text);
      const theirs = await pythonParse(text);
      // The client names a counter family without `_total` and keeps it on the samples.
      assert.deepEqual(
        theirs.map((f) => f.type === "counter" ? `${f.name}_total` : f.name),
        [...ours.keys()],
        name,
      );
      for (const f of theirs) {
        const mine = ours.get(f.type === "counter" ? `${f.name}_total` : f.name)!;
        assert.equal(f.type, mine.type);
        assert.deepEqual(
          f.samples.map((s) => [s.labels, s.value]),
          mine.samples.map((s) => [s.labels, s.value]),
        );
      }
    }
  },
);

Deno.test("wd --sim metrics shows the model's ZIP devices with their free queues", async () => {
  const r = await simMetrics("v2,queues=16");
  assert.equal(r.code, 0);
  const f = parseExposition(r.out);
  assert.equal(valueOf(f, "wd_uacce_available_instances", { device: "hisi_zip-4" }), 16);
  assert.equal(valueOf(f, "wd_uacce_available_instances", { device: "hisi_zip-5" }), 16);
  assert.equal(valueOf(f, "wd_uacce_sva", { device: "hisi_zip-4" }), 1);
  const info = f.get("wd_uacce_device_info")!.samples.find((s) =>
    s.labels["device"] === "hisi_zip-4"
  );
  assert.deepEqual(info?.labels, {
    device: "hisi_zip-4",
    driver: "hisi_zip",
    api: "hisi_qm_v2",
    algorithms: "zlib,gzip",
    numa_node: "0",
    parent: "0000:75:00.0",
  });
  const v3 = parseExposition((await simMetrics("v3")).out);
  assert.equal(
    v3.get("wd_uacce_device_info")!.samples[0]!.labels["algorithms"],
    "zlib,gzip,deflate,lz77_zstd",
  );
});

Deno.test("uacce devices: free queues, isolation and the doctor verdicts as values", async () => {
  const f = parseExposition((await metricsOf("isolated")).out);
  assert.equal(valueOf(f, "wd_uacce_isolated", { device: "hisi_zip-4" }), 1);
  assert.equal(valueOf(f, "wd_uacce_isolate_strategy", { device: "hisi_zip-4" }), 5);
  assert.equal(valueOf(f, "wd_uacce_isolated", { device: "hisi_zip-5" }), 0);
  assert.equal(
    valueOf(f, "wd_doctor_check", { check: "isolation", object: "hisi_zip-4" }),
    2,
  );
  assert.equal(valueOf(f, "wd_doctor_check", { check: "numa", object: "hisi_zip-5" }), 1);
  assert.equal(valueOf(f, "wd_doctor_check", { check: "queues", object: "hisi_zip-4" }), 0);
  const k61 = parseExposition((await metricsOf("kernel61")).out);
  assert.equal(k61.get("wd_uacce_isolated"), undefined, "6.1 has no isolate: absent, not 0");
  assert.equal(valueOf(k61, "wd_uacce_available_instances", { device: "hisi_zip-0" }), 64);
});

Deno.test("hisi drivers: module parameters, and debugfs counters only where root can read them", async () => {
  const f = parseExposition((await metricsOf("kunpeng920")).out);
  assert.equal(valueOf(f, "wd_hisi_driver_loaded", { module: "hisi_zip" }), 1);
  assert.equal(valueOf(f, "wd_hisi_driver_uacce_mode", { module: "hisi_zip" }), 1);
  assert.equal(valueOf(f, "wd_hisi_driver_pf_queues", { module: "hisi_sec2" }), 64);
  const zip4 = { module: "hisi_zip", function: "0000:75:00.0", device: "hisi_zip-4" };
  assert.equal(valueOf(f, "wd_hisi_zip_sent_requests_total", zip4), 1200);
  assert.equal(valueOf(f, "wd_hisi_zip_completed_requests_total", zip4), 1198);
  assert.equal(valueOf(f, "wd_hisi_qm_error_interrupts_total", zip4), 1);
  assert.equal(valueOf(f, "wd_hisi_qm_aeq_interrupts_total", { device: "hisi_sec2-2" }), 7);
  assert.equal(valueOf(f, "wd_hisi_debugfs_readable", { module: "hisi_hpre" }), 0);
  assert.match(
    f.get("wd_hisi_zip_sent_requests_total")!.help,
    /sys\/kernel\/debug\/<module>\/<function>\/zip_dfx\/send_cnt/,
  );

  using t = kunpeng920Debugfs(FakeRoot.create()); // as a user who is not root sees it
  const noRoot = await runWd(t, ["metrics"], {
    ...PINNED,
    faults: { "sys/kernel/debug/hisi_zip": "EACCES" },
  });
  const g = parseExposition(noRoot.out);
  assert.equal(valueOf(g, "wd_hisi_debugfs_readable", { module: "hisi_zip" }), 0);
  assert.equal(g.get("wd_hisi_zip_sent_requests_total"), undefined, "absent, not zero");
});

Deno.test("idxd: devices, groups and work queues of each kernel with their values", async () => {
  const spr = parseExposition((await metricsOf("spr")).out);
  const wq01 = { device: "dsa0", wq: "wq0.1" };
  assert.equal(valueOf(spr, "wd_idxd_wq_size", wq01), 32);
  assert.equal(valueOf(spr, "wd_idxd_wq_threshold", wq01), 28);
  assert.equal(valueOf(spr, "wd_idxd_wq_clients", wq01), 2);
  assert.equal(valueOf(spr, "wd_idxd_wq_state", { ...wq01, state: "enabled" }), 1);
  assert.equal(valueOf(spr, "wd_idxd_wq_state", { ...wq01, state: "disabled" }), 0);
  assert.equal(valueOf(spr, "wd_idxd_wq_threshold", { device: "dsa0", wq: "wq0.0" }), undefined);
  assert.deepEqual(
    spr.get("wd_idxd_wq_info")!.samples.find((s) => s.labels["wq"] === "wq0.1")!.labels,
    { device: "dsa0", wq: "wq0.1", mode: "shared", type: "user", name: "swq", group: "group0.0" },
  );
  assert.equal(valueOf(spr, "wd_idxd_device_pasid_enabled", { device: "iax1" }), 0);
  assert.equal(valueOf(spr, "wd_idxd_device_cmd_status", { device: "iax1" }), 0x80110000);
  assert.equal(
    valueOf(spr, "wd_doctor_check", { check: "idxd-pasid", object: "iax1" }),
    2,
  );
  assert.equal(valueOf(spr, "wd_idxd_group_engines", { device: "dsa0", group: "group0.0" }), 2);

  const k510 = parseExposition((await metricsOf("idxd-kernel510")).out);
  assert.equal(valueOf(k510, "wd_idxd_device_pasid_enabled", { device: "dsa0" }), undefined);
  assert.equal(
    valueOf(k510, "wd_idxd_group_read_buffers_allowed", { device: "dsa0", group: "group0.0" }),
    96,
  );
  assert.equal(valueOf(k510, "wd_idxd_wq_state", { wq: "wq0.0", state: "enabled" }), 1);
  const k515 = parseExposition((await metricsOf("idxd-kernel515")).out);
  assert.equal(valueOf(k515, "wd_idxd_wq_clients", { device: "dsa0", wq: "wq0.1" }), 3);
  assert.equal(valueOf(k515, "wd_idxd_device_info", { device: "iax1", type: "iax" }), 1);
  const k617 = parseExposition((await metricsOf("idxd-kernel617")).out);
  assert.equal(valueOf(k617, "wd_idxd_wq_occupancy", { device: "dsa0", wq: "wq0.0" }), 0);
  assert.equal(valueOf(k617, "wd_idxd_device_info", { device: "dsa0", version: "2.0" }), 1);
});

Deno.test("mdev: free and active instances per parent and type", async () => {
  const gvt = parseExposition((await metricsOf("gvt")).out);
  const t4 = { parent: "0000:00:02.0", type: "i915-GVTg_V5_4" };
  assert.equal(valueOf(gvt, "wd_mdev_type_available_instances", t4), 1);
  assert.equal(valueOf(gvt, "wd_mdev_type_devices", t4) !== undefined, true);
  const ap = parseExposition((await metricsOf("vfio-ap")).out);
  const pt = { parent: "matrix", type: "vfio_ap-passthrough" };
  assert.equal(valueOf(ap, "wd_mdev_type_available_instances", pt), 255);
  assert.equal(valueOf(ap, "wd_mdev_type_devices", pt), 1);
  assert.equal(valueOf(ap, "wd_mdev_type_info", { ...pt, device_api: "vfio-ap" }), 1);
  const none = parseExposition((await metricsOf("no-mdev")).out);
  assert.equal(none.get("wd_mdev_type_available_instances"), undefined);
});

Deno.test("a host without accelerators gives a small valid exposition and exits 0", async () => {
  const r = await metricsOf("no-accelerators");
  const f = parseExposition(r.out);
  assert.deepEqual(
    [...f.keys()],
    [
      "wd_build_info",
      "wd_collector_success",
      "wd_hisi_driver_loaded",
      "wd_doctor_check",
      "wd_zip_stats_readable",
      "wd_zip_runs_total",
      "wd_zip_input_bytes_total",
      "wd_zip_output_bytes_total",
      "wd_zip_fallbacks_total",
    ],
  );
  assert.equal(valueOf(f, "wd_doctor_check", { check: "uacce-class" }), 0);
});

Deno.test("a collector that fails costs only its metrics and says so on stderr", async () => {
  using t = kunpeng920(FakeRoot.create());
  t.dir("sys/bus/dsa/devices");
  const r = await runWd(t, ["metrics"], { ...PINNED, faults: { "sys/bus/dsa/devices": "EIO" } });
  assert.equal(r.code, 0);
  assert.match(r.err, /^wd: warning: cannot collect the idxd metrics: .*EIO/m);
  const f = parseExposition(r.out);
  assert.equal(valueOf(f, "wd_collector_success", { collector: "idxd" }), 0);
  assert.equal(valueOf(f, "wd_collector_success", { collector: "uacce" }), 1);
  assert.equal(valueOf(f, "wd_uacce_available_instances", { device: "hisi_zip-4" }), 64);
});

Deno.test("label values with quotes, backslashes and newlines are escaped", async () => {
  using t = FakeRoot.create();
  const name = 'odd"name\\with\nnewline';
  t.file("sys/devices/platform/x/mdev_supported_types/x-1/name", name)
    .file("sys/devices/platform/x/mdev_supported_types/x-1/device_api", "vfio-pci")
    .file("sys/devices/platform/x/mdev_supported_types/x-1/available_instances", 2)
    .dir("sys/devices/platform/x/mdev_supported_types/x-1/devices")
    .link("sys/class/mdev_bus/x", "sys/devices/platform/x");
  const r = await runWd(t, ["metrics"], PINNED);
  assert.match(r.out, /name="odd\\"name\\\\with\\nnewline"/);
  const f = parseExposition(r.out);
  assert.equal(f.get("wd_mdev_type_info")!.samples[0]!.labels["name"], name);
});
