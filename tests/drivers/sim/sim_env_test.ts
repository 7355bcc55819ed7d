/**
 * The model in one call: `simulatedEnv` and `processEnv` under `WD_SIM`, run as scripts are
 * (in their own process), and the machine's tree gone however the script ends.
 */

import assert from "node:assert/strict";
import { ExitCode } from "../../../src/errors.ts";

const MOD = new URL("../../../mod.ts", import.meta.url).href;

/** Runs a script in its own Deno; returns its exit code, stdout lines and stderr. */
async function script(
  body: string,
  options: { env?: Record<string, string>; signal?: Deno.Signal } = {},
): Promise<{ code: number; lines: string[]; err: string }> {
  const dir = await Deno.makeTempDir({ prefix: "wd-script-" });
  try {
    const path = `${dir}/script.ts`;
    await Deno.writeTextFile(path, `import * as wd from "${MOD}";\n${body}\n`);
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-lock", path],
      env: { TMPDIR: dir, ...options.env },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (options.signal !== undefined) {
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      while (!seen.includes("ready\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
      child.kill(options.signal);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
      const status = await child.status;
      const err = await new Response(child.stderr).text();
      return { code: status.code, lines: seen.trim().split("\n"), err };
    }
    const out = await child.output();
    return {
      code: out.code,
      lines: new TextDecoder().decode(out.stdout).trim().split("\n"),
      err: new TextDecoder().decode(out.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function gone(path: string | undefined): boolean {
  assert.ok(path?.includes("/wd-sim-"), `a machine root, not ${path}`);
  try {
    Deno.statSync(path!);
    return false;
  } catch {
    return true;
  }
}

Deno.test("processEnv reads WD_SIM's machine, shared by every call, deleted at exit", async () => {
  const r = await script(
    `
const a = wd.processEnv();
const b = wd.processEnv();
console.log(a.root);
console.log(a === b, wd.listDevices(a).map((d) => d.name).join(","));
using q = wd.UacceQueue.open(a, "hisi_zip-2");
console.log(q.info.direction);
`,
    { env: { WD_SIM: "v3" } },
  );
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(r.lines.slice(1), ["true hisi_zip-2", "compress"]);
  assert.ok(gone(r.lines[0]));
});

Deno.test("processEnv honours WD_ROOT, refuses it with WD_SIM, and an explicit root wins", async () => {
  const tree = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${tree}/sys/class/uacce/hisi_zip-7`, { recursive: true });
    const r = await script(
      `
console.log(wd.processEnv().root, wd.listDevices(wd.processEnv()).map((d) => d.name));
console.log(wd.processEnv({ root: "/nonexistent" }).root);
`,
      { env: { WD_ROOT: tree } },
    );
    assert.equal(r.code, 0, r.err);
    assert.equal(r.lines[0], `${tree} [ "hisi_zip-7" ]`);
    assert.equal(r.lines[1], "/nonexistent");
    const both = await script(
      `
try {
  wd.processEnv();
} catch (e) {
  console.log(e instanceof wd.UsageError, e.message);
}
console.log(wd.processEnv({ root: "/" }).root);
`,
      { env: { WD_ROOT: tree, WD_SIM: "" } },
    );
    assert.equal(both.code, 0, both.err);
    assert.deepEqual(both.lines, [
      "true Cannot use WD_SIM with WD_ROOT: the simulated machine has its own root",
      "/",
    ]);
    const bad = await script(`wd.processEnv();`, { env: { WD_SIM: "v9" } });
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /UsageError: Cannot understand simulation item "v9"/);
  } finally {
    await Deno.remove(tree, { recursive: true });
  }
});

Deno.test("a simulated machine is deleted on dispose, at the end, on Deno.exit and on SIGTERM", async () => {
  const disposed = await script(`
let root;
{
  await using env = wd.simulatedEnv();
  root = env.root;
  console.log(Deno.statSync(root).isDirectory);
}
console.log(root);
`);
  assert.equal(disposed.code, 0, disposed.err);
  assert.equal(disposed.lines[0], "true");
  assert.ok(gone(disposed.lines[1]));
  // Never closed, a queue held to the end: the device thread does not keep the script alive.
  const end = await script(`
const env = wd.simulatedEnv();
const q = wd.UacceQueue.open(env, "hisi_zip-4");
const s = wd.ZipSession.open(env, "hisi_zip-5");
await s.compressBlock(new Uint8Array(1000));
console.log(env.root, q.info.qid);
`);
  assert.equal(end.code, 0, end.err);
  assert.ok(gone(end.lines[0]?.split(" ")[0]));
  const exited = await script(`
const env = wd.simulatedEnv("v3");
console.log(env.root);
Deno.exit(7);
`);
  assert.equal(exited.code, 7);
  assert.ok(gone(exited.lines[0]));
  const killed = await script(
    `
const env = wd.simulatedEnv();
using q = wd.UacceQueue.open(env, "hisi_zip-4");
console.log(env.root);
console.log("ready");
await new Promise((r) => setTimeout(r, 30_000));
`,
    { signal: "SIGTERM" },
  );
  assert.equal(killed.code, ExitCode.SIGTERM, killed.err);
  assert.ok(gone(killed.lines[0]));
});
