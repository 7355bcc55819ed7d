/**
 * How a command's options and operands are declared: small typed descriptors, from which the
 * parser (./parse.ts) reads the command line and the help (./help.ts) is written. The flag
 * syntax is commander's, which wd's command line was first written in: `-c, --stdout`,
 * `-S, --suffix <suffix>` (a value), `--sim [spec]` (an optional value, given as
 * `--sim=SPEC`), `--no-headers` (sets `headers` to false).
 *
 * @module
 */

/** A value given on the command line that its parser refuses; the message says why. */
export class InvalidArgumentError extends Error {
  /**
   * Makes the error.
   *
   * @param message Why the value is refused ("expected a positive integer").
   */
  constructor(message: string) {
    super(message);
    this.name = "InvalidArgumentError";
  }
}

/** What every option declares. */
interface OptionBase {
  /** The flags as help shows them: `-c, --stdout`, `--engine <engine>`. */
  readonly flags: string;
  /** One line for help. */
  readonly description: string;
  /** Left out of help (the `-2` … `-8` levels). */
  readonly hidden?: boolean;
  /** The key the value goes to when not the option's own (`-n, --no-name` sets `name`). */
  readonly key?: string;
}

/** An option that takes no value. */
export interface FlagOption<T = boolean> extends OptionBase {
  readonly kind: "flag";
  /** What it sets (true, or false for `--no-*`, or a level for `-9`). */
  readonly value: T;
}

/** An option that takes a value. */
export interface ValueOption<T = string> extends OptionBase {
  readonly kind: "value";
  /** Turns the text into the value; throws {@linkcode InvalidArgumentError} to refuse it. */
  readonly parse: (text: string) => T;
  /** The values allowed, listed in help and in the error. */
  readonly choices?: readonly string[];
  /** The value when the option is not given, shown in help. */
  readonly default?: T;
  /** An environment variable that gives the value when the option is not given. */
  readonly env?: string;
  /** The option must be given. */
  readonly required?: boolean;
  /** `[value]`: the value is optional (`--sim` or `--sim=v3`); alone, the option is `true`. */
  readonly optionalValue?: boolean;
}

/** Any option. */
export type Option = FlagOption<unknown> | ValueOption<unknown>;

/** The options of a command, by key. */
export type Options = Readonly<Record<string, Option>>;

/** The value type of one option. */
type ValueOf<X> = X extends FlagOption<infer T> ? T
  : X extends ValueOption<infer T> ? (X extends { optionalValue: true } ? T | true : T)
  : never;

/** Keys of the options that always have a value (a default). */
type Defaulted<O extends Options> = {
  [K in keyof O]: O[K] extends { default: unknown } ? K : never;
}[keyof O];

/**
 * What the parser hands a command: each option's value by key; options with a default always
 * have one, the others only when given.
 */
export type OptionValues<O extends Options> =
  & { -readonly [K in Exclude<keyof O, Defaulted<O>>]?: ValueOf<O[K]> }
  & { -readonly [K in Defaulted<O>]: ValueOf<O[K]> };

/**
 * An option without a value.
 *
 * @param flags Such as `-c, --stdout` or `--no-headers`.
 * @param description One line for help.
 * @param options `value` to set instead of true (false for a `--no-*` flag by default), `key`
 *   to set it under another option's key, `hidden`.
 * @returns The option.
 *
 * @example
 * ```ts
 * import { flag } from "./options.ts";
 * const best = flag("-9, --best", "compress better", { key: "level", value: 9 });
 * console.log(best.kind, best.value); // flag 9
 * ```
 */
export function flag(
  flags: string,
  description: string,
  options?: { key?: string; hidden?: boolean },
): FlagOption<boolean>;
export function flag<T>(
  flags: string,
  description: string,
  options: { value: T; key?: string; hidden?: boolean },
): FlagOption<T>;
export function flag<T>(
  flags: string,
  description: string,
  options: { value?: T; key?: string; hidden?: boolean } = {},
): FlagOption<T> {
  const negated = /--no-[\w-]+$/.test(flags);
  return {
    kind: "flag",
    flags,
    description,
    value: ("value" in options ? options.value : !negated) as T,
    ...(options.key === undefined ? {} : { key: options.key }),
    ...(options.hidden ? { hidden: true } : {}),
  };
}

/**
 * An option with a value (`<name>`, or `[name]` when the value may be left out).
 *
 * @param flags Such as `-S, --suffix <suffix>`.
 * @param description One line for help.
 * @param options How to parse it, its choices, default, environment variable, whether it is
 *   required.
 * @returns The option.
 *
 * @example
 * ```ts
 * import { InvalidArgumentError, value } from "./options.ts";
 * const threads = value("--threads <n>", "threads", {
 *   parse: (t) => {
 *     if (!/^[1-9]\d*$/.test(t)) throw new InvalidArgumentError("expected a positive integer");
 *     return Number(t);
 *   },
 * });
 * console.log(threads.parse("4")); // 4
 * ```
 */
export function value<T>(
  flags: string,
  description: string,
  options: ValueSettings<T> & { parse: (text: string) => T; default: T },
): ValueOption<T> & { default: T };
export function value<T>(
  flags: string,
  description: string,
  options: ValueSettings<T> & { parse: (text: string) => T },
): ValueOption<T>;
export function value(
  flags: string,
  description: string,
  options?: Omit<ValueSettings<string>, "parse">,
): ValueOption<string>;
export function value<T>(
  flags: string,
  description: string,
  options: ValueSettings<T> = {},
): ValueOption<T> {
  return {
    kind: "value",
    flags,
    description,
    parse: options.parse ?? ((t: string) => t as unknown as T),
    optionalValue: /\[[^\]]*\]$/.test(flags),
    ...(options.choices === undefined ? {} : { choices: options.choices }),
    ...(options.default === undefined ? {} : { default: options.default }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.required ? { required: true } : {}),
    ...(options.hidden ? { hidden: true } : {}),
  };
}

/** How a value option is read. */
export interface ValueSettings<T> {
  /** Turns the text into the value (default: the text). */
  parse?: (text: string) => T;
  /** The values allowed. */
  choices?: readonly string[];
  /** The value when not given. */
  default?: T;
  /** An environment variable giving the value when not given. */
  env?: string;
  /** It must be given. */
  required?: boolean;
  /** Left out of help. */
  hidden?: boolean;
}

/** The parts of an option's flags. */
export interface FlagNames {
  /** `-c`, when there is one. */
  short?: string;
  /** `--stdout`. */
  long: string;
  /** `suffix` of `<suffix>`, when it takes a value. */
  placeholder?: string;
}

/**
 * Splits an option's flags into its short and long names and its value's placeholder.
 *
 * @param flags Such as `-S, --suffix <suffix>`.
 * @returns The parts.
 */
export function flagNames(flags: string): FlagNames {
  const m = /^(?:(-[\w]), )?(--[\w-]+|-[\w])(?: [<[]([^>\]]+)[>\]])?$/.exec(flags);
  if (!m) throw new Error(`Malformed option flags "${flags}"`);
  const names: FlagNames = { long: m[2]! };
  if (m[1] !== undefined) names.short = m[1];
  else if (!m[2]!.startsWith("--")) names.short = m[2]!; // a short option alone: `-5`
  if (m[3] !== undefined) names.placeholder = m[3];
  return names;
}
