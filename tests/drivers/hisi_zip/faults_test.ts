import assert from "node:assert/strict";
import { QueueDeadError } from "../../../src/drivers/hisi_qm/ring.ts";
import { DeviceStatusError } from "../../../src/drivers/hisi_zip/limits.ts";
import { ZipSession } from "../../../src/drivers/hisi_zip/session.ts";
import { findDevice } from "../../../src/drivers/uacce/discover.ts";
import { startSim } from "../../fixtures/sim.ts";
import { completionTimeout } from "../../helpers.ts";

const HDR = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
const block = (i: number) => new TextEncoder().encode(`block ${i} `.repeat(500));

/** Runs `n` stateless compressions on a faulty machine; returns each outcome. */
async function run(
  spec: string,
  n: number,
  timeoutMs = completionTimeout(2000),
): Promise<{ outcomes: (string | number)[]; log: string[]; free: number }> {
  using rig = startSim(spec);
  const dev = findDevice(rig.env, "hisi_zip-4");
  const before = dev.availableInstances!;
  const outcomes: (string | number)[] = [];
  {
    using s = ZipSession.open(rig.env, dev, {
      direction: "compress",
      alg: "gzip",
      blockSize: 64 << 10,
      timeoutMs,
    });
    const all = Array.from({ length: n }, (_, i) => s.compressBlock(block(i), HDR));
    for (const p of all) {
      try {
        outcomes.push((await p).bytes.length);
      } catch (err) {
        outcomes.push(
          err instanceof DeviceStatusError
            ? `status 0x${err.status.toString(16)}`
            : err instanceof QueueDeadError
            ? "dead"
            : String(err),
        );
      }
    }
  }
  const free = findDevice(rig.env, "hisi_zip-4").availableInstances!;
  assert.equal(free, before, "the queue went back to the device");
  return { outcomes, log: rig.sim.log, free };
}

Deno.test("an error status fails only that request", async () => {
  const r = await run("v2,status=0x41@2", 4);
  assert.equal(r.outcomes[1], "status 0x41");
  for (const i of [0, 2, 3]) assert.equal(typeof r.outcomes[i], "number");
});

Deno.test("a lost completion is caught by the next one and kills the queue", async () => {
  const r = await run("v2,lose@2", 4);
  assert.equal(typeof r.outcomes[0], "number");
  assert.deepEqual(r.outcomes.slice(1), ["dead", "dead", "dead"]);
  assert.ok(r.log.some((l) => /lost \(injected\)/.test(l)));
});

Deno.test("a lost last completion ends in a bounded wait, not a hang", async () => {
  const r = await run("v2,lose@1", 1, 300);
  assert.deepEqual(r.outcomes, ["dead"]);
});

Deno.test("ds_tx and ds_rx stop the queue mid-stream", async () => {
  for (const word of ["ds_tx", "ds_rx"]) {
    const r = await run(`v2,${word}@2`, 6);
    assert.equal(typeof r.outcomes[0], "number", `${word}: ${r.outcomes}`);
    assert.ok(r.outcomes.includes("dead"), `${word}: ${r.outcomes}`);
    assert.ok(r.log.some((l) => l.includes(word)));
  }
});

Deno.test("a doorbell with the wrong queue number kills the queue loudly", async () => {
  const r = await run("v2,qn@1", 3, completionTimeout(500));
  assert.deepEqual(r.outcomes, ["dead", "dead", "dead"]);
  assert.ok(r.log.some((l) => /doorbell carries queue number/.test(l)));
});

Deno.test("slow completions are only slow", async () => {
  const r = await run("v2,delay=30", 3);
  assert.ok(r.outcomes.every((o) => typeof o === "number"));
});
