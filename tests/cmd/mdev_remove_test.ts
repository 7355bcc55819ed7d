import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { mdevKernel } from "../../src/testing/mdev_kernel.ts";
import { NVIDIA_MDEV_DRIVER, VGPU_MDEVS, vgpuHost } from "../../src/testing/mdev_machines.ts";
import { pciPath } from "../../src/testing/uacce_machines.ts";

const UUID = VGPU_MDEVS.first;
const REMOVE = `sys/bus/mdev/devices/${UUID}/remove`;

/** Whether the mdev bus still lists the mdev. */
function onBus(t: FakeRoot, uuid: string): boolean {
  try {
    return Deno.lstatSync(t.path(`sys/bus/mdev/devices/${uuid}`)).isSymlink;
  } catch {
    return false;
  }
}

function available63(t: FakeRoot): string {
  const dir = `${pciPath("0000:3b:00.0")}/mdev_supported_types/nvidia-63`;
  return Deno.readTextFileSync(t.path(`${dir}/available_instances`));
}

function liveVgpu(): FakeRoot {
  const t = vgpuHost(FakeRoot.create());
  return t.kernel(mdevKernel(t, { driver: NVIDIA_MDEV_DRIVER, firstGroup: 150 }));
}

Deno.test("remove writes 1 to the mdev's remove and waits until it is gone", async () => {
  using t = liveVgpu();
  const r = await runWd(t, ["mdev", "remove", UUID]);
  assert.deepEqual([r.code, r.out, r.err], [0, "", ""]);
  assert.deepEqual(t.writes, [{ path: REMOVE, text: "1" }]);
  assert.equal(onBus(t, UUID), false);
  const left = JSON.parse((await runWd(t, ["mdev", "list", "--json"])).out) as { uuid: string }[];
  assert.deepEqual(left.map((m) => m.uuid), [VGPU_MDEVS.full, VGPU_MDEVS.second]);
  assert.equal(available63(t), "7\n");
});

Deno.test("remove accepts an upper-case UUID and says it used the lower-case one", async () => {
  using t = liveVgpu();
  const r = await runWd(t, ["mdev", "remove", UUID.toUpperCase()]);
  assert.equal(r.code, 0);
  assert.equal(
    r.err,
    `wd: note: using ${UUID}: the kernel names mdevs by their UUID in lower case\n`,
  );
  assert.deepEqual(t.writes, [{ path: REMOVE, text: "1" }]);
});

Deno.test("remove --dry-run prints the write and leaves the mdev alone", async () => {
  using t = liveVgpu();
  const r = await runWd(t, ["mdev", "remove", UUID, "--dry-run"]);
  assert.equal(r.code, 0);
  assert.equal(r.out, `would write "1" to ${t.path(REMOVE)}\n`);
  assert.deepEqual(t.writes, []);
  assert.ok(onBus(t, UUID));
});

Deno.test("remove of an unknown UUID exits 3 and lists the active mdevs", async () => {
  using t = liveVgpu();
  const r = await runWd(t, ["mdev", "remove", "3b0c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"]);
  assert.equal(r.code, 3);
  assert.equal(
    r.err,
    "wd: error: Cannot find mdev 3b0c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e\n" +
      `wd: hint: active mdevs here: ${VGPU_MDEVS.full}, ${VGPU_MDEVS.first}, ${VGPU_MDEVS.second}\n`,
  );
  assert.deepEqual(t.writes, []);
});

Deno.test("remove of a malformed UUID is a usage error", async () => {
  using t = liveVgpu();
  const r = await runWd(t, ["mdev", "remove", "aa618089"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /^wd: error: Invalid UUID "aa618089"/);
  assert.match(r.err, /hint: give the UUID of an active mdev, as wd mdev list shows it/);
  assert.doesNotMatch(r.err, /--uuid/, "no hint about creating one");
  assert.deepEqual(t.writes, []);
});

const REMOVE_ERRNOS: [string, number, string, string][] = [
  [
    "ENODEV",
    3,
    "the kernel no longer knows it, or its parent is being unregistered (ENODEV)",
    "see wd mdev list",
  ],
  [
    "EAGAIN",
    5,
    "it is not active yet (still being created) (EAGAIN)",
    `try again in a moment: wd mdev remove ${UUID}`,
  ],
  [
    "EBUSY",
    5,
    "it is in use (EBUSY)",
    "its vendor driver cannot unplug it while a VM uses it: stop the VM first",
  ],
  [
    "EACCES",
    4,
    "writing <root>/sys/bus/mdev/devices/aa618089-8b16-4d01-a136-25a0f3c73123/remove needs root (EACCES)",
    "mdev remove attributes are writable by root only (mode 0200): run it as root (sudo wd mdev remove ...)",
  ],
];

for (const [errno, code, why, hint] of REMOVE_ERRNOS) {
  Deno.test(`remove explains ${errno} from the kernel and exits ${code}`, async () => {
    using t = liveVgpu();
    const r = await runWd(t, ["mdev", "remove", UUID], { writeErrors: { [REMOVE]: errno } });
    assert.equal(
      r.err,
      `wd: error: Cannot remove mdev ${UUID}: ${why}\n`.replace("<root>", t.root) +
        `wd: hint: ${hint}\n`,
    );
    assert.equal(r.code, code);
    assert.deepEqual(t.writes, [{ path: REMOVE, text: "1" }]);
    assert.ok(onBus(t, UUID), "still there");
    assert.equal(available63(t), "6\n");
  });
}

Deno.test("remove times out with a clear error when the mdev stays", async () => {
  using t = vgpuHost(FakeRoot.create()); // no kernel: nothing goes away
  const r = await runWd(t, ["mdev", "remove", UUID, "--wait", "0"]);
  assert.equal(r.code, 1);
  assert.equal(
    r.err,
    `wd: error: Timed out after 0 s waiting for mdev ${UUID} to go away\n` +
      `wd: hint: the kernel accepted the removal but ${
        t.path(`sys/bus/mdev/devices/${UUID}`)
      } is still there: is a VM still using it?\n`,
  );
  assert.deepEqual(t.writes, [{ path: REMOVE, text: "1" }]);
});

Deno.test("create then remove round-trips through the kernel", async () => {
  using t = liveVgpu();
  const made = await runWd(t, [
    "mdev",
    "create",
    "--parent",
    "0000:3b:00.0",
    "--type",
    "nvidia-63",
  ]);
  const uuid = made.out.trim();
  const gone = await runWd(t, ["mdev", "remove", uuid]);
  assert.equal(gone.code, 0);
  assert.deepEqual(t.writes.map((w) => w.text), [uuid, "1"]);
  const list = JSON.parse((await runWd(t, ["mdev", "list", "--json"])).out) as { uuid: string }[];
  assert.ok(!list.some((m) => m.uuid === uuid));
});

Deno.test("remove says so when the mdev went away between the check and the write", async () => {
  using t = liveVgpu();
  const r = await runWd(t, ["mdev", "remove", UUID], { openErrors: { [REMOVE]: "ENOENT" } });
  assert.equal(r.code, 3);
  assert.equal(
    r.err,
    `wd: error: Cannot remove mdev ${UUID}: it went away before wd could write remove (ENOENT)\n` +
      "wd: hint: see wd mdev list\n",
  );
  assert.deepEqual(t.writes, []);
});
