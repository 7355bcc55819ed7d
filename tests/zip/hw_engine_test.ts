import assert from "node:assert/strict";
import zlib from "node:zlib";
import { findDevice, listDevices } from "../../src/drivers/uacce/discover.ts";
import { ZipDataError } from "../../src/zip/errors.ts";
import { encodeGzipHeader, parseGzipHeader } from "../../src/zip/gzip_header.ts";
import { HardwareEngine } from "../../src/zip/hw/engine.ts";
import { parseWdExtra } from "../../src/zip/hw/wd_extra.ts";
import { softwareBlockDeflater } from "../../src/zip/sw/block_deflater.ts";
import { SoftwareEngine } from "../../src/zip/sw/engine.ts";
import { selectEngine } from "../../src/zip/select.ts";
import { startSim } from "../fixtures/sim.ts";
import { completionTimeout, rejected } from "../helpers.ts";
import {
  chunked,
  collect,
  concat,
  nodeDecode,
  nodeEncode,
  noise,
  pipeThrough,
  textLike,
} from "./zip_helpers.ts";

const DATA = concat(textLike(400_000), noise(60_000), new Uint8Array(50_000).fill(120));

function open(
  spec: string,
  direction: "compress" | "decompress",
  extra: { verify?: boolean; blockSize?: number; timeoutMs?: number } = {},
) {
  const rig = startSim(spec);
  const name = spec.startsWith("v3") ? "hisi_zip-2" : "hisi_zip-4";
  const engine = HardwareEngine.open(rig.env, findDevice(rig.env, name), {
    direction,
    software: softwareBlockDeflater(),
    softwareEngine: () => new SoftwareEngine(),
    blockSize: extra.blockSize ?? 64 << 10,
    inFlight: 8,
    // The first request also waits for the device thread to start.
    timeoutMs: extra.timeoutMs ?? completionTimeout(10_000),
    verify: extra.verify ?? false,
  });
  return {
    rig,
    engine,
    free: () => listDevices(rig.env).map((d) => d.availableInstances),
    async [Symbol.asyncDispose]() {
      await engine[Symbol.asyncDispose]();
      rig[Symbol.dispose]();
    },
  };
}

/** The members of a gzip stream: header, WD lengths, and where each starts. */
function members(gz: Uint8Array): { offset: number; memberLength: number; isize: number }[] {
  const out = [];
  let o = 0;
  while (o < gz.length) {
    const h = parseGzipHeader(gz.subarray(o))!;
    const wd = parseWdExtra(h.header.extra)!;
    out.push({ offset: o, ...wd });
    o += wd.memberLength;
  }
  return out;
}

for (
  const [spec, formats] of [["v2", ["gzip", "zlib"]], ["v3", ["gzip", "zlib", "deflate"]]] as const
) {
  for (const format of formats) {
    Deno.test(`${spec} ${format}: the hardware engine round-trips every size, and software agrees`, async () => {
      await using c = open(spec, "compress");
      await using d = open(spec, "decompress");
      for (const n of [0, 1, 199, 200, 65536, (8 << 20) + 1]) {
        const input = n <= DATA.length
          ? DATA.subarray(0, n)
          : concat(DATA, textLike(n - DATA.length, 9));
        const packed = await collect(
          c.engine.compress(chunked(input, 100_000), { format, level: 6 }),
        );
        assert.deepEqual(
          nodeDecode(format, packed),
          input,
          `${n} bytes: node:zlib reads the device's output`,
        );
        const back = await collect(d.engine.decompress(chunked(packed, 70_000), { format }));
        assert.deepEqual(back, input, `${n} bytes: the device reads its own output`);
        const soft = await collect(
          d.engine.decompress(chunked(nodeEncode(format, input), 50_000), { format }),
        );
        assert.deepEqual(soft, input, `${n} bytes: the device reads software's output`);
      }
      assert.deepEqual(
        c.engine.stats.notes,
        [],
        `no fallback: ${c.engine.stats.notes} ${c.rig.sim.log}`,
      );
      assert.deepEqual(d.engine.stats.notes, []);
    });
  }
}

Deno.test("gzip output is one member per block, each with a WD subfield giving its lengths", async () => {
  await using c = open("v2", "compress");
  const header = {
    mtime: 1_700_000_000,
    os: 3,
    name: "notes.txt",
    comment: "from the device",
    hcrc: true,
  };
  const gz = await collect(c.engine.compress(chunked(DATA), { format: "gzip", level: 6, header }));
  const ms = members(gz);
  assert.equal(ms.length, Math.ceil(DATA.length / (64 << 10)));
  assert.equal(ms.reduce((n, m) => n + m.isize, 0), DATA.length);
  assert.equal(
    ms.at(-1)!.offset + ms.at(-1)!.memberLength,
    gz.length,
    "the members tile the output",
  );
  const first = parseGzipHeader(gz)!.header;
  assert.equal(first.name, "notes.txt");
  assert.equal(first.comment, "from the device");
  assert.equal(first.hcrc, true, "the header CRC covers the patched WD subfield");
  assert.equal(
    parseGzipHeader(gz.subarray(ms[1]!.offset))!.header.name,
    undefined,
    "later members are bare",
  );
});

Deno.test("the device's gzip is read back by gzip(1) and Python's zlib", async () => {
  await using c = open("v2", "compress");
  const gz = await collect(c.engine.compress(chunked(DATA), { format: "gzip", level: 6 }));
  const run = async (cmd: string, args: string[]) => {
    const r = await pipeThrough(cmd, args, gz);
    assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
    return r.stdout;
  };
  assert.deepEqual(await run("gzip", ["-dc"]), DATA);
  assert.deepEqual(
    await run("python3", [
      "-c",
      "import sys,zlib; d=zlib.decompressobj(31); o=b''\nr=sys.stdin.buffer.read()\nwhile r:\n o+=d.decompress(r); r=d.unused_data; d=zlib.decompressobj(31) if r else d\nsys.stdout.buffer.write(o)",
    ]),
    DATA,
  );
});

Deno.test("decompression reads gzip(1) output with every header field, and multi-member input", async () => {
  await using d = open("v2", "decompress");
  const a = textLike(100_000, 3);
  const b = textLike(50_000, 4);
  const head = encodeGzipHeader({
    mtime: 5,
    os: 3,
    name: "a.txt",
    comment: "c",
    extra: new Uint8Array([65, 66, 2, 0, 1, 2]),
    hcrc: true,
    text: true,
  });
  const body = zlib.deflateRawSync(a);
  const t = new Uint8Array(8);
  new DataView(t.buffer).setUint32(0, zlib.crc32(a), true);
  new DataView(t.buffer).setUint32(4, a.length, true);
  const input = concat(head, body, t, nodeEncode("gzip", new Uint8Array(0)), nodeEncode("gzip", b));
  const names: (string | undefined)[] = [];
  const out = await collect(
    d.engine.decompress(chunked(input, 7000), {
      format: "auto",
      onHeader: (h) => names.push(h.name),
    }),
  );
  assert.deepEqual(out, concat(a, b));
  assert.deepEqual(names, ["a.txt", undefined, undefined]);
});

Deno.test("bad data gets software's verdict, whichever decoder ran", async () => {
  await using c = open("v2", "compress");
  await using d = open("v2", "decompress");
  const gz = await collect(c.engine.compress(chunked(DATA), { format: "gzip", level: 6 }));
  const badCrc = gz.slice();
  badCrc[members(gz)[0]!.memberLength - 5]! ^= 1; // inside the first trailer's CRC
  const e = await rejected(collect(d.engine.decompress(chunked(badCrc), { format: "gzip" })));
  assert.ok(e instanceof ZipDataError && e.kind === "crc", String(e));
  const cut = await rejected(
    collect(d.engine.decompress(chunked(gz.subarray(0, gz.length - 3)), { format: "gzip" })),
  );
  assert.ok(cut instanceof ZipDataError && cut.kind === "truncated", String(cut));
  const plain = nodeEncode("gzip", DATA);
  const streamCrc = plain.slice();
  streamCrc[streamCrc.length - 6]! ^= 1;
  const s = await rejected(collect(d.engine.decompress(chunked(streamCrc), { format: "gzip" })));
  assert.ok(s instanceof ZipDataError && s.kind === "crc", String(s));
  const garbage = concat(gz, new TextEncoder().encode("not gzip"));
  const out: Uint8Array[] = [];
  const g = await rejected(async () => {
    for await (const o of d.engine.decompress(chunked(garbage), { format: "gzip" })) {
      out.push(o.slice());
    }
  });
  assert.ok(g instanceof ZipDataError && g.kind === "garbage");
  assert.deepEqual(
    concat(...out),
    DATA,
    "trailing garbage is a warning: all the data was written first",
  );
});

for (const fault of ["lose@5", "ds_tx@3", "ds_rx@4", "status=0x41@6", "qn@2", "delay=5"]) {
  Deno.test(`compression survives ${fault} mid-stream with no byte lost or repeated`, async () => {
    for (const format of ["gzip", "zlib"] as const) {
      await using c = open(`v2,${fault}`, "compress", { blockSize: 16 << 10, timeoutMs: 2000 });
      const out = await collect(c.engine.compress(chunked(DATA, 30_000), { format, level: 6 }));
      assert.deepEqual(
        nodeDecode(format, out),
        DATA,
        `${format}: the output is complete and correct`,
      );
      if (!fault.startsWith("delay")) {
        assert.ok(
          c.engine.stats.notes.some((n) => /in software/.test(n)),
          c.engine.stats.notes.join(),
        );
      }
      await c.engine[Symbol.asyncDispose]();
      assert.deepEqual(c.free(), [64, 64], "the queue went back");
    }
  });

  Deno.test(`decompression survives ${fault} mid-stream with no byte lost or repeated`, async () => {
    const gzWd = await (async () => {
      await using c = open("v2", "compress");
      return await collect(c.engine.compress(chunked(DATA), { format: "gzip", level: 6 }));
    })();
    for (const input of [gzWd, nodeEncode("gzip", DATA), nodeEncode("zlib", DATA)]) {
      await using d = open(`v2,${fault}`, "decompress", { blockSize: 16 << 10, timeoutMs: 2000 });
      const out = await collect(d.engine.decompress(chunked(input, 20_000), { format: "auto" }));
      assert.deepEqual(out, DATA);
    }
  });
}

Deno.test("--verify catches a device that returns wrong data, and software redoes the block", async () => {
  await using quiet = open("v2,corrupt@2", "compress");
  const bad = await collect(quiet.engine.compress(chunked(DATA), { format: "gzip", level: 6 }));
  assert.throws(() => nodeDecode("gzip", bad), "without --verify the corruption goes out");
  await using checked = open("v2,corrupt@2", "compress", { verify: true });
  const good = await collect(checked.engine.compress(chunked(DATA), { format: "gzip", level: 6 }));
  assert.deepEqual(nodeDecode("gzip", good), DATA);
  assert.ok(checked.engine.stats.notes.some((n) => /differs from software/.test(n)));
});

Deno.test("a 200 MB stream goes through the device in bounded memory", async () => {
  await using c = open("v2", "compress", { blockSize: 1 << 20 });
  await using d = open("v2", "decompress", { blockSize: 1 << 20 });
  const block = textLike(1 << 20, 11);
  async function* source() {
    for (let i = 0; i < 200; i++) yield block;
  }
  let n = 0;
  let crc = 0;
  for await (
    const out of d.engine.decompress(c.engine.compress(source(), { format: "gzip", level: 6 }), {
      format: "gzip",
    })
  ) {
    n += out.length;
    crc = zlib.crc32(out, crc);
  }
  assert.equal(n, 200 << 20);
  let want = 0;
  for (let i = 0; i < 200; i++) want = zlib.crc32(block, want);
  assert.equal(crc, want);
});

Deno.test("engine selection: auto takes a local device, -9 and busy devices stay in software", async () => {
  using rig = startSim("v2");
  const pick = async (o: Partial<Parameters<typeof selectEngine>[1]>) => {
    const s = await selectEngine(rig.env, {
      engine: "auto",
      direction: "compress",
      format: "gzip",
      level: 6,
      verbose: true,
      ...o,
    });
    await s.engine[Symbol.asyncDispose]();
    return s;
  };
  assert.equal((await pick({})).engine.kind, "hw");
  const best = await pick({ level: 9 });
  assert.equal(best.engine.kind, "sw");
  assert.match(best.reason, /level 9/);
  assert.equal((await pick({ device: "hisi_zip-5", engine: "hw" })).engine.kind, "hw");
  using busy = startSim("v2,busy");
  const s = await selectEngine(busy.env, {
    engine: "auto",
    direction: "compress",
    format: "gzip",
    level: 6,
    verbose: true,
  });
  assert.equal(s.engine.kind, "sw");
  assert.match(s.reason, /EBUSY/);
  await s.engine[Symbol.asyncDispose]();
  const e = await rejected(
    selectEngine(busy.env, {
      engine: "hw",
      direction: "compress",
      format: "gzip",
      level: 6,
      verbose: true,
    }),
  );
  assert.ok(e instanceof Error && "exitCode" in e && e.exitCode === 5, String(e));
  using v2 = startSim("v2");
  const raw = await rejected(
    selectEngine(v2.env, {
      engine: "hw",
      direction: "compress",
      format: "deflate",
      level: 6,
      verbose: true,
    }),
  );
  assert.match(String(raw), /does not list deflate/);
});
