import assert from "node:assert/strict";
import { runWdSim } from "../fixtures/run_wd.ts";

// `delay=400`: every completion of the model is posted 400 ms late.
const SLOW = "v2,delay=400";
const QUEUE_TEST = ["queue", "test", "hisi_zip-4", "--size", "4K", "--count", "1"];

Deno.test("wd queue test --timeout declares the queue dead when a completion is later", async () => {
  const r = await runWdSim(SLOW, [...QUEUE_TEST, "--timeout", "100"]);
  assert.equal(r.code, 1, r.out);
  assert.match(r.err, /no completion from hisi_zip-4 queue \d+ in 100 ms/);
  assert.deepEqual(r.free, [64, 64], "both queues went back");
});

Deno.test("WD_TIMEOUT_MS sets the wait of every queue, and --timeout overrides it", async () => {
  const short = await runWdSim(SLOW, QUEUE_TEST, { WD_TIMEOUT_MS: "100" });
  assert.equal(short.code, 1, short.out);
  assert.match(short.err, /in 100 ms/);
  const long = await runWdSim(SLOW, [...QUEUE_TEST, "--timeout", "60000", "--json"], {
    WD_TIMEOUT_MS: "100",
  });
  assert.equal(long.code, 0, long.err);
  assert.equal(JSON.parse(long.out).verified, 1);
});

Deno.test("a bad --timeout or WD_TIMEOUT_MS is a usage error, not a software fallback", async () => {
  const opt = await runWdSim("v2", [...QUEUE_TEST, "--timeout", "0"]);
  assert.equal(opt.code, 2);
  assert.match(opt.err, /"0" is not a timeout/);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/f`, "timeout ".repeat(1000));
    for (
      const args of [QUEUE_TEST, ["zip", "-c", `${dir}/f`], [
        "zip",
        "-kc",
        "--engine",
        "hw",
        `${dir}/f`,
      ]]
    ) {
      const r = await runWdSim("v2", args, { WD_TIMEOUT_MS: "soon" });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assert.match(r.err, /Cannot use WD_TIMEOUT_MS="soon": it is not a whole number/);
      assert.equal(r.out, "", `${args.join(" ")} wrote nothing`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
