/**
 * The library as a script writer meets it: names that are not devices are NotFoundErrors in
 * every call that takes one, options are checked at the boundary, and the high-level entry's
 * docs show an example for everything, importing the package by its name.
 */

import assert from "node:assert/strict";
import {
  collectMetrics,
  diagnose,
  diagnoseIdxd,
  diagnoseMdev,
  diagnoseUacce,
  type Env,
  findDevice,
  findIdxdDevice,
  findMdev,
  findMdevParent,
  NotFoundError,
  planCreate,
  planRemove,
  processEnv,
  selfTest,
  simulatedEnv,
  UacceQueue,
  UnsupportedError,
  UsageError,
  ZipSession,
  ZipStream,
} from "../mod.ts";
import { FakeRoot } from "../src/testing/fake_root.ts";
import { vgpuHost } from "../src/testing/mdev_machines.ts";
import { sapphireRapids } from "../src/testing/idxd_machines.ts";
import { rejected, thrown } from "./helpers.ts";

Deno.test("every call that takes a device name refuses one that is no device", async () => {
  await using env = simulatedEnv();
  const calls: [string, () => unknown][] = [
    ["findDevice", () => findDevice(env, "hisi_zip-9")],
    ["diagnoseUacce", () => diagnoseUacce(env, { device: "hisi_zip-9" })],
    ["diagnose", () => diagnose(env, { device: "hisi_zip-9" })],
    ["UacceQueue.open", () => UacceQueue.open(env, "hisi_zip-9")],
    ["ZipSession.open", () => ZipSession.open(env, "hisi_zip-9")],
  ];
  for (const [name, call] of calls) {
    const err = thrown(call);
    assert.ok(err instanceof NotFoundError, `${name}: ${err}`);
    assert.match(err.message, /"hisi_zip-9"/, name);
    assert.match(err.hint ?? "", /hisi_zip-4, hisi_zip-5/, name);
  }
  const st = await rejected(selfTest(env, "hisi_zip-9"));
  assert.ok(st instanceof NotFoundError);
  const zs = new ZipStream({ engine: "hw", device: "hisi_zip-9", env });
  const streamErr = await new Response(ReadableStream.from([new Uint8Array(8)]).pipeThrough(zs))
    .bytes().then(() => null, (e) => e);
  assert.ok(streamErr instanceof NotFoundError, String(streamErr));
  assert.equal(diagnoseUacce(env, { device: "/dev/hisi_zip-4" }).at(-1)?.subject, "hisi_zip-4");
});

Deno.test("mdev and idxd calls refuse names that are no parent, mdev or device", () => {
  using t = vgpuHost(FakeRoot.create());
  sapphireRapids(t);
  const { env } = t.env();
  const uuid = "3b0c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
  const calls: [string, () => unknown][] = [
    ["findMdevParent", () => findMdevParent(env, "0000:00:00.9")],
    ["diagnoseMdev", () => diagnoseMdev(env, { device: "0000:00:00.9" })],
    ["findMdev", () => findMdev(env, uuid)],
    ["planRemove", () => planRemove(env, { uuid })],
    ["planCreate", () => planCreate(env, { parent: "0000:00:00.9", type: "nvidia-63" })],
    ["findIdxdDevice", () => findIdxdDevice(env, "dsa9")],
    ["diagnoseIdxd", () => diagnoseIdxd(env, { device: "dsa9" })],
    ["diagnose", () => diagnose(env, { device: "dsa9" })],
  ];
  for (const [name, call] of calls) {
    const err = thrown(call);
    assert.ok(err instanceof NotFoundError, `${name}: ${err}`);
  }
  assert.ok(thrown(() => findMdev(env, "not-a-uuid")) instanceof UsageError);
  assert.deepEqual(
    diagnoseMdev(env, { device: "0000:3b:00.0" }).map((c) => c.subject),
    ["0000:3b:00.0"],
  );
});

Deno.test("a device that is not a ZIP engine, or lacks the algorithm, is unsupported", async () => {
  await using env = simulatedEnv();
  const alg = thrown(() => ZipSession.open(env, "hisi_zip-4", { alg: "deflate" }));
  assert.ok(alg instanceof UnsupportedError);
  assert.match(alg.message, /Cannot use deflate on "hisi_zip-4": the device does not list it/);
  const st = await rejected(selfTest(env, "hisi_zip-4", { alg: "deflate" }));
  assert.ok(st instanceof UnsupportedError);
});

Deno.test("bad options throw TypeError or RangeError naming the call, the option and what it takes", async () => {
  await using env = simulatedEnv();
  const cases: [() => unknown, ErrorConstructor, RegExp][] = [
    [
      () => UacceQueue.open(env, "hisi_zip-4", { direction: "both" as "compress" }),
      RangeError,
      /^UacceQueue\.open: option "direction" must be "compress" or "decompress", not "both"$/,
    ],
    [
      () => UacceQueue.open(env, "hisi_zip-4", { qcType: 2 as 0 }),
      RangeError,
      /option "qcType" must be 0 or 1/,
    ],
    [
      () => UacceQueue.open(env, "hisi_zip-4", { direction: "decompress", qcType: 0 }),
      RangeError,
      /"direction" and "qcType" disagree/,
    ],
    [
      () => ZipSession.open(env, "hisi_zip-4", { blockSize: 16 << 20 }),
      RangeError,
      /^ZipSession\.open: option "blockSize" must be an integer from 1 to 8388608, not 16777216$/,
    ],
    [
      () => ZipSession.open(env, "hisi_zip-4", { inFlight: 0 }),
      RangeError,
      /option "inFlight" must be an integer from 1 to 1024, not 0/,
    ],
    [() => ZipSession.open(env, "hisi_zip-4", { alg: "lz4" as "gzip" }), RangeError, /"alg"/],
    [() => diagnose(env, { devcie: "x" } as never), TypeError, /did you mean "device"/],
    [() => diagnoseUacce(env, { device: 4 as never }), TypeError, /non-empty string, not 4/],
    [() => findDevice(env, "" as string), TypeError, /^findDevice: the device must be a non-empty/],
    [() => findDevice({} as never, "hisi_zip-4"), TypeError, /^findDevice: env must be an Env/],
    [() => processEnv({ root: 7 as never }), TypeError, /^processEnv: option "root"/],
    [() => simulatedEnv(7 as never), TypeError, /^simulatedEnv: the spec must be a string/],
    [() => simulatedEnv("", { stdout: "x" as never }), TypeError, /option "stdout"/],
    [() => collectMetrics(env, { statspath: null } as never), TypeError, /did you mean/],
  ];
  for (const [call, type, message] of cases) {
    const err = thrown(call);
    assert.ok(err instanceof type, `${message}: ${err}`);
    assert.match((err as Error).message, message);
  }
  for (
    const [options, message] of [
      [{ size: 0 }, /option "size" must be an integer from 1 to 8388608, not 0/],
      [{ size: 100_000_000 }, /option "size"/],
      [{ count: 1.5 }, /option "count" must be an integer from 1 to 1000000000, not 1\.5/],
      [{ inFlight: -1 }, /option "inFlight" must be an integer of at least 1, not -1/],
      [{ timeoutMs: 0 }, /option "timeoutMs"/],
      [{ alg: "lz4" }, /option "alg" must be "deflate", "zlib" or "gzip", not "lz4"/],
      [{ cuont: 5 }, /unknown option "cuont" \(did you mean "count"\?\)/],
    ] as const
  ) {
    const err = await rejected(selfTest(env, "hisi_zip-4", options as never));
    assert.ok(err instanceof RangeError || err instanceof TypeError, String(err));
    assert.match((err as Error).message, /^selfTest: /);
    assert.match((err as Error).message, message);
  }
  assert.equal(env.machine.openQueues, 0, "no check left a queue open");
});

Deno.test("options take undefined for 'not given', under exactOptionalPropertyTypes", async () => {
  const maybe: Env | undefined = undefined;
  const level: number | undefined = undefined;
  const zs = new ZipStream({ env: maybe, level, engine: undefined, threads: 1 });
  const out = await new Response(ReadableStream.from([new Uint8Array(3)]).pipeThrough(zs)).bytes();
  assert.equal(out[0], 0x1f);
  assert.equal((await zs.report).bytesIn, 3);
});

Deno.test("a self-test without options sends wd queue test's defaults and says what it sent", async () => {
  await using env = simulatedEnv("v3");
  const r = await selfTest(env, "hisi_zip-2", { count: 3 });
  assert.deepEqual([r.device, r.alg, r.size, r.count], ["hisi_zip-2", "gzip", 65536, 3]);
  assert.equal(r.verified, 3);
  assert.deepEqual(r.failures, []);
  const huge = await selfTest(env, "hisi_zip-2", { count: 2, size: 4096, inFlight: 100_000 });
  assert.ok(huge.inFlight.used <= 1024, "in flight is capped, not refused");
  assert.match(huge.inFlight.limit ?? "", /deep|budget/);
});

Deno.test("mod.ts documents every export with an example that imports @wd/wd", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", "mod.ts"],
    cwd: new URL("..", import.meta.url),
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  const doc = JSON.parse(new TextDecoder().decode(out.stdout));
  const module = Object.values(doc.nodes)[0] as {
    symbols: {
      name: string;
      declarations: { jsDoc?: { tags?: { kind: string; doc?: string }[] } }[];
    }[];
  };
  const missing: string[] = [];
  const internal: string[] = [];
  for (const s of module.symbols) {
    const examples = s.declarations.flatMap((d) => d.jsDoc?.tags ?? [])
      .filter((t) => t.kind === "example");
    if (examples.length === 0) missing.push(s.name);
    for (const e of examples) {
      if (!/from "@wd\/wd(\/testing)?"/.test(e.doc ?? "") || /from "\./.test(e.doc ?? "")) {
        internal.push(s.name);
      }
    }
  }
  assert.ok(module.symbols.length >= 90, `${module.symbols.length} exports`);
  assert.deepEqual(missing, [], "exports without an example");
  assert.deepEqual(internal, [], "examples that do not import the package by its name");
  const names = module.symbols.map((s) => s.name);
  for (const low of ["ioc", "QmRing", "SqeRequest", "DmaBuffer", "Mapping", "ZipQueueT"]) {
    assert.ok(!names.includes(low), `${low} is not in the high-level entry`);
  }
});
