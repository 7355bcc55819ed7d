#!/usr/bin/env -S deno run -A
/**
 * Runs what `wd doctor` checks and fails (exit 1) when any check fails: for a cron job, a
 * deployment gate or a node's health probe. Only what is not ok is printed, with what to do.
 *
 *     bin/deno run -A examples/doctor.ts                             # this host
 *     WD_SIM=isolated bin/deno run -A examples/doctor.ts hisi_zip-4  # a device the kernel isolated
 *
 * @module
 */

import { diagnose, NotFoundError, processEnv } from "@wd/wd";

const [device] = Deno.args;
let checks;
try {
  checks = diagnose(processEnv(), { device });
} catch (err) {
  if (!(err instanceof NotFoundError)) throw err;
  console.error(`${err.message} (${err.hint})`);
  Deno.exit(err.exitCode);
}
for (const c of checks.filter((c) => c.verdict !== "ok")) {
  console.log(`${c.verdict} ${c.subsystem}/${c.subject} ${c.check}: ${c.detail}`);
  if (c.advice) console.log(`  fix: ${c.advice}`);
}
const failed = checks.filter((c) => c.verdict === "fail").length;
console.log(`${checks.length} checks, ${failed} failed`);
Deno.exit(failed > 0 ? 1 : 0);
