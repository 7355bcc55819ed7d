// The device is not trusted with the user's data: wrong results are caught before they go
// anywhere, device faults are never blamed on the file, and no request leaves the engine's
// limits or touches memory after the queue lets go of it.
import assert from "node:assert/strict";
import { findDevice, listDevices } from "../../src/drivers/uacce/discover.ts";
import type { Engine } from "../../src/zip/engine.ts";
import { ZipDataError } from "../../src/zip/errors.ts";
import { DeviceOutputError } from "../../src/zip/errors.ts";
import { HOLD_LIMIT } from "../../src/zip/hw/decompress.ts";
import { HardwareEngine } from "../../src/zip/hw/engine.ts";
import { softwareBlockDeflater } from "../../src/zip/sw/block_deflater.ts";
import { SoftwareEngine } from "../../src/zip/sw/engine.ts";
import { startSim } from "../fixtures/sim.ts";
import {
  chunked,
  collect,
  concat,
  nodeDecode,
  nodeEncode,
  noise,
  recordedMember,
  textLike,
} from "./zip_helpers.ts";

const DATA = concat(textLike(600_000), noise(80_000), textLike(300_000, 5));

interface Options {
  verify?: boolean;
  required?: boolean;
  timeoutMs?: number;
  blockSize?: number;
}

function open(spec: string, direction: "compress" | "decompress", o: Options = {}) {
  const rig = startSim(spec);
  const engine = HardwareEngine.open(rig.env, findDevice(rig.env, "hisi_zip-4"), {
    direction,
    software: softwareBlockDeflater(),
    softwareEngine: () => new SoftwareEngine(),
    blockSize: o.blockSize ?? 64 << 10,
    inFlight: 8,
    timeoutMs: o.timeoutMs ?? 10_000,
    ...(o.verify === undefined ? {} : { verify: o.verify }),
    ...(o.required === undefined ? {} : { required: o.required }),
  });
  return {
    rig,
    engine,
    async [Symbol.asyncDispose]() {
      await engine[Symbol.asyncDispose]();
      assert.deepEqual(
        listDevices(rig.env).map((d) => d.availableInstances),
        [64, 64],
        "every queue went back to the device",
      );
      rig[Symbol.dispose]();
    },
  };
}

/** Decodes on `engine`, collecting what it wrote before any error. */
async function decodeAll(
  engine: Engine,
  input: Uint8Array,
  checkBeforeOutput = false,
): Promise<{ out: Uint8Array; error: unknown }> {
  const parts: Uint8Array[] = [];
  try {
    for await (
      const o of engine.decompress(chunked(input, 50_000), { format: "auto", checkBeforeOutput })
    ) parts.push(o.slice());
  } catch (err) {
    return { out: concat(...parts), error: err };
  }
  return { out: concat(...parts), error: undefined };
}

for (const format of ["gzip", "zlib", "deflate"] as const) {
  Deno.test(`compression checks the device's ${format} output by default and redoes a wrong block`, async () => {
    const spec = format === "deflate" ? "v3,corrupt@3" : "v2,corrupt@3";
    const rig = startSim(spec);
    const name = format === "deflate" ? "hisi_zip-2" : "hisi_zip-4";
    const engine = HardwareEngine.open(rig.env, findDevice(rig.env, name), {
      direction: "compress",
      software: softwareBlockDeflater(),
      softwareEngine: () => new SoftwareEngine(),
      blockSize: 64 << 10,
      timeoutMs: 10_000,
    });
    try {
      const out = await collect(engine.compress(chunked(DATA), { format, level: 6 }));
      assert.deepEqual(nodeDecode(format, out), DATA, "the output decodes to the input");
      assert.ok(
        engine.stats.notes.some((n) => /differs from software's/.test(n)),
        `-v says what happened: ${engine.stats.notes.join("; ")}`,
      );
      assert.ok(rig.sim.log.some((l) => /corrupted \(injected\)/.test(l)), "the fault happened");
    } finally {
      await engine[Symbol.asyncDispose]();
      rig[Symbol.dispose]();
    }
  });
}

Deno.test("with verify off (--no-verify) a wrong device result goes out as the device made it", async () => {
  await using c = open("v2,corrupt@3", "compress", { verify: false });
  const out = await collect(c.engine.compress(chunked(DATA), { format: "gzip", level: 6 }));
  assert.throws(() => nodeDecode("gzip", out), "the corruption is there: nothing checked it");
});

Deno.test("a foreign member the device decodes wrongly never reaches a sink that cannot take it back", async () => {
  const gz = nodeEncode("gzip", DATA);
  await using d = open("v2,corrupt@3", "decompress", { blockSize: 32 << 10 });
  const r = await decodeAll(d.engine, gz, true);
  assert.equal(r.error, undefined, String(r.error));
  assert.deepEqual(r.out, DATA, "only correct bytes were handed on");
  assert.ok(
    d.engine.stats.notes.some((n) => /failed the check/.test(n)),
    d.engine.stats.notes.join(),
  );
});

Deno.test("a device fault found after output was written is the device's, not the file's", async () => {
  const gz = nodeEncode("gzip", DATA);
  await using d = open("v2,corrupt@3", "decompress", { blockSize: 32 << 10 });
  const r = await decodeAll(d.engine, gz, false);
  assert.ok(r.error instanceof DeviceOutputError, String(r.error));
  assert.match(r.error.message, /the device failed, not the file/);
  assert.ok(!(r.error instanceof ZipDataError), "the file is not blamed");
});

Deno.test("a file that really is corrupt is blamed on the file, whatever the device did", async () => {
  const gz = nodeEncode("gzip", DATA);
  gz[gz.length - 6]! ^= 1; // the CRC-32
  for (const spec of ["v2", "v2,corrupt@3"]) {
    await using d = open(spec, "decompress", { blockSize: 32 << 10 });
    for (const hold of [true, false]) {
      const r = await decodeAll(d.engine, gz, hold);
      assert.ok(r.error instanceof ZipDataError && r.error.kind === "crc", `${spec}: ${r.error}`);
    }
  }
});

Deno.test("auto decodes in software a foreign member too long to hold; hw writes it unchecked", async () => {
  const big = textLike(HOLD_LIMIT + (1 << 20), 9);
  const gz = nodeEncode("gzip", big);
  {
    await using d = open("v2,corrupt@5", "decompress", { blockSize: 256 << 10 });
    const r = await decodeAll(d.engine, gz, true);
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.out.length, big.length);
    assert.ok(r.out.every((b, i) => b === big[i]), "auto: every byte right");
    assert.ok(d.engine.stats.notes.some((n) => /longer than the 16 MiB/.test(n)));
  }
  {
    await using d = open("v2,corrupt@5", "decompress", { blockSize: 256 << 10, required: true });
    const r = await decodeAll(d.engine, gz, true);
    assert.ok(r.error instanceof DeviceOutputError, `hw: ${r.error}`);
  }
});

Deno.test("--verify on decompression holds and checks even when the sink could take output back", async () => {
  const gz = nodeEncode("gzip", DATA);
  await using d = open("v2,corrupt@3", "decompress", { blockSize: 32 << 10, verify: true });
  const r = await decodeAll(d.engine, gz, false);
  assert.equal(r.error, undefined, String(r.error));
  assert.deepEqual(r.out, DATA);
});

Deno.test("members beyond the engine's 8 MiB go to bounded requests, with no retry growing past it", async () => {
  // A crafted file (the outside probe's): a member of 12 MiB of random bytes, then 10 MiB of
  // text, both recording their lengths in wd's WD subfield.
  const random = noise(12 << 20, 3);
  const text = textLike(10 << 20, 4);
  const file = concat(recordedMember(random), recordedMember(text));
  await using d = open("v2", "decompress", { blockSize: 512 << 10 });
  const r = await decodeAll(d.engine, file, true);
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.out.length, random.length + text.length);
  assert.ok(r.out.subarray(random.length).every((b, i) => b === text[i]));
  assert.deepEqual(d.rig.sim.log.filter((l) => /limit/.test(l)), [], "no request beyond 8 MiB");
});

Deno.test("a member whose WD field understates its size is not grown without bound on the device", async () => {
  const data = textLike(9 << 20, 6);
  const member = recordedMember(data);
  new DataView(member.buffer, member.byteOffset + 12 + 8, 4).setUint32(0, 1000, true); // isize: 1000
  await using d = open("v2", "decompress", { blockSize: 512 << 10 });
  const r = await decodeAll(d.engine, member, true);
  // The trailer's ISIZE is right, so the data is fine: software decodes what the device cannot.
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.out.length, data.length);
  assert.deepEqual(d.rig.sim.log.filter((l) => /limit/.test(l)), []);
});

Deno.test("a completion later than the timeout never reaches memory wd has let go of", async () => {
  await using c = open("v2,delay=700", "compress", { timeoutMs: 250 });
  const out = await collect(c.engine.compress(chunked(DATA), { format: "gzip", level: 6 }));
  assert.deepEqual(nodeDecode("gzip", out), DATA, "software finished the job");
  assert.ok(c.engine.stats.notes.some((n) => /no completion/.test(n)), c.engine.stats.notes.join());
  await c.engine[Symbol.asyncDispose]();
  // The device would now do the late requests; the queue was stopped first, so it must drop them.
  await new Promise((r) => setTimeout(r, 900));
  const log = c.rig.sim.log;
  assert.deepEqual(log.filter((l) => /address fault/.test(l)), [], log.join("\n"));
  assert.ok(log.some((l) => /stopped with \d+ requests not done; dropped/.test(l)), log.join("\n"));
});
