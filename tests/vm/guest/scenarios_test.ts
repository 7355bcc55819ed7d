// Shell scenarios: every tests/vm/guest/scenarios/*.sh runs as one test, under `sh -eux` with
// the checkout's bin/ first on PATH, so it calls `wd` as a user would. Exit 0 passes; on
// failure the test shows the script's trace and output. Each `wd` call starts Deno (1.5-2 s
// of guest time): group checks in few scenarios, and prefer in-process tests (guest.ts wd()).
import assert from "node:assert/strict";
import { vmTest, WD_DIR } from "./guest.ts";

const DIR = new URL("./scenarios/", import.meta.url).pathname;
const scripts = Array.from(Deno.readDirSync(DIR), (e) => e.name).filter((n) => n.endsWith(".sh"))
  .sort();

for (const script of scripts) {
  vmTest(`scenario ${script}`, async () => {
    const r = await new Deno.Command("sh", {
      args: ["-eux", `${DIR}${script}`],
      cwd: "/tmp",
      env: { PATH: `${WD_DIR}/bin:${Deno.env.get("PATH") ?? "/bin"}` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder();
    assert.equal(
      r.code,
      0,
      `${script} failed (exit ${r.code}):\n${text.decode(r.stderr)}${text.decode(r.stdout)}`,
    );
  });
}
