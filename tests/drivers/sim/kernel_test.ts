import assert from "node:assert/strict";
import { findDevice, listDevices } from "../../../src/drivers/uacce/discover.ts";
import {
  UACCE_CMD_PUT_Q,
  UACCE_CMD_QM_SET_QP_CTX,
  UACCE_CMD_QM_SET_QP_INFO,
  UACCE_CMD_START_Q,
  UacceQueue,
} from "../../../src/drivers/uacce/queue.ts";
import { parseSimSpec } from "../../../src/drivers/sim/spec.ts";
import { WdError } from "../../../src/errors.ts";
import { SysError } from "../../../src/ffi/sys_error.ts";
import { O_CLOEXEC, O_RDONLY, O_RDWR } from "../../../src/ffi/sys.ts";
import { startSim } from "../../fixtures/sim.ts";
import { thrown } from "../../helpers.ts";

function errno(fn: () => unknown): string {
  const e = thrown(fn);
  assert.ok(e instanceof SysError, `expected a SysError, got ${e}`);
  return e.code;
}

Deno.test("the model's sysfs reads as a Kunpeng 920 with two SVA ZIP functions", () => {
  using rig = startSim("v2");
  const devices = listDevices(rig.env);
  assert.deepEqual(devices.map((d) => [d.name, d.api, d.sva, d.numaNode, d.availableInstances]), [
    ["hisi_zip-4", "hisi_qm_v2", true, 0, 64],
    ["hisi_zip-5", "hisi_qm_v2", true, 1, 64],
  ]);
  const page = rig.env.sys.pageSize();
  assert.equal(devices[0]!.regionMmioSize, page * (1 + Math.floor(0x1000 / page)));
  assert.deepEqual(devices[0]!.algorithms, ["zlib", "gzip"]);
  assert.deepEqual(devices[0]!.absent, {});
});

Deno.test("the v3 flavour is one hisi_qm_v3 function that offers deflate", () => {
  using rig = startSim("v3,queues=8,isolated");
  const [d] = listDevices(rig.env);
  assert.equal(d!.hwVersion, 3);
  assert.ok(d!.algorithms!.includes("deflate"));
  assert.equal(d!.availableInstances, 8);
  assert.equal(d!.isolated, true);
});

Deno.test("each open takes a queue and close gives it back", () => {
  using rig = startSim("v2,queues=2");
  const dev = findDevice(rig.env, "hisi_zip-4");
  const a = UacceQueue.open(rig.env, dev, { direction: "compress" });
  const b = UacceQueue.open(rig.env, dev, { direction: "decompress" });
  assert.equal(findDevice(rig.env, "hisi_zip-4").availableInstances, 0);
  assert.deepEqual([a.info.qid, b.info.qid], [0, 1]);
  const e = thrown(() => UacceQueue.open(rig.env, dev, { direction: "compress" }));
  assert.ok(e instanceof WdError && e.exitCode === 5, "EBUSY becomes exit code 5");
  assert.match(e.message, /all its queues are in use \(EBUSY\)/);
  a.release();
  b.release();
  b.release(); // twice is fine
  assert.equal(findDevice(rig.env, "hisi_zip-4").availableInstances, 2);
  assert.equal(rig.sim.openQueues, 0);
});

Deno.test("the model's ioctls and mmaps fail as the 6.1 uacce core does", () => {
  using rig = startSim("v2");
  const sys = rig.env.sys;
  const dev = findDevice(rig.env, "hisi_zip-4");
  const page = sys.pageSize();
  assert.equal(errno(() => sys.open(dev.node.path, O_RDONLY | O_CLOEXEC)), "EACCES");
  const fd = sys.open(dev.node.path, O_RDWR | O_CLOEXEC);
  try {
    const ctx = new Uint8Array([0, 0, 2, 0]); // qc_type 2
    assert.equal(errno(() => sys.ioctl(fd, UACCE_CMD_QM_SET_QP_CTX, ctx)), "EINVAL");
    ctx[2] = 1;
    sys.ioctl(fd, UACCE_CMD_QM_SET_QP_CTX, ctx);
    const info = new Uint8Array(16);
    sys.ioctl(fd, UACCE_CMD_QM_SET_QP_INFO, info);
    const v = new DataView(info.buffer);
    assert.deepEqual([v.getUint32(0, true), v.getUint16(4, true), v.getUint16(6, true)], [
      128,
      1024,
      1024,
    ]);
    assert.equal(
      errno(() => sys.mmap(fd, dev.regionDusSize! - page, page)),
      "EINVAL",
      "wrong DUS size",
    );
    assert.equal(errno(() => sys.mmap(fd, page, 2 * page)), "EINVAL", "pgoff 2");
    assert.equal(errno(() => sys.mmap(fd, page, 100)), "EINVAL", "offset not page-aligned");
    const dus = sys.mmap(fd, dev.regionDusSize!, page);
    assert.equal(errno(() => sys.mmap(fd, dev.regionDusSize!, page)), "EEXIST", "mapped twice");
    dus.unmap();
    assert.equal(
      errno(() => sys.mmap(fd, dev.regionDusSize!, page)),
      "EEXIST",
      "6.1: again after munmap",
    );
    sys.ioctl(fd, UACCE_CMD_START_Q);
    assert.equal(errno(() => sys.ioctl(fd, UACCE_CMD_START_Q)), "EINVAL", "started twice");
    sys.ioctl(fd, UACCE_CMD_PUT_Q);
    sys.ioctl(fd, UACCE_CMD_START_Q); // 6.1: PUT_Q stops back to INIT
    assert.equal(errno(() => sys.ioctl(fd, 0x5799)), "EINVAL", "unknown command");
  } finally {
    sys.close(fd);
  }
  assert.equal(errno(() => sys.close(fd)), "EBADF");
});

Deno.test("busy and isolated machines are refused with their reasons", () => {
  using busy = startSim("v2,busy");
  const e = thrown(() =>
    UacceQueue.open(busy.env, findDevice(busy.env, "hisi_zip-4"), { direction: "compress" })
  );
  assert.ok(e instanceof WdError && e.exitCode === 5);
  using iso = startSim("v2,isolated");
  const i = thrown(() =>
    UacceQueue.open(iso.env, findDevice(iso.env, "hisi_zip-4"), { direction: "compress" })
  );
  assert.ok(i instanceof WdError && i.exitCode === 6);
  assert.match(i.message, /isolated/);
});

Deno.test("a non-SVA device is refused unless WD_TEST_DEVICES names it", () => {
  using rig = startSim("v2", { WD_TEST_DEVICES: "hisi_zip-5" });
  const noSva = { ...findDevice(rig.env, "hisi_zip-4"), sva: false };
  const e = thrown(() => UacceQueue.open(rig.env, noSva, { direction: "compress" }));
  assert.ok(e instanceof WdError && e.exitCode === 6);
  assert.match(e.hint ?? "", /WD_TEST_DEVICES=hisi_zip-4/);
  using q = UacceQueue.open(rig.env, { ...findDevice(rig.env, "hisi_zip-5"), sva: false }, {
    qcType: 1, // the raw qc_type, as before "direction"
  });
  assert.equal(q.info.qcType, 1);
  assert.equal(q.info.direction, "decompress");
});

Deno.test("parseSimSpec reads every item and rejects unknown ones", () => {
  assert.deepEqual(
    parseSimSpec(
      "v3,queues=4,busy,isolated,ds_tx@2,ds_rx@3,status=0x41@4,delay=5,lose@6,qn@7",
    ),
    {
      flavour: "v3",
      queues: 4,
      instant: false,
      faults: [
        { kind: "busy" },
        { kind: "isolated" },
        { kind: "ds_tx", after: 2 },
        { kind: "ds_rx", after: 3 },
        { kind: "status", code: 0x41, at: 4 },
        { kind: "delay", ms: 5 },
        { kind: "lose", at: 6 },
        { kind: "qn", at: 7 },
      ],
    },
  );
  const e = thrown(() => parseSimSpec("v2,explode"));
  assert.ok(e instanceof WdError && e.exitCode === 2);
  assert.match(e.message, /"explode"/);
});

Deno.test("no text spec can make the model return no data (instant is the benchmark's alone)", () => {
  const e = thrown(() => parseSimSpec("v2,instant"));
  assert.ok(e instanceof WdError && e.exitCode === 2, String(e));
  assert.match(e.message, /instant/);
  assert.match(e.hint ?? "", /benchmark/);
});

Deno.test("queue numbers are allocated cyclically, as hisi_qm's idr_alloc_cyclic does", () => {
  using rig = startSim("v2,queues=4");
  const dev = findDevice(rig.env, "hisi_zip-4");
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) {
    using q = UacceQueue.open(rig.env, dev, { direction: "compress" });
    ids.push(q.info.qid);
  }
  assert.deepEqual(ids, [0, 1, 2, 3, 0, 1]);
});
