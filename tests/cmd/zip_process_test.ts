// Fixtures are files set up and read back synchronously; blocking a test's event loop is harmless.
// deno-lint-ignore-file no-sync-fn-in-async-fn
/**
 * `wd zip`/`wd unzip` as a process: stdin to stdout, signals, and the peers (gzip, pigz,
 * igzip, libdeflate, Python's zlib) reading wd's output and wd reading theirs. Peers that are
 * not installed make their tests show as ignored.
 */
import assert from "node:assert/strict";
import { concat, have, noise, pipeThrough, textLike } from "../zip/zip_helpers.ts";

const WD = new URL("../../bin/wd", import.meta.url).pathname;
const CORPUS = {
  text: textLike(3_000_000, 5),
  noise: noise(700_000),
  mixed: concat(textLike(500_000, 8), noise(100_000), new Uint8Array(200_000)),
  empty: new Uint8Array(0),
};
const PATHS = [
  { name: "built-in codec", env: { WD_NO_ISAL: "1" } },
  { name: "ISA-L where installed", env: {} },
];

function wd(args: string[], input: Uint8Array, env: Record<string, string> = {}) {
  return pipeThrough(WD, args, input, env);
}

for (const path of PATHS) {
  Deno.test(`wd zip | wd unzip round-trips every corpus on stdin/stdout (${path.name})`, async () => {
    for (const [name, data] of Object.entries(CORPUS)) {
      for (const level of ["-1", "-6", "-9"]) {
        const z = await wd(["zip", level], data, path.env);
        assert.equal(z.code, 0, z.stderr);
        const u = await wd(["unzip"], z.stdout, path.env);
        assert.equal(u.code, 0, u.stderr);
        assert.deepEqual(u.stdout, data, `${name} ${level}`);
      }
    }
  });
}

const PEERS = [
  { peer: "gzip", compress: ["-c"], decompress: ["-dc"] },
  { peer: "pigz", compress: ["-c", "-p", "2"], decompress: ["-dc"] },
  { peer: "igzip", compress: ["-c"], decompress: ["-dc"] },
  { peer: "libdeflate-gzip", compress: ["-c"], decompress: ["-dc"] },
];

for (const { peer, compress, decompress } of PEERS) {
  Deno.test({
    name: `${peer} reads wd's output and wd reads ${peer}'s, byte for byte`,
    ignore: !have(peer),
    async fn() {
      for (const [name, data] of Object.entries(CORPUS)) {
        const z = await wd(["zip"], data);
        const theirs = await pipeThrough(peer, decompress, z.stdout);
        assert.equal(theirs.code, 0, `${peer} on ${name}: ${theirs.stderr}`);
        assert.deepEqual(theirs.stdout, data, `${peer} decoding wd's ${name}`);
        const p = await pipeThrough(peer, compress, data);
        const ours = await wd(["unzip"], p.stdout);
        assert.equal(ours.code, 0, ours.stderr);
        assert.deepEqual(ours.stdout, data, `wd decoding ${peer}'s ${name}`);
      }
    },
  });
}

Deno.test({
  name: "Python's zlib reads wd's gzip and zlib output as one stream",
  ignore: !have("python3"),
  async fn() {
    const data = CORPUS.mixed;
    for (const [format, wbits] of [["gzip", 31], ["zlib", 15], ["deflate", -15]] as const) {
      const z = await wd(["zip", "--format", format], data);
      const py = await pipeThrough("python3", [
        "-c",
        `import sys, zlib
d = zlib.decompressobj(${wbits})
out = d.decompress(sys.stdin.buffer.read()) + d.flush()
assert d.eof and d.unused_data == b"", "not exactly one stream"
sys.stdout.buffer.write(out)`,
      ], z.stdout);
      assert.equal(py.code, 0, py.stderr);
      assert.deepEqual(py.stdout, data, format);
    }
  },
});

Deno.test({
  name: "wd unzip reads concatenated members from different producers",
  ignore: !have("gzip") || !have("pigz"),
  async fn() {
    const a = textLike(200_000, 1);
    const b = noise(50_000);
    const parts = [
      (await pipeThrough("gzip", ["-c"], a)).stdout,
      (await pipeThrough("pigz", ["-c", "-p", "2"], b)).stdout,
      (await pipeThrough("gzip", ["-c"], new Uint8Array(0))).stdout,
      (await wd(["zip"], a)).stdout,
    ];
    const u = await wd(["unzip"], concat(...parts));
    assert.equal(u.code, 0, u.stderr);
    assert.deepEqual(u.stdout, concat(a, b, a));
  },
});

/**
 * Starts `wd zip -1 big` (through `sh -c PREFIX; exec wd ...`) on 64 GiB of holes, far more than
 * a test waits for, and waits until its partial output exists.
 */
async function zipping(dir: string, prefix = ":", extra: string[] = []) {
  const big = `${dir}/big`;
  using f = Deno.openSync(big, { write: true, create: true });
  f.truncateSync(64 * 2 ** 30);
  const p = new Deno.Command("sh", {
    args: ["-c", `${prefix}; exec "$0" "$@"`, WD, "zip", "-1", ...extra, big],
    stderr: "piped",
  }).spawn();
  const partial = () =>
    Array.from(Deno.readDirSync(dir)).some((e) => e.name.endsWith(".wd-partial"));
  while (!partial()) await new Promise((r) => setTimeout(r, 20));
  return p;
}

const ENDING_SIGNALS = [
  ["SIGHUP", 129],
  ["SIGINT", 130],
  ["SIGQUIT", 131],
  ["SIGPIPE", 141],
  ["SIGALRM", 142],
  ["SIGTERM", 143],
  ["SIGXFSZ", 153],
] as const;

for (const [signal, code] of ENDING_SIGNALS) {
  Deno.test(`${signal} during wd zip removes the partial output, keeps the input, exits ${code}`, async () => {
    const dir = Deno.makeTempDirSync();
    try {
      const p = await zipping(dir);
      p.kill(signal);
      const status = await p.status;
      await p.stderr.cancel();
      assert.equal(status.code, code);
      assert.deepEqual(Array.from(Deno.readDirSync(dir), (e) => e.name), ["big"]);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  });
}

Deno.test("a file size limit (ulimit -f) ends wd zip as gzip: partial output removed, input kept", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const p = await zipping(dir, "ulimit -f 2048"); // 1 MiB: reached within the first blocks
    const status = await p.status;
    await p.stderr.cancel();
    assert.ok(status.code === 153 || status.code === 1, `exit ${status.code}`);
    assert.deepEqual(Array.from(Deno.readDirSync(dir), (e) => e.name), ["big"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a SIGINT the parent ignored stays ignored (nohup, trap '' INT), as with gzip", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const p = await zipping(dir, "trap '' INT");
    p.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(
      Array.from(Deno.readDirSync(dir)).some((e) => e.name.endsWith(".wd-partial")),
      "still working after SIGINT",
    );
    p.kill("SIGTERM");
    assert.equal((await p.status).code, 143);
    await p.stderr.cancel();
    assert.deepEqual(Array.from(Deno.readDirSync(dir), (e) => e.name), ["big"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("an output made by someone else while wd zip runs is not replaced without -f", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    const data = textLike(40_000_000, 3);
    Deno.writeFileSync(`${dir}/b`, data);
    const p = new Deno.Command(WD, { args: ["zip", "-9", `${dir}/b`], stderr: "piped" }).spawn();
    while (!Array.from(Deno.readDirSync(dir)).some((e) => e.name.endsWith(".wd-partial"))) {
      await new Promise((r) => setTimeout(r, 10));
    }
    Deno.writeTextFileSync(`${dir}/b.gz`, "someone else's");
    const [status, stderr] = await Promise.all([p.status, new Response(p.stderr).text()]);
    assert.equal(status.code, 2, stderr);
    assert.match(stderr, /b\.gz already exists; not overwritten/);
    assert.equal(Deno.readTextFileSync(`${dir}/b.gz`), "someone else's");
    assert.deepEqual(Deno.readFileSync(`${dir}/b`), data, "the input is kept");
    assert.deepEqual(Array.from(Deno.readDirSync(dir), (e) => e.name).sort(), ["b", "b.gz"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("with SIGPIPE ignored by its parent, wd reports a closed pipe as gzip does (error, exit 1)", async () => {
  const gz = (await wd(["zip", "-1"], CORPUS.text)).stdout;
  const p = new Deno.Command("sh", {
    args: ["-c", `trap '' PIPE; exec "$0" unzip -c`, WD],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = p.stdin.getWriter();
  const writing = w.write(gz).then(() => w.close()).catch(() => {});
  const reader = p.stdout.getReader();
  await reader.read();
  await reader.cancel();
  const [status, stderr] = await Promise.all([p.status, new Response(p.stderr).text()]);
  await writing;
  assert.equal(status.code, 1);
  assert.match(stderr, /broken pipe \(EPIPE\)/);
});

Deno.test("wd unzip -cf copies data that is not compressed, as gzip -dcf", async () => {
  const plain = new TextEncoder().encode("just text\n");
  const r = await wd(["unzip", "-cf"], plain);
  assert.equal(r.code, 0);
  assert.deepEqual(r.stdout, plain);
  const strict = await wd(["unzip"], plain);
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /not in gzip format/);
});

Deno.test("wd unzip -c into a reader that goes away stops quietly with 141, as SIGPIPE stops gzip", async () => {
  const gz = (await wd(["zip", "-1"], CORPUS.text)).stdout;
  const p = new Deno.Command(WD, {
    args: ["unzip", "-c"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  const w = p.stdin.getWriter();
  const writing = w.write(gz).then(() => w.close()).catch(() => {});
  const reader = p.stdout.getReader();
  await reader.read();
  await reader.cancel();
  const [status, stderr] = await Promise.all([p.status, new Response(p.stderr).text()]);
  await writing;
  assert.equal(status.code, 141);
  assert.equal(stderr, "");
});
