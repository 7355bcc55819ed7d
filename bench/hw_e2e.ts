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

import { testPattern } from "../src/drivers/hisi_zip/selftest.ts";

const root = new URL("..", import.meta.url).pathname;

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

/** One row of the end-to-end benchmark. */
export interface EndToEndRow {
  /** The command. */
  command: string;
  /** MB/s of uncompressed data. */
  mbps: number;
  /** Uncompressed / compressed size. */
  ratio: number;
}

/**
 * Times whole `wd --sim zip|unzip --engine hw` commands (and `wd zip --engine sw` beside them).
 *
 * @param mb MiB of generated log lines.
 * @param runs Runs per command (the median is kept).
 * @returns One row per command.
 */
export async function hwEndToEnd(mb = 64, runs = 3): Promise<EndToEndRow[]> {
  const dir = await Deno.makeTempDir({ prefix: "wd-bench-hw-" });
  try {
    const input = `${dir}/corpus.txt`;
    await Deno.writeFile(input, testPattern(mb << 20, 1));
    const bytes = mb << 20;
    const rows: EndToEndRow[] = [];
    for (
      const [command, args, from, to] of [
        [
          "wd --sim zip --engine hw",
          ["--sim", "zip", "--engine", "hw", "-c"],
          input,
          `${dir}/c.gz`,
        ],
        [
          "wd --sim unzip --engine hw",
          ["--sim", "unzip", "--engine", "hw", "-c"],
          `${dir}/c.gz`,
          `${dir}/back.txt`,
        ],
        ["wd zip --engine sw", ["zip", "--engine", "sw", "-c"], input, `${dir}/s.gz`],
      ] as const
    ) {
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) ms.push(await time([...args], from, to));
      const size = (await Deno.stat(command.includes("unzip") ? from : to)).size;
      rows.push({ command, mbps: bytes / 1e6 / (median(ms) / 1000), ratio: bytes / size });
    }
    if ((await Deno.stat(`${dir}/back.txt`)).size !== bytes) {
      throw new Error("the round trip lost bytes");
    }
    return rows;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Prints the end-to-end rows.
 *
 * @param rows The rows.
 * @param mb The corpus size in MiB.
 */
export function printEndToEnd(rows: EndToEndRow[], mb: number): void {
  console.log(
    `end to end on the device model (${mb} MiB of generated log lines, whole commands, median):`,
  );
  for (const r of rows) {
    console.log(
      `  ${r.command.padEnd(30)} ${r.mbps.toFixed(1).padStart(7)} MB/s   ratio ${
        r.ratio.toFixed(3)
      }`,
    );
  }
  console.log(
    "  (the model compresses on one thread with zlib-ng: this measures wd's hardware path, not a Kunpeng)",
  );
}

if (import.meta.main) {
  const mb = Number(Deno.args[0] ?? 64);
  printEndToEnd(await hwEndToEnd(mb, Number(Deno.args[1] ?? 3)), mb);
}
