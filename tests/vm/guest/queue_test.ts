// Completion mechanics through the real core: CQEs and the phase bit, poll() and the kernel's
// own CQ tracker behind it, doorbells in RAM, and the queue-number check.
import assert from "node:assert/strict";
import { POLLIN } from "../../../src/ffi/sys.ts";
import { vmTest, waitFor, ZIP_V2, ZIP_V3 } from "./guest.ts";
import { memory, text } from "./jobs.ts";
import { PUT_Q, RawQueue, START_Q } from "./raw_queue.ts";
import { DEPTH, doorbell, encodeSqe, Status } from "./sqe.ts";

/** Tiny requests (empty gzip members: status 0x0D) writing into one shared output buffer. */
function tiny(dst: bigint, tag: number): Uint8Array {
  return encodeSqe({ alg: "gzip", type: 0, src: dst, inLen: 0, dst, outCap: 64, tag });
}

vmTest("CQEs name the slot and the queue with phase 1, in submission order", async () => {
  using q = RawQueue.started(ZIP_V2, 0);
  using dst = memory(64);
  const slots = q.submit(...Array.from({ length: 8 }, (_, i) => tiny(dst.address, 100 + i)));
  assert.deepEqual(slots, [0, 1, 2, 3, 4, 5, 6, 7], "one doorbell for eight SQEs");
  for (const slot of slots) {
    const { cqe, result } = await q.next();
    assert.deepEqual(cqe, { sqHead: slot, sqNum: q.id, phase: 1 });
    assert.equal(result.tag, 100 + slot);
    assert.equal(result.status, Status.NEGATIVE_COMPRESSION);
  }
});

vmTest("the phase bit flips each time the CQ wraps", async () => {
  using q = RawQueue.started(ZIP_V2, 0);
  using dst = memory(64);
  let done = 0;
  for (const batch of [DEPTH - 1, 200]) { // at most depth - 1 in flight
    const slots = q.submit(...Array.from({ length: batch }, (_, i) => tiny(dst.address, done + i)));
    for (const slot of slots) {
      const { cqe } = await q.next();
      assert.equal(cqe.sqHead, slot);
      assert.equal(cqe.phase, done < DEPTH ? 1 : 0, `completion ${done}`);
      done++;
    }
  }
  assert.equal(q.head, done - DEPTH, "the CQ head wrapped");
  assert.equal(q.cqe(DEPTH - 1).phase, 1, "the last CQE of the first lap");
  assert.equal(q.cqe(0).phase, 0, "the first CQE of the second lap");
});

vmTest(
  "poll() (nonblocking FFI) sleeps until a completion, then reports each completion once",
  async () => {
    using q = RawQueue.started(ZIP_V3, 0);
    using src = memory(text(300_000));
    using dst = memory(300_000);
    assert.equal(await q.poll(200), 0, "nothing submitted: poll times out");
    const [slot] = q.submit(encodeSqe({
      alg: "zlib",
      type: 3,
      src: src.address,
      inLen: 300_000,
      dst: dst.address,
      outCap: 300_000,
    }));
    assert.equal((await q.poll(20_000)) & POLLIN, POLLIN, "woken by the completion");
    const c = q.take();
    assert.equal(c?.cqe.sqHead, slot, "the CQE is there when poll() returns");
    assert.equal(await q.poll(200), 0, "the kernel's tracker already saw that CQE");
    // The tracker is the kernel's, not the driver's: a CQE the driver took by spinning is still
    // reported by the next poll(). A driver must check the CQ before it sleeps.
    q.submit(tiny(dst.address, 1));
    await waitFor("a completion, spinning", () => q.take() !== null);
    assert.equal((await q.poll(0)) & POLLIN, POLLIN, "reported although already taken");
    assert.equal(await q.poll(100), 0);
  },
);

vmTest(
  "an SQ tail overwritten by a CQ doorbell is found once the driver re-writes it",
  async () => {
    using q = RawQueue.started(ZIP_V2, 0);
    using dst = memory(64);
    await q.run(tiny(dst.address, 0)); // the CQ head is now 1
    await new Promise((r) => setTimeout(r, 20)); // the worker goes idle
    q.submit(tiny(dst.address, 1));
    q.ring(doorbell(q.id, 1, q.head)); // a CQ doorbell right after: the RAM keeps only this
    const { cqe, result } = await q.next(); // re-writes the SQ tail before each poll()
    assert.deepEqual([cqe.sqHead, result.tag, result.status], [1, 1, Status.NEGATIVE_COMPRESSION]);
  },
);

vmTest(
  "a doorbell naming another queue marks the queue dead: ds_rx = 1, nothing runs",
  async () => {
    using q = RawQueue.started(ZIP_V2, 0);
    using dst = memory(64);
    assert.deepEqual(q.status, { dsTx: 0, dsRx: 0 });
    new Uint8Array(q.dus!.buffer).set(tiny(dst.address, 5), 0);
    q.ring(doorbell(q.id + 1, 0, 1)); // slot 0 submitted under the wrong queue number
    await waitFor("ds_rx = 1", () => q.status.dsRx === 1);
    assert.equal(q.status.dsTx, 0);
    q.ring(doorbell(q.id, 0, 1)); // even a correct doorbell now does nothing
    assert.equal(await q.poll(200), 0);
    assert.equal(q.take(), null, "slot 0 never completed");
  },
);

vmTest("after PUT_Q and START the CQ keeps its old CQEs, which look like new ones", async () => {
  using q = RawQueue.started(ZIP_V2, 0);
  using dst = memory(64);
  await q.run(tiny(dst.address, 0));
  assert.equal(q.ioctl(PUT_Q), 0);
  assert.equal(q.ioctl(START_Q), 0);
  // hisi_qm zeroes the CQ only when a queue is created, while START resets the device's SQ
  // head, CQ tail and phase: a driver restarting at CQ head 0, phase 1 would take this stale
  // CQE for a new completion. After PUT_Q, close and reopen instead.
  assert.deepEqual(q.cqe(0), { sqHead: 0, sqNum: q.id, phase: 1 });
  q.tail = 0;
  const sqe = tiny(dst.address, 9);
  new DataView(sqe.buffer).setUint32(12, 0xff, true); // a status the device overwrites
  q.submit(sqe);
  await waitFor("slot 0 to run again", () => q.result(0).status !== 0xff);
  assert.deepEqual(q.cqe(0), { sqHead: 0, sqNum: q.id, phase: 1 }, "indistinguishable");
});
