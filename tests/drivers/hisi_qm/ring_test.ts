import assert from "node:assert/strict";
import { DB_CMD_CQ, DB_CMD_SQ, doorbellLayout } from "../../../src/drivers/hisi_qm/doorbell.ts";
import { QmRing, QueueDeadError } from "../../../src/drivers/hisi_qm/ring.ts";
import { libcSys, type Sys } from "../../../src/ffi/sys.ts";
import { thrown } from "../../helpers.ts";

Deno.test("the v2 doorbell packs qn, cmd, index and priority as hisi_qm does", () => {
  const v2 = doorbellLayout(2);
  assert.equal(v2.offset, 0x1000);
  assert.equal(v2.encode(5, DB_CMD_SQ, 17, 0), 0x0000_0011_0000_0005n);
  assert.equal(v2.encode(5, DB_CMD_CQ, 3, 1), 0x0001_0003_0000_1005n);
  assert.equal(v2.encode(0x7ff, DB_CMD_SQ, 0, 0), 0x3ffn, "qn is 10 bits wide");
  assert.deepEqual(v2.decode(0x0001_0003_0000_1005n), { qn: 5, cmd: 1, index: 3, priority: 1 });
  assert.equal(doorbellLayout(3), v2, "v3 and later share the v2 layout");
  assert.equal(doorbellLayout(5), v2);
});

Deno.test("the v1 doorbell sits at 0x340 with 16-bit fields", () => {
  const v1 = doorbellLayout(1);
  assert.equal(v1.offset, 0x340);
  assert.equal(v1.encode(5, DB_CMD_SQ, 17, 0), 0x0000_0011_0000_0005n);
  assert.equal(v1.encode(5, DB_CMD_CQ, 3, 1), 0x0001_0003_0001_0005n);
  assert.deepEqual(v1.decode(0x0001_0003_0001_0005n), { qn: 5, cmd: 1, index: 3, priority: 1 });
});

interface Rig {
  ring: QmRing;
  db: () => bigint;
  postCqe: (slot: number, phase: number) => void;
  status: Uint32Array;
  /** The CQ as the device writes it. */
  cq: Uint16Array;
  polls: bigint[];
  /** The timeout of each poll. */
  timeouts: number[];
  free: () => void;
}

/** A ring over plain memory, with the test playing the device. */
function rig(depth: number, hwVersion = 2, onPoll?: () => void): Rig {
  const sys = libcSys();
  const dusSize = depth * 128 + depth * 16 + 4096;
  const dus = sys.mapAnonymous(dusSize);
  const mmio = sys.mapAnonymous(8192);
  const polls: bigint[] = [];
  const timeouts: number[] = [];
  const layout = doorbellLayout(hwVersion);
  const db = () => new BigUint64Array(mmio.buffer)[layout.offset / 8]!;
  const fake: Sys = {
    ...sys,
    poll: (_fd, _events, timeoutMs) => {
      polls.push(db());
      timeouts.push(timeoutMs);
      onPoll?.();
      return Promise.resolve(1);
    },
  };
  const ring = new QmRing({
    fd: -1,
    qid: 7,
    sqeSize: 128,
    sqDepth: depth,
    cqDepth: depth,
    hwVersion,
    dus,
    mmio,
  }, fake);
  let tail = 0;
  const cq = new Uint16Array(dus.buffer, depth * 128, depth * 8);
  return {
    ring,
    db,
    postCqe: (slot, phase) => {
      cq[tail * 8 + 4] = slot;
      cq[tail * 8 + 5] = 7;
      cq[tail * 8 + 7] = phase;
      tail = (tail + 1) % depth;
    },
    status: new Uint32Array(dus.buffer, dusSize - 8, 2),
    cq,
    polls,
    timeouts,
    free: () => {
      dus.unmap();
      mmio.unmap();
    },
  };
}

Deno.test("submissions share one SQ doorbell carrying the new tail", () => {
  const r = rig(8);
  try {
    assert.equal(r.ring.free, 7, "one slot always stays free");
    r.ring.push();
    r.ring.push();
    r.ring.push();
    assert.equal(r.db(), 0n, "no doorbell before ring()");
    r.ring.ring();
    assert.equal(r.db(), doorbellLayout(2).encode(7, DB_CMD_SQ, 3, 0));
    assert.equal(r.ring.outstanding, 3);
    assert.equal(r.ring.free, 4);
  } finally {
    r.free();
  }
});

Deno.test("reap walks the phase bit in order, flips it on wrap, and acknowledges with a CQ doorbell", () => {
  const r = rig(4);
  try {
    const seen: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 3; i++) r.ring.push();
      r.ring.ring();
      assert.equal(r.ring.reap((s) => seen.push(s)), 0, "nothing completed yet");
      for (let i = 0; i < 3; i++) {
        const n = round * 3 + i; // completion number
        r.postCqe(n % 4, Math.floor(n / 4) % 2 === 0 ? 1 : 0); // the phase flips each lap of the CQ
      }
      assert.equal(r.ring.reap((s) => seen.push(s)), 3);
      assert.equal(r.db(), doorbellLayout(2).encode(7, DB_CMD_CQ, (round * 3 + 3) % 4, 0));
    }
    assert.deepEqual(seen, [0, 1, 2, 3, 0, 1, 2, 3, 0]);
    assert.equal(r.ring.outstanding, 0);
  } finally {
    r.free();
  }
});

Deno.test("a completion for a later slot means one was lost", () => {
  const r = rig(8);
  try {
    r.ring.push();
    r.ring.push();
    r.ring.ring();
    r.postCqe(1, 1);
    const e = thrown(() => r.ring.reap(() => {}));
    assert.ok(e instanceof QueueDeadError);
    assert.match(e.message, /completed slot 1 before slot 0: a completion was lost/);
  } finally {
    r.free();
  }
});

Deno.test("a CQE naming a slot beyond the SQ is corruption", () => {
  const r = rig(8);
  try {
    r.ring.push();
    r.ring.ring();
    r.postCqe(9, 1);
    assert.ok(thrown(() => r.ring.reap(() => {})) instanceof QueueDeadError);
  } finally {
    r.free();
  }
});

Deno.test("ds_tx stops submission and ds_rx stops completion", () => {
  const r = rig(8);
  try {
    r.ring.push();
    r.status[1] = 1; // ds_tx
    assert.match((thrown(() => r.ring.ring()) as Error).message, /send side is disabled \(ds_tx\)/);
    r.status[1] = 0;
    r.ring.ring();
    r.postCqe(0, 1);
    r.status[0] = 1; // ds_rx
    assert.match(
      (thrown(() => r.ring.reap(() => {})) as Error).message,
      /receive side is disabled \(ds_rx\)/,
    );
  } finally {
    r.free();
  }
});

Deno.test("pushing into a full ring is refused", () => {
  const r = rig(4);
  try {
    for (let i = 0; i < 3; i++) r.ring.push();
    assert.equal(r.ring.free, 0);
    assert.ok(thrown(() => r.ring.push()) instanceof QueueDeadError);
  } finally {
    r.free();
  }
});

Deno.test("wait re-arms, writes the SQ tail again, and sleeps in poll until a completion", async () => {
  const holder: { r?: Rig } = {};
  const r = holder.r = rig(8, 2, () => holder.r!.postCqe(0, 1));
  try {
    r.ring.push();
    r.ring.ring();
    assert.equal(await r.ring.wait(1000), true);
    assert.equal(r.polls.length, 1);
    assert.equal(
      r.polls[0],
      doorbellLayout(2).encode(7, DB_CMD_SQ, 1, 0),
      "the last doorbell before sleeping is the SQ tail",
    );
    assert.equal(r.ring.reap(() => {}), 1);
  } finally {
    r.free();
  }
});

Deno.test("wait returns at once when a completion is already there", async () => {
  const r = rig(8);
  try {
    r.ring.push();
    r.ring.ring();
    r.postCqe(0, 1);
    assert.equal(await r.ring.wait(1000), true);
    assert.equal(r.polls.length, 0, "no syscall when the spin finds it");
  } finally {
    r.free();
  }
});

Deno.test("a driver that reaps by spinning keeps the kernel's CQ head within a lap, so poll() still sees completions", async () => {
  const depth = 8;
  // The kernel's own CQ head, walked as hisi_qm_is_q_updated() walks it, at every poll().
  let kernelHead = 0;
  let kernelPhase = 1;
  const holder: { r?: Rig } = {};
  const kernelWalk = () => {
    const cq = holder.r!.cq;
    let updated = false;
    while ((cq[kernelHead * 8 + 7]! & 1) === kernelPhase) {
      updated = true;
      if (++kernelHead === depth) {
        kernelHead = 0;
        kernelPhase ^= 1;
      }
    }
    return updated;
  };
  const r = holder.r = rig(depth, 2, kernelWalk);
  try {
    let posted = 0;
    const inFlight: number[] = [];
    const submit = async () => {
      while (r.ring.needsSync) await r.ring.sync();
      inFlight.push(r.ring.tail);
      r.ring.push();
    };
    const complete = () => {
      r.postCqe(inFlight.shift()!, Math.floor(posted++ / depth) % 2 === 0 ? 1 : 0);
    };
    // Five laps of the CQ with four requests in flight, every completion found by spinning.
    while (posted < 5 * depth) {
      while (inFlight.length < 4) await submit();
      r.ring.ring();
      complete();
      assert.equal(r.ring.reap(() => {}), 1);
    }
    assert.ok(r.timeouts.length > 0 && r.timeouts.every((t) => t === 0), "syncs never sleep");
    // One more completion, as the driver would then sleep for it: the kernel must see it.
    await submit();
    r.ring.ring();
    while (inFlight.length > 1) {
      complete();
      r.ring.reap(() => {});
    }
    complete();
    assert.equal(kernelWalk(), true, "poll() reports the new completion instead of sleeping");
  } finally {
    r.free();
  }
});
