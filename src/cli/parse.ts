/**
 * Reads wd's command line against its command tree, the way its users have always typed it
 * (commander's rules, and gzip's for `wd zip`):
 *
 * - options and operands in any order; `--` ends the options;
 * - `--name value` and `--name=value`; short options bundled (`-dc9`), the last one of a
 *   bundle may take a value, attached (`-S.gz`) or as the next word (`-S .gz`);
 * - an optional value only attached (`--sim=v3`; `--sim` alone is true);
 * - the options of the commands above the one running count too (`wd list --root DIR`);
 * - an option given twice: the last one wins (`-1 -9`, `-n -N`);
 * - `-h`/`--help` and `wd help CMD` ask for help, `-V`/`--version` for the version.
 *
 * Usage errors are {@linkcode UsageError}s whose text is the message users know, with a
 * "did you mean" when a close name exists.
 *
 * @module
 */

import { type Command, operandShape } from "./command.ts";
import { flagNames, InvalidArgumentError, type Option } from "./options.ts";
import { didYouMean } from "./suggest.ts";

/** A command line wd cannot run; `message` is what to print (without the `error: `). */
export class UsageError extends Error {
  /** A second line, such as `(Did you mean --stdout?)`, or empty. */
  readonly suggestion: string;
  /** The exit code: that of the command the error is about (2 unless it says otherwise). */
  exitCode = 2;

  /**
   * Makes the error.
   *
   * @param message What is wrong.
   * @param suggestion A "did you mean" line, or empty.
   */
  constructor(message: string, suggestion = "") {
    super(message);
    this.name = "UsageError";
    this.suggestion = suggestion;
  }
}

/** What the command line asks for. */
export type Parsed =
  | {
    kind: "run";
    /** The commands from the program down to the one to run. */
    path: Command[];
    operands: string[];
    /** Every option value, of the command and the ones above it, by key. */
    values: Record<string, unknown>;
  }
  | {
    kind: "help";
    path: Command[]; /** Asked for (stdout, exit 0) or not (no command). */
    asked: boolean;
  }
  | { kind: "version" };

/** The options every command has, whatever it declares. */
const HELP = ["-h", "--help"];
const VERSION = ["-V", "--version"];

/**
 * Parses the command line.
 *
 * @param program The root of the command tree.
 * @param args The arguments after `wd`.
 * @param getenv Reads the environment variables options may come from.
 * @returns What to do.
 * @throws UsageError for a command line that does not fit the tree.
 *
 * @example
 * ```ts
 * import { parse } from "./parse.ts";
 * import { flag } from "./options.ts";
 * const program = {
 *   name: "wd",
 *   description: "demo",
 *   commands: [{ name: "list", description: "list", options: { json: flag("--json", "JSON") } }],
 * };
 * const p = parse(program, ["list", "--json"], () => undefined);
 * console.log(p.kind === "run" && p.values.json); // true
 * ```
 */
export function parse(
  program: Command,
  args: readonly string[],
  getenv: (name: string) => string | undefined,
): Parsed {
  const path: Command[] = [program];
  try {
    return parseInto(args, getenv, path);
  } catch (err) {
    if (err instanceof UsageError) err.exitCode = path[path.length - 1]!.usageExitCode ?? 2;
    throw err;
  }
}

function parseInto(
  args: readonly string[],
  getenv: (name: string) => string | undefined,
  path: Command[],
): Parsed {
  const operands: string[] = [];
  const values: Record<string, unknown> = {};
  const given = new Set<Option>();
  let helpPath: Command[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const here = path[path.length - 1]!;
    if (arg === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (HELP.includes(arg)) return { kind: "help", path, asked: true };
    if (VERSION.includes(arg)) return { kind: "version" };
    if (arg.startsWith("--")) {
      i = longOption(path, args, i, values, given);
    } else if (arg.startsWith("-") && arg.length > 1) {
      i = shortOptions(path, args, i, values, given);
    } else if (here.commands !== undefined && operands.length === 0) {
      if (arg === "help") {
        helpPath = [...path];
        continue;
      }
      const sub = here.commands.find((c) => c.name === arg);
      if (sub === undefined) {
        throw new UsageError(
          `unknown command '${arg}'`,
          didYouMean(arg, [...here.commands.map((c) => c.name), "help"]),
        );
      }
      if (helpPath !== undefined) helpPath.push(sub);
      path.push(sub);
    } else {
      operands.push(arg);
    }
  }
  if (helpPath !== undefined) return { kind: "help", path: helpPath, asked: true };
  const leaf = path[path.length - 1]!;
  if (leaf.commands !== undefined && leaf.run === undefined) {
    return { kind: "help", path, asked: false };
  }
  checkOperands(leaf, operands);
  finishOptions(path, values, given, getenv);
  return { kind: "run", path, operands, values };
}

/** The options visible at this point: the command's, then those of every command above it. */
function optionsOf(path: Command[]): [string, Option][] {
  return path.toReversed().flatMap((c) => Object.entries(c.options ?? {}));
}

function longOption(
  path: Command[],
  args: readonly string[],
  i: number,
  values: Record<string, unknown>,
  given: Set<Option>,
): number {
  const arg = args[i]!;
  const eq = arg.indexOf("=");
  const name = eq < 0 ? arg : arg.slice(0, eq);
  const found = optionsOf(path).find(([, o]) => flagNames(o.flags).long === name);
  if (found === undefined || (found[1].kind === "flag" && eq >= 0)) {
    throw unknownOption(path, arg);
  }
  const [key, option] = found;
  if (option.kind === "flag") {
    set(values, given, key, option, option.value);
    return i;
  }
  if (eq >= 0) {
    set(values, given, key, option, convert(option, arg.slice(eq + 1)));
    return i;
  }
  if (option.optionalValue) {
    set(values, given, key, option, true);
    return i;
  }
  const next = args[i + 1];
  if (next === undefined) throw new UsageError(`option '${option.flags}' argument missing`);
  set(values, given, key, option, convert(option, next));
  return i + 1;
}

function shortOptions(
  path: Command[],
  args: readonly string[],
  i: number,
  values: Record<string, unknown>,
  given: Set<Option>,
): number {
  const arg = args[i]!;
  for (let j = 1; j < arg.length; j++) {
    const short = `-${arg[j]}`;
    const found = optionsOf(path).find(([, o]) => flagNames(o.flags).short === short);
    if (found === undefined) throw unknownOption(path, j === 1 ? arg : short);
    const [key, option] = found;
    if (option.kind === "flag") {
      set(values, given, key, option, option.value);
      continue;
    }
    const attached = arg.slice(j + 1);
    if (attached.length > 0) {
      set(values, given, key, option, convert(option, attached));
      return i;
    }
    const next = args[i + 1];
    if (next === undefined) throw new UsageError(`option '${option.flags}' argument missing`);
    set(values, given, key, option, convert(option, next));
    return i + 1;
  }
  return i;
}

function set(
  values: Record<string, unknown>,
  given: Set<Option>,
  key: string,
  option: Option,
  value: unknown,
): void {
  values[option.key ?? key] = value;
  given.add(option);
}

/** An option's value from its text: its parser's verdict, or one of its choices. */
function convert(option: Option, text: string): unknown {
  if (option.kind !== "value") return option.value;
  if (option.choices !== undefined && !option.choices.includes(text)) {
    throw new UsageError(
      `option '${option.flags}' argument '${text}' is invalid. Allowed choices are ${
        option.choices.join(", ")
      }.`,
    );
  }
  try {
    return option.parse(text);
  } catch (err) {
    if (!(err instanceof InvalidArgumentError)) throw err;
    throw new UsageError(`option '${option.flags}' argument '${text}' is invalid. ${err.message}`);
  }
}

function unknownOption(path: Command[], arg: string): UsageError {
  const longs = optionsOf(path)
    .filter(([, o]) => !o.hidden)
    .map(([, o]) => flagNames(o.flags).long)
    .filter((l) => l.startsWith("--"));
  const suggestion = arg.startsWith("--") ? didYouMean(arg, [...longs, "--help"]) : "";
  return new UsageError(`unknown option '${arg}'`, suggestion);
}

function checkOperands(command: Command, operands: string[]): void {
  const shapes = (command.operands ?? []).map(operandShape);
  const missing = shapes.find((s, k) => s.required && operands[k] === undefined);
  if (missing) throw new UsageError(`missing required argument '${missing.name}'`);
  if (shapes.some((s) => s.variadic) || operands.length <= shapes.length) return;
  const n = shapes.length;
  throw new UsageError(
    `too many arguments${command.name ? ` for '${command.name}'` : ""}. Expected ${n} argument${
      n === 1 ? "" : "s"
    } but got ${operands.length}: ${operands.join(", ")}.`,
  );
}

/** Values from the environment and defaults for the options not given; required ones checked. */
function finishOptions(
  path: Command[],
  values: Record<string, unknown>,
  given: Set<Option>,
  getenv: (name: string) => string | undefined,
): void {
  for (const [key, option] of optionsOf(path)) {
    if (given.has(option) || option.kind !== "value") continue;
    const k = option.key ?? key;
    const fromEnv = option.env === undefined ? undefined : getenv(option.env);
    if (fromEnv !== undefined && !(k in values)) {
      values[k] = option.optionalValue && fromEnv === "" ? true : convert(option, fromEnv);
      continue;
    }
    if (option.default !== undefined && !(k in values)) values[k] = option.default;
    if (option.required && !(k in values)) {
      throw new UsageError(`required option '${option.flags}' not specified`);
    }
  }
}
