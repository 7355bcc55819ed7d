import assert from "node:assert/strict";
import { type EarlyProbe, earlyWorkers } from "../../src/cmd/zip_early.ts";
import { DeflatePool, discardPrestarted, prestartWorkers } from "../../src/zip/sw/pool.ts";

const MB = 1 << 20;

/** A machine with two CPUs, no ZIP device, no ISA-L, and these file sizes. */
function probe(sizes: Record<string, number>, extra: Partial<EarlyProbe> = {}): EarlyProbe {
  return {
    sizeOf: (p) => sizes[p] ?? null,
    cpus: 2,
    zipDevice: () => false,
    isal: () => false,
    ...extra,
  };
}

const big = probe({ "big.log": 70 * MB, "-": 70 * MB, "small.txt": 1000 });

Deno.test("wd zip of more than a block starts a worker per other CPU, with the level's codec", () => {
  assert.deepEqual(earlyWorkers(["zip", "big.log"], big), { workers: 1, codec: "zng" });
  assert.deepEqual(earlyWorkers(["zip", "-c"], big), { workers: 1, codec: "zng" }, "stdin");
  assert.deepEqual(earlyWorkers(["zip", "--threads=4", "big.log"], big), {
    workers: 3,
    codec: "zng",
  });
  const isal = probe({ "big.log": 70 * MB }, { isal: () => true });
  assert.deepEqual(earlyWorkers(["zip", "-1c", "big.log"], isal), { workers: 1, codec: "isal" });
  assert.deepEqual(earlyWorkers(["zip", "--fast", "-6", "big.log"], isal), {
    workers: 1,
    codec: "zng",
  }, "the last level wins");
});

Deno.test("wd zip starts no worker when none would compress", () => {
  for (
    const args of [
      ["unzip", "big.log.gz"],
      ["zip", "-d", "big.log.gz"],
      ["zip", "-dc", "big.log.gz"],
      ["zip", "--test", "big.log.gz"],
      ["zip", "-l", "big.log.gz"],
      ["zip", "--engine", "hw", "big.log"],
      ["zip", "--device", "hisi_zip-4", "big.log"],
      ["zip", "--threads", "1", "big.log"],
      ["zip", "small.txt"],
      ["zip", "missing.log"],
      ["--sim", "zip", "big.log"],
    ]
  ) {
    assert.equal(earlyWorkers(args, big), null, args.join(" "));
  }
  assert.equal(earlyWorkers(["zip", "big.log"], probe({ "big.log": 70 * MB }, { cpus: 1 })), null);
  const device = probe({ "big.log": 70 * MB }, { zipDevice: () => true });
  assert.equal(earlyWorkers(["zip", "big.log"], device), null, "auto may use the device");
  assert.deepEqual(earlyWorkers(["zip", "--engine=sw", "big.log"], device), {
    workers: 1,
    codec: "zng",
  });
});

Deno.test("wd zip's option values are not taken for files", () => {
  const sizes = probe({ "big.log": 70 * MB, ".x": 70 * MB, "zlib": 70 * MB, "-z": 70 * MB });
  assert.equal(earlyWorkers(["zip", "-S", ".x", "small"], sizes), null);
  assert.equal(earlyWorkers(["zip", "-kS", ".x", "small"], sizes), null);
  assert.equal(earlyWorkers(["zip", "--format", "zlib", "small"], sizes), null);
  assert.equal(earlyWorkers(["zip", "-S.x", "small"], sizes), null);
  assert.deepEqual(earlyWorkers(["zip", "--", "-z"], sizes), { workers: 1, codec: "zng" });
});

Deno.test("a pool takes over prestarted workers, and discarding ends the ones left", async () => {
  prestartWorkers(2, "zng");
  {
    await using pool = new DeflatePool(1);
    const r = await pool.run({ data: new Uint8Array(1000).fill(7), level: 1, last: true }, {
      codec: "zng",
      format: "gzip",
    });
    assert.ok(r.out.length > 0);
  }
  assert.equal(discardPrestarted(), 1, "the pool took one of the two");
  assert.equal(discardPrestarted(), 0);
});
