import assert from "node:assert/strict";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { kunpeng920, pciPath } from "../../src/testing/uacce_machines.ts";
import { vgpuHost } from "../../src/testing/mdev_machines.ts";
import { sapphireRapids } from "../../src/testing/idxd_machines.ts";
import { runMetrics } from "../../src/cmd/metrics.ts";
import { CONTENT_TYPE } from "../../src/cmd/metrics_serve.ts";
import { WdError } from "../../src/errors.ts";
import { parseExposition, valueOf } from "./prom_parser.ts";
import { PINNED } from "./hosts.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

Deno.test("--textfile writes what stdout would get, by a rename, readable by node_exporter", async () => {
  using t = sapphireRapids(kunpeng920(FakeRoot.create())).dir("textfile");
  const target = t.path("textfile/wd.prom");
  const r = await runWd(t, ["metrics", "--textfile", target], PINNED);
  assert.deepEqual([r.code, r.out, r.err], [0, "", ""]);
  const stdout = await runWd(t, ["metrics"], PINNED);
  assert.equal(await Deno.readTextFile(target), stdout.out);
  assert.equal((await Deno.stat(target)).mode! & 0o777, 0o644);
  assert.deepEqual(await Array.fromAsync(Deno.readDir(t.path("textfile")), (e) => e.name), [
    "wd.prom",
  ]);
  // an old file is replaced whole
  t.file("textfile/wd.prom", "stale");
  await runWd(t, ["metrics", "--textfile", target], PINNED);
  assert.equal(await Deno.readTextFile(target), stdout.out);
});

Deno.test("--textfile into a directory that does not exist fails clearly and leaves nothing", async () => {
  using t = FakeRoot.create();
  const target = t.path("no/such/dir/wd.prom");
  const r = await runWd(t, ["metrics", "--textfile", target]);
  assert.equal(r.code, 1);
  assert.equal(
    r.err,
    `wd: error: Cannot write "${target}": directory "${t.path("no/such/dir")}" does not exist\n` +
      "wd: hint: create the directory node_exporter's --collector.textfile.directory names\n",
  );
});

Deno.test("--listen and --textfile together, or a malformed address, are usage errors", async () => {
  using t = FakeRoot.create();
  const both = await runWd(t, ["metrics", "--listen", "127.0.0.1:0", "--textfile", "x.prom"]);
  assert.equal(both.code, 2);
  assert.match(both.err, /Cannot use --textfile with --listen/);
  for (const bad of ["9120", "127.0.0.1:99999", "127.0.0.1:port", "a b:1"]) {
    const r = await runWd(t, ["metrics", "--listen", bad]);
    assert.equal(r.code, 2, bad);
    assert.match(r.err, /^wd: error: Invalid --listen address/);
  }
});

Deno.test("--listen on a port another process holds fails with exit 5 and says so", async () => {
  using t = FakeRoot.create();
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (taken.addr as Deno.NetAddr).port;
  const r = await runWd(t, ["metrics", "--listen", `127.0.0.1:${port}`]);
  assert.equal(r.code, 5);
  assert.equal(
    r.err,
    `wd: error: Cannot listen on 127.0.0.1:${port}: the address is in use (EADDRINUSE)\n` +
      "wd: hint: another process serves that port (ss -ltnp shows which); pick another with --listen\n",
  );
});

/** Starts the server in this process on an ephemeral port; stop it with the controller. */
async function serve(
  root: string,
  options: { scrapeTimeout?: number; vars?: Record<string, string>; collector?: URL } = {},
) {
  using t0 = FakeRoot.create(); // only for its captured stderr
  const { env, err } = t0.env({ vars: options.vars ?? {} });
  const stop = new AbortController();
  let ready: (port: number) => void;
  const listening = new Promise<number>((r) => ready = r);
  const done = runMetrics({ ...env, root }, {
    listen: "127.0.0.1:0",
    scrapeTimeout: options.scrapeTimeout,
    collector: options.collector,
    signal: stop.signal,
    onListen: (a) => ready(a.port),
  });
  const port = await listening;
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { ...init, signal: AbortSignal.timeout(20_000) });
  return {
    port,
    get,
    err,
    async stop() {
      stop.abort();
      return await done;
    },
  };
}

Deno.test("--listen serves a fresh exposition at each scrape of /metrics", async () => {
  using t = vgpuHost(kunpeng920(FakeRoot.create()));
  const s = await serve(t.root);
  try {
    const r = await s.get("/metrics");
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), CONTENT_TYPE);
    const f = parseExposition(await r.text());
    assert.equal(valueOf(f, "wd_uacce_available_instances", { device: "hisi_zip-4" }), 64);
    assert.equal(
      valueOf(f, "wd_mdev_type_available_instances", { parent: "0000:3b:00.0" }) !== undefined,
      true,
    );
    t.file(`${pciPath("0000:75:00.0")}/uacce/hisi_zip-4/available_instances`, 3);
    const again = parseExposition(await (await s.get("/metrics")).text());
    assert.equal(valueOf(again, "wd_uacce_available_instances", { device: "hisi_zip-4" }), 3);
    const head = await s.get("/metrics", { method: "HEAD" });
    assert.deepEqual([head.status, await head.text()], [200, ""]);
    const missing = await s.get("/nope");
    assert.deepEqual([missing.status, await missing.text()], [404, "not found\n"]);
    const post = await s.get("/metrics", { method: "POST", body: "x" });
    assert.equal(post.status, 405);
    await post.body?.cancel();
  } finally {
    assert.equal(await s.stop(), 0);
  }
});

Deno.test("a scrape that takes longer than the timeout gets 503; the next one works again", async () => {
  using t = kunpeng920(FakeRoot.create());
  // A collector whose first instance never answers (a read that hangs), and whose next ones
  // are the real one: the server must give up on the first and start afresh.
  const dir = await Deno.makeTempDir();
  const collector = `${dir}/collector.ts`;
  await Deno.writeTextFile(
    collector,
    `try {
  Deno.statSync(${JSON.stringify(`${dir}/hung`)});
  await import(${JSON.stringify(new URL("../../src/metrics/worker.ts", import.meta.url).href)});
} catch {
  Deno.writeTextFileSync(${JSON.stringify(`${dir}/hung`)}, "");
  (self as unknown as { onmessage: unknown }).onmessage = () => {};
}
`,
  );
  // 10 s: a fresh worker loads (and, on a cold cache, compiles) the whole collector before it
  // answers, which a loaded CI machine can make slow.
  const s = await serve(t.root, { scrapeTimeout: 10, collector: new URL(`file://${collector}`) });
  try {
    const started = performance.now();
    const slow = await s.get("/metrics");
    assert.equal(slow.status, 503);
    assert.equal(await slow.text(), "wd: collecting the metrics took longer than 10 s\n");
    assert.ok(performance.now() - started < 15_000);
    const ok = await s.get("/metrics");
    assert.equal(ok.status, 200);
    const f = parseExposition(await ok.text());
    assert.equal(valueOf(f, "wd_uacce_available_instances", { device: "hisi_zip-4" }), 64);
    assert.match(s.err.text, /a scrape took longer than 10 s; abandoned/);
  } finally {
    await s.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("wd metrics --listen as a process: serves, then exits 0 on SIGTERM", async () => {
  using t = kunpeng920(FakeRoot.create());
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--root", t.root, "metrics", "--listen", "127.0.0.1:0"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = p.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let said = "";
  while (!/\/metrics\n/.test(said)) {
    const { value, done } = await reader.read();
    if (done) break;
    said += value;
  }
  const m = /^wd: serving metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics$/m.exec(said);
  assert.ok(m, said);
  const r = await fetch(`http://127.0.0.1:${m[1]}/metrics`, {
    signal: AbortSignal.timeout(20_000),
  });
  const f = parseExposition(await r.text());
  assert.equal(valueOf(f, "wd_uacce_available_instances", { device: "hisi_zip-5" }), 64);
  p.kill("SIGTERM");
  reader.releaseLock();
  await p.stderr.cancel().catch(() => {});
  await p.stdout.cancel();
  const status = await p.status;
  assert.equal(status.code, 0);
});

Deno.test("runMetrics refuses both destinations with a usage WdError", async () => {
  using t = FakeRoot.create();
  await assert.rejects(
    runMetrics(t.env().env, { listen: "127.0.0.1:0", textfile: "x" }),
    (e: unknown) => e instanceof WdError && e.exitCode === 2,
  );
});
