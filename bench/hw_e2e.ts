/**
 * End-to-end `wd --sim zip --engine hw` and `wd --sim unzip --engine hw` on a generated corpus:
 * the whole command (startup, discovery, queue, ring, driver, the device model's work, output),
 * median of several runs, MB/s of uncompressed data. The model compresses on one thread with
 * zlib-ng, so this measures wd's hardware path around a software device, not a Kunpeng.
 *
 *   bin/deno run -A bench/hw_e2e.ts [MB] [runs]
 *
 * @module
 */

const mb = Number(Deno.args[0] ?? 64);
const runs = Number(Deno.args[1] ?? 3);
const root = new URL("..", import.meta.url).pathname;
const dir = Deno.makeTempDirSync({ prefix: "wd-bench-hw-" });

function corpus(bytes: number): Uint8Array {
  const words = [
    "queue",
    "doorbell",
    "deflate",
    "kunpeng",
    "uacce",
    "phase",
    "member",
    "stream",
    "gzip",
    "zlib",
  ];
  const enc = new TextEncoder();
  const out = new Uint8Array(bytes);
  let o = 0;
  let x = 12345;
  while (o < bytes) {
    x = (x * 1664525 + 1013904223) >>> 0;
    const line = enc.encode(
      `${o} ${words[x % 10]} ${words[(x >>> 8) % 10]} ${(x >>> 12).toString(36)}\n`,
    );
    out.set(line.subarray(0, bytes - o), o);
    o += line.length;
  }
  return out;
}

async function time(args: string[], stdin: string, stdout: string): Promise<number> {
  const t0 = performance.now();
  const child = new Deno.Command(`${root}bin/wd`, {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const [, , status] = await Promise.all([
    (await Deno.open(stdin)).readable.pipeTo(child.stdin),
    child.stdout.pipeTo(
      (await Deno.open(stdout, { write: true, create: true, truncate: true })).writable,
    ),
    child.status,
  ]);
  if (!status.success) throw new Error(`wd ${args.join(" ")} failed (${status.code})`);
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

try {
  const input = `${dir}/corpus.txt`;
  Deno.writeFileSync(input, corpus(mb << 20));
  const bytes = mb << 20;
  const rows: string[][] = [];
  for (
    const [what, args, from, to] of [
      ["wd --sim zip --engine hw", ["--sim", "zip", "--engine", "hw", "-c"], input, `${dir}/c.gz`],
      [
        "wd --sim unzip --engine hw",
        ["--sim", "unzip", "--engine", "hw", "-c"],
        `${dir}/c.gz`,
        `${dir}/back.txt`,
      ],
      ["wd zip --engine sw (same machine)", ["zip", "--engine", "sw", "-c"], input, `${dir}/s.gz`],
    ] as const
  ) {
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) ms.push(await time([...args], from, to));
    const size = Deno.statSync(what.includes("unzip") ? from : to).size;
    rows.push([what, (bytes / 1e6 / (median(ms) / 1000)).toFixed(1), (bytes / size).toFixed(3)]);
  }
  const back = Deno.readFileSync(`${dir}/back.txt`);
  if (back.length !== bytes) throw new Error("the round trip lost bytes");
  console.log(`corpus: ${mb} MiB of generated log lines; median of ${runs} runs, whole commands`);
  const w = [36, 10, 8];
  console.log(["command", "MB/s", "ratio"].map((h, i) => h.padEnd(w[i]!)).join(""));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i]!)).join(""));
} finally {
  Deno.removeSync(dir, { recursive: true });
}
