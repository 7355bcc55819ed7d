import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { sapphireRapids, SPR_DSA_OP_CAP, SPR_IAA_OP_CAP } from "../../src/testing/idxd_machines.ts";
import { cmdStatusText, decodeOps, parseBitmap } from "../../src/drivers/idxd/ops.ts";
import { findIdxdDevice, listIdxdDevices } from "../../src/drivers/idxd/discover.ts";
import { WdError } from "../../src/errors.ts";
import { thrown } from "../helpers.ts";

Deno.test("parseBitmap reads %*pb words most significant first", () => {
  assert.deepEqual(parseBitmap("00000000,00000001,00000009"), [0, 3, 32]);
  assert.deepEqual(parseBitmap("80000000,00000000"), [63]);
  assert.deepEqual(parseBitmap("0"), []);
  assert.equal(parseBitmap("0x1f"), null);
  assert.equal(parseBitmap("00000000,,00000001"), null);
});

Deno.test("decodeOps names DSA and IAA opcodes in opcode order, unknown bits as op_0xNN in place", () => {
  const dsa = decodeOps("dsa", parseBitmap(SPR_DSA_OP_CAP)!);
  assert.deepEqual(dsa.names, [
    "noop",
    "batch",
    "drain",
    "memmove",
    "memfill",
    "compare",
    "compval",
    "cr_delta",
    "ap_delta",
    "dualcast",
    "crcgen",
    "copy_crc",
    "dif_check",
    "dif_ins",
    "dif_strp",
    "dif_updt",
    "cflush",
  ]);
  assert.deepEqual(dsa.unknown, []);
  const iax = decodeOps("iax", parseBitmap(SPR_IAA_OP_CAP)!);
  assert.deepEqual(iax.names.slice(0, 6), [
    "noop",
    "drain",
    "memmove",
    "decompress",
    "compress",
    "crc64",
  ]);
  assert.equal(iax.names.at(-1), "expand");
  assert.deepEqual(decodeOps("iax", [0x42, 0x10]), {
    names: ["op_0x10", "decompress"],
    unknown: [0x10],
  });
  assert.deepEqual(decodeOps("dsa", [0x0a, 0x17, 0x30]), {
    names: ["transl_fetch", "dix_gen", "op_0x30"],
    unknown: [0x30],
  });
});

Deno.test("cmdStatusText explains driver errors and labels the rest", () => {
  assert.equal(cmdStatusText(0), null);
  assert.equal(cmdStatusText(0x80040000), "work queue name not set");
  assert.equal(cmdStatusText(0x80110000), "user work queue needs PASID (SVA), which is off");
  assert.equal(cmdStatusText(0x80990000), "driver error 0x80990000");
  assert.equal(cmdStatusText(0x3), "hardware command error 0x3");
});

Deno.test("hidden and refusing attributes are absent with their reason, never an error", () => {
  using t = sapphireRapids(FakeRoot.create());
  const [dsa, iax] = listIdxdDevices(t.env().env);
  assert.equal(iax!.maxBatchSize, null);
  assert.equal(iax!.absent["max_batch_size"], "missing");
  const wq = dsa!.wqs.find((w) => w.name === "wq0.2")!;
  assert.equal(wq.cdevMinor, null);
  assert.equal(wq.absent["cdev_minor"], "ENXIO: no such device or address");
  assert.equal(wq.occupancy, null);
  assert.equal(wq.absent["occupancy"], "EOPNOTSUPP: operation not supported");
  assert.equal(wq.enqcmdsRetries, null);
  const shared = dsa!.wqs.find((w) => w.name === "wq0.1")!;
  assert.equal(shared.enqcmdsRetries, 0);
  assert.equal(shared.cdevMinor, 1);
});

Deno.test("wq holders come from the char device's file<N>/pid, null when the kernel does not say", () => {
  using t = sapphireRapids(FakeRoot.create());
  const dsa = findIdxdDevice(t.env().env, "dsa0");
  const wq = (n: string) => dsa.wqs.find((w) => w.name === n)!;
  assert.deepEqual(wq("wq0.0").holders, [4242]);
  assert.deepEqual(wq("wq0.1").holders, [5120, 5121]);
  assert.equal(wq("wq0.2").holders, null, "a kernel wq has no char device");
  const cdev = "sys/bus/dsa/devices/wq0.1/dsa!wq0.1";
  for (const f of Deno.readDirSync(t.path(cdev))) {
    if (f.name.startsWith("file")) t.remove(`${cdev}/${f.name}/pid`);
  }
  const hidden = findIdxdDevice(t.env().env, "dsa0").wqs.find((w) => w.name === "wq0.1")!;
  assert.equal(hidden.holders, null, "files without pid (PASID off): unknown, not nobody");
});

Deno.test("devices on a separate iax bus (older kernels) are found too", () => {
  using t = sapphireRapids(FakeRoot.create());
  const real = Deno.realPathSync(t.path("sys/bus/dsa/devices/iax1"));
  t.remove("sys/bus/dsa/devices/iax1");
  Deno.mkdirSync(t.path("sys/bus/iax/devices"), { recursive: true });
  Deno.symlinkSync(real, t.path("sys/bus/iax/devices/iax1"));
  for (const w of ["wq1.0", "wq1.1"]) {
    Deno.symlinkSync(`${real}/${w}`, t.path(`sys/bus/iax/devices/${w}`));
  }
  const iax = findIdxdDevice(t.env().env, "iax1");
  assert.deepEqual(iax.wqs.map((w) => w.name), ["wq1.0", "wq1.1"]);
});

Deno.test("an unknown device name exits 3 with a did-you-mean", () => {
  using t = sapphireRapids(FakeRoot.create());
  const err = thrown(() => findIdxdDevice(t.env().env, "IAX1"));
  assert.ok(err instanceof WdError);
  assert.equal(err.message, 'Cannot find DSA/IAA device "IAX1"');
  assert.equal(err.hint, 'did you mean "iax1"?');
  assert.equal(err.exitCode, 3);
});

Deno.test("states, modes and types are the kernel's words, anything else is malformed", () => {
  using t = sapphireRapids(FakeRoot.create());
  const wq = t.path("sys/bus/dsa/devices/wq0.0");
  const dev = Deno.realPathSync(t.path("sys/bus/dsa/devices/dsa0"));
  Deno.writeTextFileSync(`${Deno.realPathSync(wq)}/mode`, "exclusive\n");
  Deno.writeTextFileSync(`${Deno.realPathSync(wq)}/state`, "locked\n");
  Deno.writeTextFileSync(`${dev}/state`, "on fire\n");
  const d = findIdxdDevice(t.env().env, "dsa0");
  assert.equal(d.state, null);
  assert.equal(d.absent["state"], 'malformed: "on fire" is not enabled, disabled, halted, unknown');
  const w = d.wqs.find((x) => x.name === "wq0.0")!;
  assert.equal(w.state, "locked");
  assert.equal(w.mode, null);
  assert.match(w.absent["mode"] ?? "", /^malformed: "exclusive" is not dedicated, shared/);
  assert.equal(w.type, "user");
  assert.equal(w.devNode, "/dev/dsa/wq0.0");
  assert.equal(w.devNodeExists, true);
});
