import assert from "node:assert/strict";
import { DeflatePool } from "../../src/zip/sw/pool.ts";
import { textLike } from "./zip_helpers.ts";

function job() {
  return { data: textLike(4096), level: 1, last: true };
}

Deno.test("poll lets a worker's reply in for a caller that never waits on its block", async () => {
  await using pool = new DeflatePool(1);
  await pool.poll(); // nothing started: returns at once
  await pool.run(job(), { codec: "zng", format: "gzip" }); // the worker is up
  const second = pool.run(job(), { codec: "zng", format: "gzip" });
  assert.equal(pool.inFlight, 1);
  // Microtasks alone never let the reply in; each poll is one turn of the event loop.
  for (let i = 0; i < 100_000 && pool.inFlight > 0; i++) await pool.poll();
  assert.equal(pool.inFlight, 0);
  assert.ok((await second).out.length > 0);
});
