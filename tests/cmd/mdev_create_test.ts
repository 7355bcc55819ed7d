import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { mdevKernel } from "../../src/testing/mdev_kernel.ts";
import {
  gvtHost,
  noMdevHost,
  NVIDIA_MDEV_DRIVER,
  VGPU_MDEVS,
  vgpuHost,
} from "../../src/testing/mdev_machines.ts";
import { pciPath } from "../../src/testing/uacce_machines.ts";

const GPU0 = "0000:3b:00.0";
const CREATE_63 = `sys/class/mdev_bus/${GPU0}/mdev_supported_types/nvidia-63/create`;
const NEW = "3b0c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const create63 = (
  ...more: string[]
) => ["mdev", "create", "--parent", GPU0, "--type", "nvidia-63", ...more];

/** A vGPU host whose kernel creates and removes mdevs when the attributes are written. */
function liveVgpu(): FakeRoot {
  const t = vgpuHost(FakeRoot.create());
  return t.kernel(mdevKernel(t, { driver: NVIDIA_MDEV_DRIVER, firstGroup: 150 }));
}

function availableOf(t: FakeRoot, type: string): number {
  return Number(
    Deno.readTextFileSync(
      t.path(`${pciPath(GPU0)}/mdev_supported_types/${type}/available_instances`),
    ),
  );
}

Deno.test("create without --uuid writes a new UUID to create and prints it alone", async () => {
  using t = liveVgpu();
  const r = await runWd(t, create63());
  assert.equal(r.code, 0);
  assert.equal(r.err, "");
  assert.match(r.out, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$/);
  const uuid = r.out.trim();
  assert.deepEqual(t.writes, [{ path: CREATE_63, text: uuid }]);
  const list = JSON.parse((await runWd(t, ["mdev", "list", "--json"])).out) as Record<
    string,
    unknown
  >[];
  const made = list.find((m) => m["uuid"] === uuid)!;
  assert.equal(made["parent"], GPU0);
  assert.equal(made["type"], "nvidia-63");
  assert.equal(made["driver"], NVIDIA_MDEV_DRIVER);
  assert.equal(made["iommu_group"], 150);
  assert.equal(availableOf(t, "nvidia-63"), 5);
});

Deno.test("create with --uuid writes exactly that UUID, 36 bytes, and prints nothing", async () => {
  using t = liveVgpu();
  const r = await runWd(t, create63("--uuid", NEW));
  assert.deepEqual([r.code, r.out, r.err], [0, "", ""]);
  assert.deepEqual(t.writes, [{ path: CREATE_63, text: NEW }]);
  assert.equal(new TextEncoder().encode(t.writes[0]!.text).length, 36);
});

Deno.test("create accepts an upper-case UUID, writes it in lower case and says so", async () => {
  using t = liveVgpu();
  const r = await runWd(t, create63("--uuid", NEW.toUpperCase()));
  assert.equal(r.code, 0);
  assert.equal(
    r.err,
    `wd: note: using ${NEW}: the kernel names mdevs by their UUID in lower case\n`,
  );
  assert.deepEqual(t.writes, [{ path: CREATE_63, text: NEW }]);
});

Deno.test("create --dry-run checks everything, prints the write and writes nothing", async () => {
  using t = liveVgpu();
  const r = await runWd(t, create63("--uuid", NEW, "--dry-run"));
  assert.equal(r.code, 0);
  assert.equal(r.out, `would write "${NEW}" to ${t.path(CREATE_63)}\n`);
  assert.deepEqual(t.writes, []);
  assert.equal(availableOf(t, "nvidia-63"), 6);
  const full = await runWd(t, [
    "mdev",
    "create",
    "--parent",
    GPU0,
    "--type",
    "nvidia-64",
    "--dry-run",
  ]);
  assert.equal(full.code, 5);
  assert.deepEqual(t.writes, []);
});

/** A failed create: exit code, the whole stderr, nothing written. */
async function assertRefused(t: FakeRoot, args: string[], code: number, err: string) {
  const r = await runWd(t, args);
  assert.equal(r.err, err.replaceAll("<root>", t.root));
  assert.equal(r.code, code);
  assert.equal(r.out, "");
  assert.deepEqual(t.writes, []);
}

Deno.test("create refuses a malformed UUID with a usage error", async () => {
  using t = liveVgpu();
  await assertRefused(
    t,
    create63("--uuid", "3b0c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4"),
    2,
    'wd: error: Invalid UUID "3b0c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4": expected 32 hex digits as 8-4-4-4-12\n' +
      "wd: hint: such as 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001, or none for a new one\n",
  );
});

Deno.test("create on a host without mdev support says so and exits 6", async () => {
  using t = noMdevHost(FakeRoot.create());
  await assertRefused(
    t,
    create63(),
    6,
    "wd: error: No mdev support on this host: <root>/sys/class/mdev_bus does not exist\n" +
      "wd: hint: load a vendor driver that registers mdev parents (NVIDIA vGPU manager, i915 with " +
      "enable_gvt=1 and kvmgt, vfio_ap, vfio_ccw, mtty for testing)\n",
  );
});

Deno.test("create suggests the parent a case or a missing PCI domain away, and exits 3", async () => {
  using t = liveVgpu();
  for (const typed of ["0000:3B:00.0", "3b:00.0"]) {
    await assertRefused(
      t,
      ["mdev", "create", "--parent", typed, "--type", "nvidia-63"],
      3,
      `wd: error: Cannot find mdev parent "${typed}"\nwd: hint: did you mean "0000:3b:00.0"?\n`,
    );
  }
  await assertRefused(
    t,
    ["mdev", "create", "--parent", "0000:5e:00.0", "--type", "nvidia-63"],
    3,
    'wd: error: Cannot find mdev parent "0000:5e:00.0"\n' +
      "wd: hint: mdev parents here: 0000:3b:00.0, 0000:af:00.0\n",
  );
});

Deno.test("create on a PCI device that is no mdev parent exits 6", async () => {
  using t = liveVgpu();
  await assertRefused(
    t,
    ["mdev", "create", "--parent", "0000:18:00.0", "--type", "nvidia-63"],
    6,
    "wd: error: Device 0000:18:00.0 is not registered for mdev support\n" +
      "wd: hint: its driver offers no mdev types; mdev parents here: 0000:3b:00.0, 0000:af:00.0\n",
  );
});

Deno.test("create on a parent without mdev_supported_types says it is not registered", async () => {
  using t = liveVgpu();
  t.remove(`${pciPath(GPU0)}/mdev_supported_types`);
  await assertRefused(
    t,
    create63(),
    6,
    "wd: error: Parent 0000:3b:00.0 is not currently registered for mdev support\n" +
      "wd: hint: <root>/sys/class/mdev_bus/0000:3b:00.0 has no mdev_supported_types: its driver " +
      "(nvidia) is unregistering or failed; check dmesg\n",
  );
});

Deno.test("create suggests the type by case, by its name, or with the driver prefix", async () => {
  using t = liveVgpu();
  const cases: [string, string][] = [
    ["NVIDIA-63", 'did you mean "nvidia-63" (GRID P4-1Q)?'],
    ["grid p4-2q", 'did you mean "nvidia-64" (GRID P4-2Q)?'],
    ["63", 'did you mean "nvidia-63" (GRID P4-1Q)?'],
    ["nvidia-99", "types on 0000:3b:00.0 here: nvidia-63, nvidia-64, nvidia-65, nvidia-66"],
  ];
  for (const [typed, hint] of cases) {
    await assertRefused(
      t,
      ["mdev", "create", "--parent", GPU0, "--type", typed],
      3,
      `wd: error: Parent 0000:3b:00.0 does not support mdev type "${typed}"\nwd: hint: ${hint}\n`,
    );
  }
  using g = gvtHost(FakeRoot.create());
  await assertRefused(
    g,
    ["mdev", "create", "--parent", "0000:00:02.0", "--type", "GVTg_V5_4"],
    3,
    'wd: error: Parent 0000:00:02.0 does not support mdev type "GVTg_V5_4"\n' +
      'wd: hint: did you mean "i915-GVTg_V5_4" (GVTg_V5_4)?\n',
  );
});

Deno.test("create refuses a UUID already used anywhere, naming where", async () => {
  using t = liveVgpu();
  await assertRefused(
    t,
    create63("--uuid", VGPU_MDEVS.first),
    1,
    `wd: error: Mdev ${VGPU_MDEVS.first} already exists (type nvidia-63 on 0000:3b:00.0)\n` +
      `wd: hint: a UUID names one mdev on the whole host: remove that one first (wd mdev remove ${VGPU_MDEVS.first}) or give no UUID for a new one\n`,
  );
  await assertRefused(
    t,
    create63("--uuid", VGPU_MDEVS.full.toUpperCase()),
    1,
    `wd: error: UUID ${VGPU_MDEVS.full} is already used by an mdev of type nvidia-66 on 0000:af:00.0\n` +
      `wd: hint: a UUID names one mdev on the whole host: remove that one first (wd mdev remove ${VGPU_MDEVS.full}) or give no UUID for a new one\n`,
  );
});

Deno.test("create finds a used UUID under its parent even without the mdev bus link", async () => {
  using t = liveVgpu();
  t.remove(`sys/bus/mdev/devices/${VGPU_MDEVS.second}`);
  const r = await runWd(t, create63("--uuid", VGPU_MDEVS.second));
  assert.equal(r.code, 1);
  assert.match(r.err, /^wd: error: Mdev b6d0bd5e-1a87-4c0c-8f8e-2b3b4a7cb1a9 already exists/);
  assert.deepEqual(t.writes, []);
});

Deno.test("create with no free instance exits 5 and says which mdevs hold the parent", async () => {
  using t = liveVgpu();
  await assertRefused(
    t,
    ["mdev", "create", "--parent", GPU0, "--type", "nvidia-64"],
    5,
    "wd: error: No available instances of nvidia-64 on 0000:3b:00.0\n" +
      "wd: hint: mdevs on 0000:3b:00.0: nvidia-63 x2 (remove one with wd mdev remove UUID); " +
      "some drivers (NVIDIA vGPU) host one type per device at a time; types with free instances: nvidia-63\n",
  );
  await assertRefused(
    t,
    ["mdev", "create", "--parent", "0000:af:00.0", "--type", "nvidia-66"],
    5,
    "wd: error: No available instances of nvidia-66 on 0000:af:00.0\n" +
      "wd: hint: mdevs on 0000:af:00.0: nvidia-66 x1 (remove one with wd mdev remove UUID); " +
      "no type on this parent has a free instance\n",
  );
});

/** errno of the write → exit code and the message after "Cannot create mdev ... :". */
const CREATE_ERRNOS: [string, number, string, string][] = [
  [
    "EEXIST",
    1,
    "the kernel says this UUID is already in use (EEXIST)",
    "another mdev took it since wd checked: pick another UUID, or give none for a new one",
  ],
  [
    "EUSERS",
    5,
    "no instance of the type is left (EUSERS)",
    "another mdev took the last one since wd checked: see wd mdev types --parent 0000:3b:00.0",
  ],
  [
    "ENODEV",
    3,
    "the parent is being unregistered (ENODEV)",
    "its driver is unloading or the device is going away: check dmesg",
  ],
  [
    "EINVAL",
    1,
    "the vendor driver refused it (EINVAL)",
    "the UUID is well-formed, so nvidia rejected this type here: check dmesg (NVIDIA vGPU: a GPU hosts one vGPU type at a time)",
  ],
  [
    "EPERM",
    4,
    `writing <root>/${CREATE_63} needs root (EPERM)`,
    "mdev create attributes are writable by root only (mode 0200): run it as root (sudo wd mdev create ...)",
  ],
  [
    "EIO",
    1,
    "input/output error (EIO)",
    "the kernel or the vendor driver refused with EIO: check dmesg",
  ],
];

for (const [errno, code, why, hint] of CREATE_ERRNOS) {
  Deno.test(`create explains ${errno} from the kernel and exits ${code}`, async () => {
    using t = liveVgpu();
    const r = await runWd(t, create63("--uuid", NEW), { writeErrors: { [CREATE_63]: errno } });
    assert.equal(
      r.err,
      `wd: error: Cannot create mdev ${NEW} of type nvidia-63 on 0000:3b:00.0: ${why}\n`.replace(
        "<root>",
        t.root,
      ) +
        `wd: hint: ${hint}\n`,
    );
    assert.equal(r.code, code);
    assert.equal(r.out, "");
    assert.deepEqual(t.writes, [{ path: CREATE_63, text: NEW }]);
    assert.equal(availableOf(t, "nvidia-63"), 6, "a refused write creates nothing");
  });
}

Deno.test("create as a non-root user fails at open with EACCES: exit 4, nothing written", async () => {
  using t = liveVgpu();
  const r = await runWd(t, create63("--uuid", NEW), { openErrors: { [CREATE_63]: "EACCES" } });
  assert.equal(r.code, 4);
  assert.equal(
    r.err,
    `wd: error: Cannot create mdev ${NEW} of type nvidia-63 on 0000:3b:00.0: writing ${
      t.path(CREATE_63)
    } needs root (EACCES)\n` +
      "wd: hint: mdev create attributes are writable by root only (mode 0200): run it as root (sudo wd mdev create ...)\n",
  );
  assert.deepEqual(t.writes, []);
});

Deno.test("create times out with a clear error when the mdev never appears", async () => {
  using t = vgpuHost(FakeRoot.create()); // no kernel: the write lands in a plain file
  const r = await runWd(t, create63("--uuid", NEW, "--wait", "0"));
  assert.equal(r.code, 1);
  assert.equal(
    r.err,
    `wd: error: Timed out after 0 s waiting for mdev ${NEW} to appear\n` +
      `wd: hint: the kernel accepted the UUID but ${
        t.path(`sys/bus/mdev/devices/${NEW}`)
      } is not there yet: see wd mdev list and dmesg\n`,
  );
  assert.deepEqual(t.writes, [{ path: CREATE_63, text: NEW }]);
});

Deno.test("create rejects a --wait that is not a number of seconds", async () => {
  using t = liveVgpu();
  const r = await runWd(t, create63("--wait", "soon"));
  assert.equal(r.code, 2);
  assert.match(r.err, /expected a number of seconds, 0 or more/);
  assert.deepEqual(t.writes, []);
});

Deno.test("create needs --parent and --type", async () => {
  using t = liveVgpu();
  const r = await runWd(t, ["mdev", "create", "--type", "nvidia-63"]);
  assert.equal(r.code, 2);
  assert.match(r.err, /required option '--parent <name>' not specified/);
});

Deno.test("create on a type whose create attribute vanished says the parent or type went away", async () => {
  using t = liveVgpu();
  const r = await runWd(t, create63("--uuid", NEW), { openErrors: { [CREATE_63]: "ENOENT" } });
  assert.equal(r.code, 3);
  assert.equal(
    r.err,
    `wd: error: Cannot create mdev ${NEW} of type nvidia-63 on 0000:3b:00.0: ${
      t.path(CREATE_63)
    } does not exist (ENOENT)\n` +
      "wd: hint: the parent or type went away since wd checked: see wd mdev types\n",
  );
  assert.deepEqual(t.writes, []);
});

Deno.test("EINVAL from a non-NVIDIA parent leaves out the NVIDIA note", async () => {
  using t = gvtHost(FakeRoot.create());
  const create = "sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_8/create";
  const r = await runWd(
    t,
    ["mdev", "create", "--parent", "0000:00:02.0", "--type", "i915-GVTg_V5_8", "--uuid", NEW],
    { writeErrors: { [create]: "EINVAL" } },
  );
  assert.equal(r.code, 1);
  assert.equal(
    r.err,
    `wd: error: Cannot create mdev ${NEW} of type i915-GVTg_V5_8 on 0000:00:02.0: the vendor driver refused it (EINVAL)\n` +
      "wd: hint: the UUID is well-formed, so i915 rejected this type here: check dmesg\n",
  );
  assert.deepEqual(t.writes, [{ path: create, text: NEW }]);
});
