import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd, runWdSim } from "../fixtures/run_wd.ts";
import { kunpeng920, pciPath } from "../../src/testing/uacce_machines.ts";
import {
  type FallbackReason,
  readUsage,
  recordZipRun,
  statsPath,
  type UsageStats,
  UsageTally,
} from "../../src/metrics/usage.ts";
import type { EngineStats } from "../../src/zip/engine.ts";
import { fellBack, type HwContext, VerifyError } from "../../src/zip/hw/context.ts";
import { parseExposition, valueOf } from "./prom_parser.ts";

const USAGE = new URL("../../src/metrics/usage.ts", import.meta.url).href;

function tempDir(): Promise<string> {
  return Deno.makeTempDir({ prefix: "wd-usage-" });
}

Deno.test("the stats file comes from WD_STATS, else the config file; empty or off turns it off", () => {
  using t = FakeRoot.create();
  const env = (vars: Record<string, string>) => t.env({ vars }).env;
  assert.equal(statsPath(env({})), null);
  t.file("etc/wd/stats-file", "# where wd zip counts its runs\n/var/lib/wd/stats.json\n");
  assert.equal(statsPath(env({})), "/var/lib/wd/stats.json");
  assert.equal(statsPath(env({ WD_STATS: "/tmp/x.json" })), "/tmp/x.json");
  assert.equal(statsPath(env({ WD_STATS: "" })), null);
  assert.equal(statsPath(env({ WD_STATS: "off" })), null);
});

Deno.test("recordZipRun adds runs, bytes and each fallback reason once per run", async () => {
  const dir = await tempDir();
  const path = `${dir}/stats.json`;
  const env = FakeRoot.create();
  using _ = env;
  const e = env.env().env;
  assert.equal(
    await recordZipRun(e, {
      engine: "sw",
      direction: "compress",
      bytesIn: 1000,
      bytesOut: 300,
      fallbacks: ["busy", "busy"],
    }, { path }),
    null,
  );
  await recordZipRun(e, {
    engine: "hw",
    direction: "decompress",
    bytesIn: 300,
    bytesOut: 1000,
    fallbacks: ["device_error"],
  }, { path });
  const u = readUsage(path);
  assert.deepEqual(u.runs, {
    hw: { compress: 0, decompress: 1 },
    sw: { compress: 1, decompress: 0 },
  });
  assert.equal(u.inputBytes.sw.compress, 1000);
  assert.equal(u.outputBytes.hw.decompress, 1000);
  assert.equal(u.fallbacks.compress.busy, 1);
  assert.equal(u.fallbacks.decompress.device_error, 1);
  assert.deepEqual((await Array.fromAsync(Deno.readDir(dir), (d) => d.name)).sort(), [
    "stats.json",
    "stats.json.lock",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("concurrent runs in separate processes lose no count", async () => {
  const dir = await tempDir();
  const path = `${dir}/stats.json`;
  const script = `${dir}/writer.ts`;
  await Deno.writeTextFile(
    script,
    `import { recordZipRun } from "${USAGE}";
const env = { root: "/", getenv: () => undefined, fs: {} };
for (let i = 0; i < 25; i++) {
  const p = await recordZipRun(env as never, { engine: "sw", direction: "compress",
    bytesIn: 10, bytesOut: 3, fallbacks: ["no_device"] }, { path: ${JSON.stringify(path)} });
  if (p !== null) { console.error(p); Deno.exit(1); }
}`,
  );
  const procs = Array.from(
    { length: 4 },
    () =>
      new Deno.Command(Deno.execPath(), { args: ["run", "-A", script], stderr: "piped" }).output(),
  );
  for (const o of await Promise.all(procs)) {
    assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
  }
  const u = readUsage(path);
  assert.equal(u.runs.sw.compress, 100);
  assert.equal(u.inputBytes.sw.compress, 1000);
  assert.equal(u.fallbacks.compress.no_device, 100);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a run that cannot get the lock in time leaves its counts out and says why", async () => {
  const dir = await tempDir();
  const path = `${dir}/stats.json`;
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const f = Deno.openSync(${JSON.stringify(`${path}.lock`)}, { create: true, write: true });
f.lockSync(true); console.log("held"); await new Promise((r) => setTimeout(r, 3000));`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = holder.stdout.getReader();
  await reader.read(); // "held"
  const started = performance.now();
  using t = FakeRoot.create();
  const problem = await recordZipRun(t.env().env, {
    engine: "sw",
    direction: "compress",
    bytesIn: 1,
    bytesOut: 1,
    fallbacks: [],
  }, { path, lockTimeoutMs: 300 });
  assert.ok(performance.now() - started < 2500);
  assert.equal(
    problem,
    `Cannot record usage in "${path}": another process has held ${path}.lock for 0.3 s`,
  );
  reader.releaseLock();
  holder.kill();
  await holder.stdout.cancel();
  await holder.status;
  assert.equal(readUsage(path).runs.sw.compress, 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a stats file that is not wd's is left alone and named in the note", async () => {
  const dir = await tempDir();
  const path = `${dir}/stats.json`;
  await Deno.writeTextFile(path, "{ not json");
  using t = FakeRoot.create();
  const problem = await recordZipRun(t.env().env, {
    engine: "sw",
    direction: "compress",
    bytesIn: 1,
    bytesOut: 1,
    fallbacks: [],
  }, { path });
  assert.equal(problem, `Cannot record usage in "${path}": not a wd stats file (not JSON)`);
  assert.equal(await Deno.readTextFile(path), "{ not json");
  await Deno.remove(dir, { recursive: true });
});

/** Runs wd zip on the model with a stats file and returns the counters. */
async function simZip(spec: string, args: string[]): Promise<{ code: number; u: UsageStats }> {
  const dir = await tempDir();
  const input = `${dir}/in.txt`;
  await Deno.writeTextFile(input, "a line of text to compress\n".repeat(60_000));
  const stats = `${dir}/stats.json`;
  const r = await runWdSim(spec, ["zip", "-c", ...args, input], { WD_STATS: stats });
  const u = readUsage(stats);
  await Deno.remove(dir, { recursive: true });
  return { code: r.code, u };
}

function only(u: UsageStats, reason: FallbackReason | null): void {
  for (const [r, n] of Object.entries(u.fallbacks.compress)) {
    assert.equal(n, r === reason ? 1 : 0, `fallbacks.compress.${r}`);
  }
}

Deno.test("wd zip records the engine, the bytes and why it fell back, by category", async () => {
  const hw = await simZip("v2", []);
  assert.equal(hw.u.runs.hw.compress, 1);
  assert.equal(hw.u.inputBytes.hw.compress, 27 * 60_000);
  assert.ok(hw.u.outputBytes.hw.compress > 0);
  only(hw.u, null);
  const cases: [string, string[], FallbackReason][] = [
    ["v2", ["-9"], "level"],
    ["v2,busy", [], "busy"],
    ["v2,isolated", [], "isolated"],
    ["v2,lose@2", [], "device_error"],
  ];
  for (const [spec, args, reason] of cases) {
    const { code, u } = await simZip(spec, args);
    assert.equal(code, 0, spec);
    only(u, reason);
  }
});

Deno.test("the hardware engine's fallbacks during a run reach the run's record by category", () => {
  const stats: EngineStats = { bytesIn: 0, bytesOut: 0, notes: [] };
  const ctx = { device: "hisi_zip-4", queue: null, stats } as unknown as HwContext;
  fellBack(ctx, new VerifyError("a block differs"), "compressing block 3");
  fellBack(ctx, new Error("queue died"), "compressing block 4");
  assert.deepEqual([...stats.fallbacks!], ["verify_failure", "device_error"]);
  const tally = new UsageTally();
  tally.selected("hw");
  tally.add(100, 40);
  tally.add(50, 20);
  assert.deepEqual(tally.run("compress", stats.fallbacks), {
    engine: "hw",
    direction: "compress",
    bytesIn: 150,
    bytesOut: 60,
    fallbacks: ["verify_failure", "device_error"],
  });
  assert.equal(new UsageTally().run("compress"), null, "no engine chosen, nothing to record");
});

Deno.test("wd zip on a machine with no ZIP device records a no_device fallback; off by default", async () => {
  using t = kunpeng920(FakeRoot.create()).remove("sys/class/uacce");
  const file = t.path("data.txt");
  await Deno.writeTextFile(file, "x".repeat(5000));
  const stats = t.path("stats.json");
  assert.equal((await runWd(t, ["zip", "-k", file], { vars: { WD_STATS: stats } })).code, 0);
  assert.equal(
    (await runWd(t, ["unzip", "-t", `${file}.gz`], { vars: { WD_STATS: stats } })).code,
    0,
  );
  const u = readUsage(stats);
  assert.equal(u.runs.sw.compress, 1);
  assert.equal(u.runs.sw.decompress, 1);
  assert.equal(u.fallbacks.compress.no_device, 1);
  assert.equal(u.inputBytes.sw.compress, 5000);
  assert.equal(u.outputBytes.sw.decompress, 5000);
  const m = parseExposition((await runWd(t, ["metrics"], { vars: { WD_STATS: stats } })).out);
  assert.equal(valueOf(m, "wd_zip_runs_total", { engine: "sw", direction: "compress" }), 1);
  assert.equal(
    valueOf(m, "wd_zip_fallbacks_total", { direction: "compress", reason: "no_device" }),
    1,
  );
  assert.equal(
    valueOf(m, "wd_zip_input_bytes_total", { engine: "sw", direction: "decompress" }),
    u.inputBytes.sw.decompress,
  );

  await Deno.remove(stats);
  assert.equal((await runWd(t, ["zip", "-f", "-k", file])).code, 0); // no WD_STATS, no config
  await assert.rejects(Deno.stat(stats));
  const off = parseExposition((await runWd(t, ["metrics"])).out);
  assert.equal(off.get("wd_zip_runs_total"), undefined);
});

Deno.test("an unreadable stats file shows as wd_zip_stats_readable 0 and a failed collector", async () => {
  using t = FakeRoot.create();
  t.file("stats.json", "[]");
  const r = await runWd(t, ["metrics"], { vars: { WD_STATS: t.path("stats.json") } });
  assert.equal(r.code, 0);
  assert.match(r.err, /cannot collect the usage metrics: not a wd stats file/);
  const m = parseExposition(r.out);
  assert.equal(valueOf(m, "wd_zip_stats_readable"), 0);
  assert.equal(valueOf(m, "wd_collector_success", { collector: "usage" }), 0);
  assert.equal(m.get("wd_zip_runs_total"), undefined);
});

Deno.test("isolated on one device and busy on another count as busy: it would have served", async () => {
  using t = kunpeng920(FakeRoot.create());
  const zip = (bdf: string, n: number) => `${pciPath(bdf)}/uacce/hisi_zip-${n}`;
  t.file(`${zip("0000:75:00.0", 4)}/isolate`, 1).file(
    `${zip("0000:b5:00.0", 5)}/available_instances`,
    0,
  );
  const file = t.path("d.txt");
  await Deno.writeTextFile(file, "y".repeat(100));
  const stats = t.path("stats.json");
  await runWd(t, ["zip", "-k", file], { vars: { WD_STATS: stats } });
  assert.equal(readUsage(stats).fallbacks.compress.busy, 1);
});
