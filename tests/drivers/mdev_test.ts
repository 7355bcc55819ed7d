import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { VGPU_MDEVS, vgpuHost } from "../../src/testing/mdev_machines.ts";
import { applyWrite, planCreate } from "../../src/drivers/mdev/lifecycle.ts";
import { DEFAULT_WAIT_MS, waitUntil } from "../../src/drivers/mdev/wait.ts";
import { isUuid, parseUuid } from "../../src/drivers/mdev/uuid.ts";
import { findMdev } from "../../src/drivers/mdev/devices.ts";
import { existingHint, nearName } from "../../src/drivers/suggest.ts";
import { ExitCode, NotFoundError, UsageError, WdError } from "../../src/errors.ts";
import { rejected, thrown } from "../helpers.ts";

/** A clock that only moves when the code sleeps, and counts the sleeps. */
function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => {
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
    sleeps,
  };
}

Deno.test("waitUntil looks every interval until the bound, then gives up", async () => {
  const clock = fakeClock();
  const ok = await waitUntil(() => false, { timeoutMs: 1000, intervalMs: 50, ...clock });
  assert.equal(ok, false);
  assert.equal(clock.sleeps.length, 20);
  assert.equal(clock.sleeps.reduce((a, b) => a + b, 0), 1000);
});

Deno.test("waitUntil returns as soon as the condition holds, and looks once with a 0 bound", async () => {
  const clock = fakeClock();
  let looks = 0;
  assert.equal(await waitUntil(() => ++looks === 3, { ...clock }), true);
  assert.equal(looks, 3);
  assert.deepEqual(clock.sleeps, [50, 50]);
  let once = 0;
  assert.equal(await waitUntil(() => (once++, false), { timeoutMs: 0, ...clock }), false);
  assert.equal(once, 1);
});

Deno.test("applyWrite waits 5 s by default for the mdev to appear, then times out", async () => {
  using t = vgpuHost(FakeRoot.create()); // no kernel: the mdev never appears
  const { env } = t.env();
  const w = planCreate(env, {
    parent: "0000:3b:00.0",
    type: "nvidia-63",
    uuid: "3b0c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
  });
  const clock = fakeClock();
  const err = await rejected(applyWrite(env, w, { now: clock.now, sleep: clock.sleep }));
  assert.ok(err instanceof WdError);
  assert.match(err.message, /^Timed out after 5 s waiting for mdev 3b0c1d2e/);
  assert.equal(DEFAULT_WAIT_MS, 5000);
  assert.equal(clock.sleeps.reduce((a, b) => a + b, 0), 5000);
});

Deno.test("parseUuid lower-cases and remembers what was typed; rejects near misses", () => {
  assert.deepEqual(parseUuid("AA618089-8B16-4D01-A136-25A0F3C73123"), {
    uuid: "aa618089-8b16-4d01-a136-25a0f3c73123",
    typed: "AA618089-8B16-4D01-A136-25A0F3C73123",
  });
  assert.deepEqual(parseUuid(VGPU_MDEVS.first), { uuid: VGPU_MDEVS.first, typed: null });
  for (
    const bad of [
      "aa6180898b164d01a13625a0f3c73123",
      "{aa618089-8b16-4d01-a136-25a0f3c73123}",
      "aa618089-8b16-4d01-a136-25a0f3c7312g",
      "aa618089-8b16-4d01-a136-25a0f3c73123\n",
    ]
  ) {
    assert.equal(isUuid(bad), false, bad);
    const err = thrown(() => parseUuid(bad));
    assert.ok(err instanceof WdError && err.exitCode === ExitCode.USAGE);
  }
});

Deno.test("findMdev resolves parent and type from links, not names", () => {
  using t = vgpuHost(FakeRoot.create());
  const { env } = t.env();
  const m = findMdev(env, VGPU_MDEVS.full.toUpperCase());
  assert.equal(m.uuid, VGPU_MDEVS.full);
  assert.equal(m.parent, "0000:af:00.0");
  assert.equal(m.type, "nvidia-66");
  assert.equal(m.typeName, "GRID P4-8Q");
  const missing = thrown(() => findMdev(env, "3b0c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"));
  assert.ok(missing instanceof NotFoundError);
  assert.match(missing.message, /Cannot find mdev 3b0c1d2e-/);
  assert.match(missing.hint ?? "", new RegExp(`active mdevs here: .*${VGPU_MDEVS.full}`));
  assert.ok(thrown(() => findMdev(env, "not-a-uuid")) instanceof UsageError);
});

Deno.test("nearName matches another case or a missing PCI domain, and nothing else", () => {
  const names = ["0000:3b:00.0", "matrix", "i915-GVTg_V5_4"];
  assert.equal(nearName("MATRIX", names), "matrix");
  assert.equal(nearName("3B:00.0", names), "0000:3b:00.0");
  assert.equal(nearName("i915-gvtg_v5_4", names), "i915-GVTg_V5_4");
  assert.equal(nearName("0000:3b:00.1", names), undefined);
  assert.equal(existingHint("parents", []), "there are no parents here");
  assert.equal(existingHint("parents", ["a", "b", "c"], 2), "parents here: a, b, ... (3 in all)");
});
