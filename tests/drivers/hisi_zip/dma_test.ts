import assert from "node:assert/strict";
import { DmaBuffer, DmaPool } from "../../../src/drivers/hisi_zip/dma.ts";
import { processEnv } from "../../../src/env.ts";

const env = processEnv();

Deno.test("a held DMA buffer outlives free() until its last hold is dropped", () => {
  const b = new DmaBuffer(env, 4096, "test");
  const view = b.bytes;
  b.hold();
  b.free();
  view[0] = 1; // still mapped: the device may still be writing here
  assert.equal(view.length, 4096);
  b.unhold();
  assert.equal(view.length, 0, "unmapped, and its views detached, once released");
});

Deno.test("a pool never hands out again a buffer that is held", () => {
  const pool = new DmaPool(env, 4096, "test");
  const a = pool.take();
  a.hold();
  pool.give(a);
  const b = pool.take();
  assert.notEqual(b, a, "the held buffer is not reused");
  pool.give(b);
  assert.equal(pool.take(), b, "a free buffer is");
  pool.close();
  assert.equal(b.bytes.length, 0);
  assert.equal(a.bytes.length, 4096, "the held one stays until its hold goes");
  a.unhold();
  assert.equal(a.bytes.length, 0);
});
