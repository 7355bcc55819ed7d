// The uacce queue ABI as the real 6.1 core enforces it around the fake device: ioctls, mmap
// rules, the queue state machine, and queues given back on close, exhaustion and signals.
import assert from "node:assert/strict";
import { SysError } from "../../../src/ffi/sys_error.ts";
import { libcSys } from "../../../src/ffi/sys.ts";
import { thrown } from "../../helpers.ts";
import { freeQueues, moduleParam, vmTest, waitFor, WD_DIR, ZIP_V2, ZIP_V3 } from "./guest.ts";
import { DUS, MMIO, PUT_Q, RawQueue, SET_QP_CTX, START_Q } from "./raw_queue.ts";

const PAGE = 4096;

function errno(fn: () => unknown): string {
  const e = thrown(fn);
  assert.ok(e instanceof SysError, `expected a SysError, got ${e}`);
  return e.code;
}

vmTest("SET_QP_CTX sets the direction, returns the queue number; qc_type 2 is EINVAL", () => {
  using a = RawQueue.open(ZIP_V2);
  using b = RawQueue.open(ZIP_V2);
  const ids = [a.setCtx(0), b.setCtx(1)];
  assert.notEqual(ids[0], ids[1], "two queues, two numbers");
  assert.ok(ids.every((id) => id >= 0 && id < Number(moduleParam("pf_q_num"))));
  assert.equal(a.setCtx(1), ids[0], "the number does not change with the direction");
  assert.equal(errno(() => a.setCtx(2)), "EINVAL");
  assert.equal(errno(() => a.setCtx(0xffff)), "EINVAL");
  assert.equal(SET_QP_CTX, 0xc004480a);
});

vmTest("SET_QP_INFO reports 128-byte SQEs and 1024-deep queues; unknown ioctls are EINVAL", () => {
  using q = RawQueue.open(ZIP_V2);
  assert.deepEqual(q.info(), { sqeSize: 128, sqDepth: 1024, cqDepth: 1024 });
  assert.equal(errno(() => q.ioctl(0x5702)), "EINVAL", "_IO('W', 2) is not a uacce command");
  assert.equal(errno(() => q.ioctl(0xc004480c)), "EINVAL", "nor is _IOWR('H', 12, 4)");
});

vmTest("mmap: wrong DUS length, MMIO over two pages and pgoff 2 are EINVAL", () => {
  using q = RawQueue.open(ZIP_V2);
  const { dus, mmio } = q.sizes;
  assert.equal(errno(() => q.map(DUS, dus - PAGE)), "EINVAL", "DUS one page short");
  assert.equal(errno(() => q.map(DUS, dus + PAGE)), "EINVAL", "DUS one page long");
  assert.equal(errno(() => q.map(MMIO, mmio + PAGE)), "EINVAL", "MMIO of three pages");
  assert.equal(errno(() => q.map(2, PAGE)), "EINVAL", "there is no region 2");
  q.map(MMIO, PAGE).unmap(); // smaller than the region is allowed, as hisi_qm allows it
});

vmTest("mmap: a region mapped twice is EEXIST, and on 6.1 also after munmap", () => {
  using q = RawQueue.open(ZIP_V2);
  const dus = q.map(DUS);
  assert.equal(errno(() => q.map(DUS)), "EEXIST");
  q.map(MMIO);
  assert.equal(errno(() => q.map(MMIO)), "EEXIST");
  dus.unmap();
  // 6.1's uacce_vma_close() frees the region but leaves q->qfrs[type] set (newer kernels
  // clear it): a queue's region can be mapped once per open.
  assert.equal(errno(() => q.map(DUS)), "EEXIST");
});

vmTest("START works once: the second START is EINVAL", () => {
  using q = RawQueue.open(ZIP_V2);
  q.setCtx(0);
  q.map(DUS);
  q.map(MMIO);
  assert.equal(q.ioctl(START_Q), 0);
  assert.equal(errno(() => q.ioctl(START_Q)), "EINVAL");
});

vmTest(
  "PUT_Q only stops the queue on 6.1: START works again, the queue is held until close",
  async () => {
    const before = freeQueues(ZIP_V3);
    {
      using q = RawQueue.started(ZIP_V3, 0);
      assert.equal(freeQueues(ZIP_V3), before - 1);
      assert.equal(q.ioctl(PUT_Q), 0);
      assert.equal(q.ioctl(PUT_Q), 0, "stopping a stopped queue is a no-op");
      assert.equal(freeQueues(ZIP_V3), before - 1, "PUT_Q does not give the queue back");
      assert.equal(q.ioctl(START_Q), 0, "back in INIT: START works again");
      q.setCtx(1);
      assert.equal(q.ioctl(PUT_Q), 0);
    }
    await waitFor("the queue to come back on close", () => freeQueues(ZIP_V3) === before);
  },
);

vmTest("close gives the queue back: available_instances is restored", async () => {
  const before = freeQueues(ZIP_V2);
  const queues = [RawQueue.started(ZIP_V2, 0), RawQueue.open(ZIP_V2), RawQueue.open(ZIP_V2)];
  assert.equal(freeQueues(ZIP_V2), before - 3);
  queues.forEach((q) => q.close());
  await waitFor("3 queues back", () => freeQueues(ZIP_V2) === before);
});

vmTest("close with the regions still mapped keeps the queue until they are unmapped", async () => {
  const before = freeQueues(ZIP_V2);
  const q = RawQueue.started(ZIP_V2, 0);
  libcSys().close(q.fd);
  // Each mapping holds a reference to the file: release (and the queue) waits for munmap.
  assert.equal(freeQueues(ZIP_V2), before - 1, "still held after close");
  q.dus!.unmap();
  assert.equal(freeQueues(ZIP_V2), before - 1, "still held by the MMIO mapping");
  q.mmio!.unmap();
  await waitFor(
    "the queue to come back after the last munmap",
    () => freeQueues(ZIP_V2) === before,
  );
});

vmTest("opening more queues than the device has is EBUSY, and every queue comes back", async () => {
  const total = Number(moduleParam("pf_q_num"));
  assert.equal(freeQueues(ZIP_V2), total, "no queue is held before the test");
  const queues: RawQueue[] = [];
  try {
    for (let i = 0; i < total; i++) queues.push(RawQueue.open(ZIP_V2));
    assert.equal(freeQueues(ZIP_V2), 0);
    assert.equal(errno(() => RawQueue.open(ZIP_V2)), "EBUSY");
    assert.equal(freeQueues(ZIP_V3), total, "the other device is not affected");
    const ids = new Set(queues.map((q) => q.setCtx(0)));
    assert.equal(ids.size, total, "every queue has its own number");
  } finally {
    queues.forEach((q) => q.close());
  }
  await waitFor("all queues back", () => freeQueues(ZIP_V2) === total);
});

vmTest("a child killed by SIGINT while holding a started, mapped queue gives it back", async () => {
  const before = freeQueues(ZIP_V2);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-check",
      "--cached-only",
      "-A",
      `${WD_DIR}/tests/vm/guest/hold_queue.ts`,
      ZIP_V2,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let said = "";
  while (!said.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    said += value;
  }
  assert.match(said, /^holding queue \d+ of hisi_zip-0\n/);
  assert.equal(freeQueues(ZIP_V2), before - 1);
  child.kill("SIGINT");
  const status = await child.status;
  await reader.cancel();
  assert.equal(status.signal, "SIGINT");
  await waitFor("the killed child's queue to come back", () => freeQueues(ZIP_V2) === before);
});
