import assert from "node:assert/strict";
import { findDevice, listDevices, moduleParams } from "../../src/drivers/uacce/discover.ts";
import { hwVersionOf } from "../../src/drivers/uacce/device.ts";
import { WdError } from "../../src/errors.ts";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import {
  kernel61,
  kunpeng920,
  kunpeng930,
  legacyOpenEuler,
} from "../../src/testing/uacce_machines.ts";
import { thrown } from "../helpers.ts";

Deno.test("listDevices reads every field of a Kunpeng 920 ZIP function", () => {
  using t = kunpeng920(FakeRoot.create());
  const { env } = t.env();
  const devices = listDevices(env);
  assert.deepEqual(devices.map((d) => d.name), [
    "hisi_hpre-0",
    "hisi_hpre-1",
    "hisi_sec2-2",
    "hisi_sec2-3",
    "hisi_zip-4",
    "hisi_zip-5",
  ]);
  const zip = devices[5]!;
  assert.equal(zip.id, 5);
  assert.equal(zip.driver, "hisi_zip");
  assert.equal(zip.kind, "zip");
  assert.equal(zip.layout, "mainline");
  assert.equal(zip.api, "hisi_qm_v2");
  assert.equal(zip.hwVersion, 2);
  assert.equal(zip.flags, 1);
  assert.equal(zip.sva, true);
  assert.equal(zip.flagsUnknown, 0);
  assert.equal(zip.availableInstances, 64);
  assert.deepEqual(zip.algorithms, ["zlib", "gzip"]);
  assert.equal(zip.regionMmioSize, 65536);
  assert.equal(zip.regionDusSize, 262144);
  assert.equal(zip.isolate, 0);
  assert.equal(zip.isolated, false);
  assert.equal(zip.isolateStrategy, 0);
  assert.equal(zip.numaNode, 1);
  assert.equal(zip.parent?.name, "0000:b5:00.0");
  assert.equal(zip.parent?.bus, "pci");
  assert.equal(zip.parent?.vendor, "0x19e5");
  assert.equal(zip.parent?.deviceId, "0xa250");
  assert.equal(zip.parent?.driver, "hisi_zip");
  assert.equal(zip.parent?.function, "PF");
  assert.equal(zip.parent?.description, "HiSilicon ZIP engine (PF)");
  assert.equal(zip.node.path, t.path("dev/hisi_zip-5"));
  assert.equal(zip.node.exists, true);
  assert.equal(zip.node.mode, 0o600);
  assert.equal(zip.node.owner, "root");
  assert.deepEqual(zip.absent, {});
});

Deno.test("unknown flag bits are kept raw beside the SVA bit", () => {
  using t = kunpeng920(FakeRoot.create());
  t.file("sys/devices/pci0000:74/0000:74:00.0/0000:75:00.0/uacce/hisi_zip-4/flags", 0x13);
  const d = findDevice(t.env().env, "hisi_zip-4");
  assert.equal(d.sva, true);
  assert.equal(d.flagsUnknown, 0x12);
});

Deno.test("a 6.1 kernel without isolate reports not isolated, with nothing absent", () => {
  using t = kernel61(FakeRoot.create());
  const d = findDevice(t.env().env, "/dev/hisi_zip-0");
  assert.equal(d.isolate, null);
  assert.equal(d.isolated, false);
  assert.equal(d.isolateStrategy, null);
  assert.deepEqual(d.absent, {});
  assert.equal(d.node.mode, 0o660);
});

Deno.test("a Kunpeng 930 is hardware v3 with more algorithms", () => {
  using t = kunpeng930(FakeRoot.create());
  const d = findDevice(t.env().env, "hisi_zip-2");
  assert.equal(d.hwVersion, 3);
  assert.deepEqual(d.algorithms, ["zlib", "gzip", "deflate", "lz77_zstd", "lz4", "lz77_only"]);
  assert.equal(d.isolateStrategy, 3);
  assert.equal(d.regionDusSize, 151552);
  assert.equal(d.regionMmioSize, 8192);
});

Deno.test("the legacy openEuler layout is recognised and read from attrs/", () => {
  using t = legacyOpenEuler(FakeRoot.create());
  const d = findDevice(t.env().env, "hisi_zip-0");
  assert.equal(d.layout, "legacy");
  assert.equal(d.availableInstances, 256);
  assert.equal(d.numaNode, 0);
  assert.equal(d.numaDistance, 10);
  assert.equal(d.sva, false);
  assert.equal(d.isolate, null);
});

Deno.test("an unreadable or missing attribute is absent with its reason, never a crash", () => {
  using t = kunpeng920(FakeRoot.create());
  const u = "sys/devices/pci0000:74/0000:74:00.0/0000:75:00.0/uacce/hisi_zip-4";
  t.remove(`${u}/algorithms`).file(`${u}/region_dus_size`, "lots");
  const { env } = t.env({ faults: { [`${u}/available_instances`]: "EOPNOTSUPP" } });
  const d = findDevice(env, "hisi_zip-4");
  assert.equal(d.availableInstances, null);
  assert.equal(d.algorithms, null);
  assert.equal(d.regionDusSize, null);
  assert.deepEqual(d.absent, {
    algorithms: "missing",
    available_instances: "EOPNOTSUPP: operation not supported",
    region_dus_size: 'malformed: "lots" is not an integer',
  });
});

Deno.test("a device whose parent link is broken has no parent and a prefix driver", () => {
  using t = kunpeng920(FakeRoot.create());
  const u = "sys/devices/pci0000:74/0000:74:00.0/0000:75:00.0/uacce/hisi_zip-4";
  t.remove(`${u}/device`).remove(`${u}/../../numa_node`);
  const d = findDevice(t.env().env, "hisi_zip-4");
  assert.equal(d.parent, null);
  assert.equal(d.driver, "hisi_zip");
  assert.equal(d.numaNode, null);
  assert.equal(d.absent["parent"], "missing");
});

Deno.test("findDevice names the devices that exist, and suggests a case fix", () => {
  using t = kunpeng920(FakeRoot.create());
  const { env } = t.env();
  const e = thrown(() => findDevice(env, "hisi_zip-9"));
  assert.ok(e instanceof WdError);
  assert.equal(e.exitCode, 3);
  assert.equal(e.message, 'Cannot find uacce device "hisi_zip-9"');
  assert.match(e.hint ?? "", /hisi_hpre-0, hisi_hpre-1, .*hisi_zip-5/);
  const c = thrown(() => findDevice(env, "HISI_ZIP-4"));
  assert.ok(c instanceof WdError && c.hint === 'did you mean "hisi_zip-4"?');
});

Deno.test("a machine without uacce lists nothing", () => {
  using t = FakeRoot.create();
  assert.deepEqual(listDevices(t.env().env), []);
});

Deno.test("moduleParams reads driver parameters and says when a module is absent", () => {
  using t = kunpeng920(FakeRoot.create());
  const { env } = t.env();
  assert.deepEqual(moduleParams(env, "hisi_zip"), {
    module: "hisi_zip",
    loaded: true,
    params: { pf_q_num: "64", uacce_mode: "1", vfs_num: "0" },
    absent: {},
  });
  assert.equal(moduleParams(env, "nope").loaded, false);
});

Deno.test("hwVersionOf parses hisi_qm api strings as UADK does", () => {
  assert.equal(hwVersionOf("hisi_qm_v1"), 1);
  assert.equal(hwVersionOf("hisi_qm_v5"), 5);
  assert.equal(hwVersionOf("hisi_qm_v2_noiommu"), 2);
  assert.equal(hwVersionOf("other"), null);
  assert.equal(hwVersionOf(null), null);
});
