/**
 * A command of wd's command line, declared as data: its operands, options, help text and what
 * runs it. The tree of them (./program.ts) is all the parser (./parse.ts) and the help
 * (./help.ts) need; the work itself is imported only when the command runs.
 *
 * @module
 */

import type { Env } from "../env.ts";
import type { Options, OptionValues } from "./options.ts";

/** An operand: `<device>` (required), `[device]` (optional), `[files...]` (any number). */
export interface Operand {
  /** `<name>`, `[name]` or `[name...]`. */
  readonly spec: string;
  /** One line for help. */
  readonly description: string;
}

/** What a running command gets besides its operands and options. */
export interface RunContext {
  /** Builds the environment from the global options (`--root`, `--sim`). */
  env(): Promise<Env>;
  /** Prints the command's help on stdout (a command's own help option, such as gzip's `-H`). */
  help(): number;
  /** Prints text on stdout. */
  print(text: string): number;
}

/** A command, or a group of commands. */
export interface Command<O extends Options = Options> {
  /** Its name on the command line. */
  readonly name: string;
  /** One line for help. */
  readonly description: string;
  /** Its operands, in order. */
  readonly operands?: readonly Operand[];
  /** Its options, by the key their values go under. */
  readonly options?: O;
  /** The exit code of a usage error in this command (default 2; gzip's commands use 1). */
  readonly usageExitCode?: number;
  /** Text help prints after the options (examples, exit codes), starting with a newline. */
  readonly helpAfter?: string;
  /** Its subcommands, for a group (`wd queue alloc|test`). */
  readonly commands?: readonly Command<Options>[];
  /**
   * Runs it.
   *
   * @returns The exit code.
   */
  run?(ctx: RunContext, operands: string[], options: OptionValues<O>): Promise<number> | number;
}

/**
 * Declares a command, keeping its options' types for its `run`.
 *
 * @param command The command.
 * @returns The same command.
 *
 * @example
 * ```ts
 * import { command } from "./command.ts";
 * import { flag } from "./options.ts";
 * const list = command({
 *   name: "list",
 *   description: "list devices",
 *   options: { json: flag("--json", "print JSON records") },
 *   run: (_ctx, _operands, o) => (console.log(o.json === true), 0),
 * });
 * console.log(list.name); // list
 * ```
 */
export function command<O extends Options>(command: Command<O>): Command<O> {
  return command;
}

/** An operand's name, and whether it is required or repeated. */
export interface OperandShape {
  /** `device`. */
  name: string;
  /** `<...>`. */
  required: boolean;
  /** `...`. */
  variadic: boolean;
}

/**
 * Reads an operand's spec.
 *
 * @param operand The operand.
 * @returns Its name and shape.
 */
export function operandShape(operand: Operand): OperandShape {
  const m = /^([<[])([\w-]+)(\.\.\.)?[>\]]$/.exec(operand.spec);
  if (!m) throw new Error(`Malformed operand "${operand.spec}"`);
  return { name: m[2]!, required: m[1] === "<", variadic: m[3] !== undefined };
}
