import assert from "node:assert/strict";
import { io, ioc, ior, iow, iowr } from "../../src/ffi/ioctl.ts";

Deno.test("io encodes the uacce START_Q and PUT_Q commands", () => {
  assert.equal(io("W", 0), 0x5700);
  assert.equal(io("W", 1), 0x5701);
});

Deno.test("iowr encodes the hisi_qm SET_QP_CTX and SET_QP_INFO commands", () => {
  assert.equal(iowr("H", 10, 4), 0xC004480A);
  assert.equal(iowr("H", 11, 16), 0xC010480B);
});

Deno.test("ior and iow set the direction bits", () => {
  assert.equal(ior("W", 3, 8), 0x80085703); // legacy UACCE_CMD_GET_SS_DMA
  assert.equal(iow("H", 1, 4), 0x40044801);
  assert.equal(ioc(0, 0x54, 0x1b, 0), 0x541b); // FIONREAD
});

Deno.test("ioc rejects numbers that do not fit their fields", () => {
  assert.throws(() => ioc(0, "W", 256, 0), RangeError);
  assert.throws(() => ioc(0, "W", 0, 1 << 14), RangeError);
  assert.throws(() => ioc(0, "WW".charCodeAt(0) + 300, 0, 0), RangeError);
});
