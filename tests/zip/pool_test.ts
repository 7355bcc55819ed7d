import assert from "node:assert/strict";
import { DeflatePool } from "../../src/zip/sw/pool.ts";
import { textLike } from "./zip_helpers.ts";

function job() {
  return { data: textLike(4096), level: 1, last: true };
}

Deno.test("the pool knows a worker's block is done before it takes the worker's message", async () => {
  await using pool = new DeflatePool(1);
  assert.equal(pool.ready, 0);
  pool.warm("zng");
  await pool.run(job(), { codec: "zng", format: "gzip" }); // the worker is up
  assert.equal(pool.ready, 1);
  const second = pool.run(job(), { codec: "zng", format: "gzip" });
  second.catch(() => {}); // awaited below; a failed assertion must not leave it unhandled
  // Microtasks never let the worker's reply in: what the pool knows here, it knows from the
  // status the worker keeps in shared memory. (Bounded by wall time, not by a count of turns:
  // on a loaded machine the worker may wait long for a core.)
  const until = Date.now() + 30_000;
  while (pool.inFlight > 0 && Date.now() < until) await Promise.resolve();
  assert.equal(pool.inFlight, 0);
  assert.ok((await second).out.length > 0);
});
