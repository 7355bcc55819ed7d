import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import {
  DSA2_OP_CAP,
  DSA_OP_CAP_510,
  DSA_OP_CAP_515,
  IAA2_OP_CAP,
  IAA_OP_CAP_515,
  idxdKernel510,
  idxdKernel515,
  idxdKernel617,
} from "../../src/testing/idxd_kernels.ts";
import { SPR_DSA_OP_CAP, SPR_IAA_OP_CAP } from "../../src/testing/idxd_machines.ts";
import { decodeOps, parseOpCap } from "../../src/drivers/idxd/ops.ts";
import { findIdxdDevice, listIdxdDevices } from "../../src/drivers/idxd/discover.ts";

Deno.test("parseOpCap reads the same DSA bits from the 5.10, 5.15 and 6.x formats", () => {
  const want = parseOpCap(SPR_DSA_OP_CAP)!;
  assert.equal(want.format, "bitmap");
  assert.deepEqual(parseOpCap(DSA_OP_CAP_515), { bits: want.bits, format: "u64x4" });
  assert.deepEqual(parseOpCap(DSA_OP_CAP_510), { bits: want.bits, format: "u64" });
  assert.deepEqual(parseOpCap(`${DSA_OP_CAP_515}\n`)?.bits, want.bits);
});

Deno.test("parseOpCap puts the 5.15 words lowest first: IAA's decompress is bit 0x42, not 0xc2", () => {
  const iaa = parseOpCap(IAA_OP_CAP_515)!;
  assert.deepEqual(iaa.bits, parseOpCap(SPR_IAA_OP_CAP)!.bits);
  assert.ok(iaa.bits.includes(0x42) && iaa.bits.includes(0x56));
  assert.deepEqual(parseOpCap("0x0 0x0 0x0 0x8000000000000000")?.bits, [255]);
  assert.deepEqual(parseOpCap("0x8000000000000001")?.bits, [0, 63]);
});

Deno.test("parseOpCap refuses text in no kernel's format", () => {
  for (const bad of ["", "garbage", "0x1 0x2", "0x1 0x2 0x3 0x4 0x5", "1003f03ff", "0x1,0x2"]) {
    assert.equal(parseOpCap(bad), null, bad);
  }
});

Deno.test("DSA 2.0 and IAA 2.0 operations accel-config names are named, in opcode order", () => {
  const dsa = decodeOps("dsa", parseOpCap(DSA2_OP_CAP)!.bits);
  assert.deepEqual(dsa.unknown, []);
  assert.deepEqual(dsa.names.slice(-12), [
    "cflush",
    "update_win",
    "rs_ipasid_memcopy",
    "rs_ipasid_fill",
    "rs_ipasid_compare",
    "rs_ipasid_compval",
    "rs_ipasid_cflush",
    "urs_ipasid_memcopy",
    "urs_ipasid_fill",
    "urs_ipasid_compare",
    "urs_ipasid_compval",
    "urs_ipasid_cflush",
  ]);
  const iaa = decodeOps("iax", parseOpCap(IAA2_OP_CAP)!.bits);
  assert.deepEqual(iaa.unknown, []);
  assert.deepEqual(iaa.names.slice(3, 8), [
    "transl_fetch",
    "decrypt",
    "encrypt",
    "decompress",
    "compress",
  ]);
  assert.ok(iaa.names.includes("zero_decomp_8") && iaa.names.includes("zero_comp_8"));
});

Deno.test("a 5.10 kernel: one-word op_cap decoded, tokens read as read buffers, no PASID attribute", () => {
  using t = idxdKernel510(FakeRoot.create());
  const d = findIdxdDevice(t.env().env, "dsa0");
  assert.equal(d.ops?.length, 17);
  assert.equal(d.ops?.at(-1), "cflush");
  assert.equal(d.maxReadBuffers, 96);
  assert.equal(d.readBufferLimit, 0);
  assert.equal(d.groups[0]!.readBuffersAllowed, 96);
  assert.equal(d.groups[0]!.useReadBufferLimit, 0);
  assert.equal(d.pasidEnabled, null);
  assert.equal(d.absent["pasid_enabled"], "missing");
  for (const k of ["max_read_buffers", "read_buffer_limit", "op_cap"]) assert.ok(!(k in d.absent));
  assert.equal(d.driver, "dsa");
  assert.equal(d.wqs[1]!.driver, "dsa");
});

Deno.test("a 5.15 kernel: four-word op_cap on DSA and IAA, tokens as read buffers on both", () => {
  using t = idxdKernel515(FakeRoot.create());
  const [dsa, iax] = listIdxdDevices(t.env().env);
  assert.equal(dsa!.ops?.at(-1), "cflush");
  assert.deepEqual(iax!.ops?.slice(3, 5), ["decompress", "compress"]);
  assert.equal(dsa!.maxReadBuffers, 96);
  assert.equal(iax!.maxReadBuffers, 0); // 5.15 shows them on IAA too (hidden since 6.2)
  assert.equal(dsa!.groups[0]!.readBuffersReserved, 0);
});

Deno.test("a 6.x kernel reads the read-buffer names, never the deprecated tokens aliases", () => {
  using t = idxdKernel617(FakeRoot.create());
  const dir = "sys/bus/dsa/devices";
  t.file(`${dir}/dsa0/max_tokens`, 7).file(`${dir}/group0.0/tokens_allowed`, 7);
  const [dsa, iax] = listIdxdDevices(t.env({ faults: { [`${dir}/dsa0/token_limit`]: "EIO" } }).env);
  assert.equal(dsa!.maxReadBuffers, 96);
  assert.equal(dsa!.readBufferLimit, 0);
  assert.equal(dsa!.groups[0]!.readBuffersAllowed, 96);
  assert.equal(iax!.maxReadBuffers, null); // hidden on IAA, under both names
  assert.equal(iax!.absent["max_read_buffers"], "missing");
  assert.equal(iax!.iaaCap, "0x1ff");
  assert.equal(dsa!.eventLogSize, 64);
  assert.deepEqual(dsa!.wqs[0]!.opConfigOps, ["memmove", "memfill"]);
});

Deno.test("a malformed op_cap leaves operations null and says why under op_cap", () => {
  using t = idxdKernel515(FakeRoot.create());
  t.file("sys/bus/dsa/devices/dsa0/op_cap", "0x1003f03ff 0x0");
  const d = findIdxdDevice(t.env().env, "dsa0");
  assert.equal(d.ops, null);
  assert.equal(d.opCap, "0x1003f03ff 0x0");
  assert.equal(
    d.absent["op_cap"],
    `malformed: "0x1003f03ff 0x0" is in no kernel's op_cap format`,
  );
});
