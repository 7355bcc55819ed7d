import assert from "node:assert/strict";
import { type Command, command } from "../../src/cli/command.ts";
import { flag, InvalidArgumentError, value } from "../../src/cli/options.ts";
import { parse, UsageError } from "../../src/cli/parse.ts";
import { didYouMean } from "../../src/cli/suggest.ts";
import { thrown } from "../helpers.ts";

const zip = command({
  name: "zip",
  description: "compress",
  operands: [{ spec: "[files...]", description: "files" }],
  options: {
    stdout: flag("-c, --stdout", "to stdout"),
    decompress: flag("-d, --decompress", "decompress"),
    noName: flag("-n, --no-name", "no name", { key: "name" }),
    name: flag("-N, --name", "name"),
    suffix: value("-S, --suffix <suffix>", "suffix"),
    fast: flag("-1, --fast", "fast", { key: "level", value: 1 }),
    l5: flag("-5", "5", { key: "level", value: 5, hidden: true }),
    best: flag("-9, --best", "best", { key: "level", value: 9 }),
    engine: value("--engine <engine>", "engine", { choices: ["auto", "sw"], default: "auto" }),
    threads: value("--threads <n>", "threads", {
      parse: (t) => {
        if (!/^[1-9]\d*$/.test(t)) throw new InvalidArgumentError("expected a positive integer");
        return Number(t);
      },
    }),
  },
  run: () => 0,
});
const info = command({
  name: "info",
  description: "info",
  operands: [{ spec: "<device>", description: "device" }],
  options: { parent: value("--parent <p>", "parent", { required: true }) },
  run: () => 0,
});
const program: Command = {
  name: "wd",
  description: "wd",
  options: {
    root: value("--root <dir>", "root", { env: "WD_ROOT" }),
    sim: value("--sim [spec]", "sim", { env: "WD_SIM" }),
  },
  commands: [zip, info, { name: "queue", description: "queue", commands: [info] }],
};

const env = (vars: Record<string, string> = {}) => (n: string) => vars[n];

function run(args: string[], vars: Record<string, string> = {}) {
  const p = parse(program, args, env(vars));
  assert.equal(p.kind, "run");
  return p as Extract<typeof p, { kind: "run" }>;
}

function usage(args: string[]): UsageError {
  const e = thrown(() => parse(program, args, env()));
  assert.ok(e instanceof UsageError, String(e));
  return e;
}

Deno.test("bundled short options, an attached or following value, operands anywhere", () => {
  const p = run(["zip", "a", "-dcS.x", "b", "-S", ".y", "c"]);
  assert.deepEqual(p.operands, ["a", "b", "c"]);
  assert.equal(p.values.stdout, true);
  assert.equal(p.values.decompress, true);
  assert.equal(p.values.suffix, ".y", "the last one given wins");
  assert.deepEqual(run(["zip", "--suffix=.z"]).values.suffix, ".z");
});

Deno.test("options that share a key: the last one given wins (-1 -9, -n -N)", () => {
  assert.equal(run(["zip", "-9", "-1"]).values.level, 1);
  assert.equal(run(["zip", "-1c9"]).values.level, 9);
  assert.equal(run(["zip", "-5"]).values.level, 5, "a hidden option still works");
  assert.equal(run(["zip", "-N", "-n"]).values.name, false);
  assert.equal(run(["zip", "-n", "--name"]).values.name, true);
});

Deno.test("-- ends the options", () => {
  assert.deepEqual(run(["zip", "--", "-c", "--x"]).operands, ["-c", "--x"]);
});

Deno.test("global options anywhere; an optional value only attached; environment and defaults", () => {
  const p = run(["zip", "--root", "/r", "f"]);
  assert.equal(p.values.root, "/r");
  assert.equal(run(["--sim", "zip"]).values.sim, true);
  assert.equal(run(["--sim=v3", "zip"]).values.sim, "v3");
  assert.equal(run(["zip"], { WD_ROOT: "/env", WD_SIM: "" }).values.root, "/env");
  assert.equal(run(["zip"], { WD_SIM: "" }).values.sim, true);
  assert.equal(run(["zip", "--root=/a"], { WD_ROOT: "/env" }).values.root, "/a");
  assert.equal(run(["zip"]).values.engine, "auto");
});

Deno.test("help, version and groups", () => {
  assert.deepEqual(parse(program, ["zip", "f", "--help"], env()), {
    kind: "help",
    path: [program, zip],
    asked: true,
  });
  const h = parse(program, ["help", "queue", "info"], env());
  assert.ok(
    h.kind === "help" && h.asked && h.path.map((c) => c.name).join(" ") === "wd queue info",
  );
  assert.deepEqual(parse(program, ["zip", "-V"], env()), { kind: "version" });
  const group = parse(program, ["queue"], env());
  assert.ok(group.kind === "help" && !group.asked, "a group alone shows its help as an error");
  assert.ok(parse(program, [], env()).kind === "help");
});

Deno.test("usage errors say what is wrong, with a suggestion when one is close", () => {
  assert.equal(usage(["zip", "--stdot"]).message, "unknown option '--stdot'");
  assert.equal(usage(["zip", "--stdot"]).suggestion, "(Did you mean --stdout?)");
  assert.equal(usage(["zip", "-x"]).message, "unknown option '-x'");
  assert.equal(usage(["zip", "-cx"]).message, "unknown option '-x'");
  assert.equal(usage(["zip", "--stdout=1"]).message, "unknown option '--stdout=1'");
  assert.equal(usage(["zp"]).message, "unknown command 'zp'");
  assert.equal(usage(["zp"]).suggestion, "(Did you mean zip?)");
  assert.equal(usage(["zip", "-S"]).message, "option '-S, --suffix <suffix>' argument missing");
  assert.equal(
    usage(["zip", "--engine", "hw"]).message,
    "option '--engine <engine>' argument 'hw' is invalid. Allowed choices are auto, sw.",
  );
  assert.equal(
    usage(["zip", "--threads", "0"]).message,
    "option '--threads <n>' argument '0' is invalid. expected a positive integer",
  );
  assert.equal(usage(["info", "--parent", "p"]).message, "missing required argument 'device'");
  assert.equal(usage(["info", "d"]).message, "required option '--parent <p>' not specified");
  assert.equal(
    usage(["info", "a", "b", "--parent", "p"]).message,
    "too many arguments for 'info'. Expected 1 argument but got 2: a, b.",
  );
});

Deno.test("didYouMean takes the closest names, several when tied, none when far", () => {
  assert.equal(didYouMean("lsit", ["list", "info"]), "(Did you mean list?)");
  assert.equal(didYouMean("--jsn", ["--json", "--jsan"]), "(Did you mean one of --jsan, --json?)");
  assert.equal(didYouMean("--zzzz", ["--json"]), "");
  assert.equal(didYouMean("x", ["x"]), "", "no one-character guesses");
});
