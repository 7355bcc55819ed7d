import assert from "node:assert/strict";
import { type EarlyProbe, earlyWorkers, type ZipPlan } from "../../src/cmd/zip/early.ts";
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

/** A plan for `wd zip` with these files and options. */
function plan(files: string[], extra: Partial<ZipPlan> = {}): ZipPlan {
  return { files, engine: "auto", compressing: true, ...extra };
}

Deno.test("wd zip of more than a block starts a worker per other CPU, with the level's codec", () => {
  assert.deepEqual(earlyWorkers(plan(["big.log"]), big), { workers: 1, codec: "zng" });
  assert.deepEqual(earlyWorkers(plan([]), big), { workers: 1, codec: "zng" }, "stdin");
  assert.deepEqual(earlyWorkers(plan(["big.log"], { threads: 4 }), big), {
    workers: 3,
    codec: "zng",
  });
  const isal = probe({ "big.log": 70 * MB }, { isal: () => true });
  assert.deepEqual(earlyWorkers(plan(["big.log"], { level: 1 }), isal), {
    workers: 1,
    codec: "isal",
  });
});

Deno.test("wd zip starts no worker when none would compress", () => {
  const none: [string, ZipPlan][] = [
    ["-d, -l, -t", plan(["big.log"], { compressing: false })],
    ["--engine hw", plan(["big.log"], { engine: "hw" })],
    ["--device", plan(["big.log"], { device: "hisi_zip-4" })],
    ["--threads 1", plan(["big.log"], { threads: 1 })],
    ["one block", plan(["small.txt"])],
    ["no such file", plan(["missing.log"])],
  ];
  for (const [what, p] of none) assert.equal(earlyWorkers(p, big), null, what);
  assert.equal(earlyWorkers(plan(["big.log"]), probe({ "big.log": 70 * MB }, { cpus: 1 })), null);
  const device = probe({ "big.log": 70 * MB }, { zipDevice: () => true });
  assert.equal(earlyWorkers(plan(["big.log"]), device), null, "auto may use the device");
  assert.deepEqual(earlyWorkers(plan(["big.log"], { engine: "sw" }), device), {
    workers: 1,
    codec: "zng",
  });
});

Deno.test("the level the command line ends with decides the workers' codec", async () => {
  // The plan comes from the parsed command line: the parser's last-wins rule reaches here.
  const { parse } = await import("../../src/cli/parse.ts");
  const { program } = await import("../../src/cli/program.ts");
  const p = parse(program, ["zip", "--fast", "-6", "-kS", ".x", "big.log"], () => undefined);
  assert.ok(p.kind === "run");
  assert.deepEqual(p.operands, ["big.log"], "option values are not taken for files");
  const isal = probe({ "big.log": 70 * MB }, { isal: () => true });
  const level = p.values.level as number;
  assert.equal(level, 6);
  assert.deepEqual(earlyWorkers(plan(p.operands, { level }), isal), {
    workers: 1,
    codec: "zng",
  });
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
