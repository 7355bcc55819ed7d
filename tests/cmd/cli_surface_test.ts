// The command line's surface, pinned: every help text, and what each kind of usage error prints
// and returns. wd's CLI library can change under it; what a user sees must not.
import assert from "node:assert/strict";
import { runCli } from "../../main.ts";
import { assertGolden } from "../golden.ts";

const HELP = [
  [],
  ["list"],
  ["info"],
  ["doctor"],
  ["queue"],
  ["queue", "alloc"],
  ["queue", "test"],
  ["zip"],
  ["unzip"],
  ["mdev"],
  ["mdev", "types"],
  ["mdev", "list"],
  ["mdev", "create"],
  ["mdev", "remove"],
  ["idxd"],
  ["idxd", "list"],
  ["metrics"],
];

const ERRORS: [string, string[]][] = [
  ["unknown-option", ["list", "--bogus"]],
  ["unknown-option-near", ["zip", "--stdot"]],
  ["unknown-global-option", ["--rot", "x", "list"]],
  ["unknown-command", ["lsit"]],
  ["unknown-subcommand", ["queue", "aloc", "hisi_zip-4"]],
  ["missing-argument", ["info"]],
  ["missing-option-value", ["zip", "--suffix"]],
  ["invalid-choice", ["zip", "--engine", "gpu"]],
  ["invalid-number", ["zip", "--threads", "x"]],
  ["invalid-size", ["queue", "test", "hisi_zip-4", "--size", "lots"]],
  ["missing-required-option", ["mdev", "create", "--type", "x"]],
  ["too-many-arguments", ["info", "a", "b"]],
  ["version", ["--version"]],
  ["version-short", ["-V"]],
  ["no-command", []],
  ["group-without-subcommand", ["queue"]],
  ["help-command", ["help"]],
  ["help-short", ["zip", "-h"]],
  ["help-of-group-command", ["help", "mdev"]],
  ["flag-with-value", ["list", "--json=1"]],
  ["unknown-short-option", ["zip", "-x"]],
  ["choice-near", ["zip", "--format", "gzp"]],
  ["help-after-operand", ["info", "hisi_zip-4", "--help"]],
];

async function wd(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(args, {
    env: () => {
      throw new Error("no command should run");
    },
    out: (s) => out += s,
    err: (s) => err += s,
  });
  return { code, out, err };
}

for (const args of HELP) {
  const name = args.length === 0 ? "wd" : `wd-${args.join("-")}`;
  Deno.test(`wd ${args.join(" ")} --help prints its help and exits 0`, async () => {
    const r = await wd([...args, "--help"]);
    assert.equal(r.code, 0);
    assert.equal(r.err, "");
    assertGolden(`cli/${name}.txt`, r.out);
    if (args.length === 1) {
      assert.equal((await wd(["help", ...args])).out, r.out, "wd help CMD is CMD --help");
    }
  });
}

for (const [name, args] of ERRORS) {
  Deno.test(`wd ${args.join(" ")}: ${name}`, async () => {
    const r = await wd(args);
    assertGolden(
      `cli/error-${name}.txt`,
      `exit ${r.code}\n--- stdout\n${r.out}--- stderr\n${r.err}`,
    );
  });
}
