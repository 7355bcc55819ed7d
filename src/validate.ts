/**
 * Checks of what scripts pass to the library, at the boundary: an options object has only
 * known options, each of the right type (a `TypeError` otherwise) and in its range or set (a
 * `RangeError`), every message naming the function, the option and what it accepts:
 * `ZipStream: option "level" must be an integer from 1 to 9, not 42`.
 *
 * @module
 */

/** Words for a value in a message: `42`, `"gpu"`, `NaN`, `an object`, `undefined`. */
export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "function") return "a function";
  return `an object`;
}

/** `a`, `a or b`, `a, b or c`. */
function either(words: readonly string[]): string {
  return words.length <= 1
    ? words.join("")
    : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

/**
 * Checks that `options` is an object (or undefined) with no option outside `known`.
 *
 * @param where The function or class (`ZipStream`), for messages.
 * @param options What was passed.
 * @param known The options it takes.
 * @returns The options, `{}` for undefined.
 * @throws TypeError for anything else, or an unknown option (a typo says what it meant).
 */
export function checkOptions<T extends object>(
  where: string,
  options: T | undefined,
  known: readonly (keyof T & string)[],
): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`${where}: the options must be an object, not ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if ((known as readonly string[]).includes(key)) continue;
    const near = known.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance1(k, key));
    throw new TypeError(
      `${where}: unknown option "${key}"` +
        (near !== undefined ? ` (did you mean "${near}"?)` : ` (options: ${known.join(", ")})`),
    );
  }
  return options;
}

/** Whether two names differ by one letter added, dropped, changed or two letters swapped. */
function editDistance1(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const rest = (x: string, y: string) => x.slice(i + 1) === y.slice(i + 1);
  if (a.length === b.length) {
    return rest(a, b) ||
      (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * Checks an integer option (when given).
 *
 * @param where The function or class, for messages.
 * @param name The option.
 * @param value Its value.
 * @param range The smallest and largest value allowed.
 * @throws TypeError when it is not a number, RangeError when it is not a whole number in range.
 */
export function checkInteger(
  where: string,
  name: string,
  value: unknown,
  range: { min: number; max: number },
): void {
  if (value === undefined) return;
  const allowed = range.max >= Number.MAX_SAFE_INTEGER
    ? `an integer of at least ${range.min}`
    : `an integer from ${range.min} to ${range.max}`;
  if (typeof value !== "number") {
    throw new TypeError(`${where}: option "${name}" must be ${allowed}, not ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new RangeError(`${where}: option "${name}" must be ${allowed}, not ${describe(value)}`);
  }
}

/**
 * Checks an option that takes one of a few strings (when given).
 *
 * @param where The function or class, for messages.
 * @param name The option.
 * @param value Its value.
 * @param values The strings allowed.
 * @throws TypeError when it is not a string, RangeError when it is another string.
 */
export function checkOneOf(
  where: string,
  name: string,
  value: unknown,
  values: readonly string[],
): void {
  if (value === undefined) return;
  const allowed = either(values.map((v) => JSON.stringify(v)));
  const message = `${where}: option "${name}" must be ${allowed}, not ${describe(value)}`;
  if (typeof value !== "string") throw new TypeError(message);
  if (!values.includes(value)) throw new RangeError(message);
}

/**
 * Checks an option of a simple type (when given).
 *
 * @param where The function or class, for messages.
 * @param name The option.
 * @param value Its value.
 * @param type `string` (non-empty), `boolean`, `function` or `object`.
 * @throws TypeError when it is not of that type (or an empty string).
 */
export function checkType(
  where: string,
  name: string,
  value: unknown,
  type: "string" | "boolean" | "function" | "object",
): void {
  if (value === undefined) return;
  const ok = type === "object"
    ? value !== null && typeof value === "object"
    : typeof value === type && value !== "";
  if (!ok) {
    const what = type === "string"
      ? "a non-empty string"
      : type === "object"
      ? "an object"
      : `a ${type}`;
    throw new TypeError(`${where}: option "${name}" must be ${what}, not ${describe(value)}`);
  }
}

/**
 * Checks a name argument (a device, parent or UUID): a non-empty string.
 *
 * @param where The function, for messages.
 * @param what What it names (`device`), for messages.
 * @param value The argument.
 * @throws TypeError when it is not a non-empty string.
 */
export function checkName(where: string, what: string, value: unknown): asserts value is string {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`${where}: the ${what} must be a non-empty string, not ${describe(value)}`);
  }
}

/**
 * Checks that a value is an environment (an `Env`): a root, a syscall layer, a file reader,
 * two outputs and `getenv`.
 *
 * @param where The function or class, for messages.
 * @param name The option or argument (`env`).
 * @param value Its value.
 * @throws TypeError when it is not one.
 */
export function checkEnv(where: string, name: string, value: unknown): void {
  const v = value as Record<string, unknown> | null;
  const ok = v !== null && typeof v === "object" && typeof v.root === "string" &&
    typeof v.sys === "object" && v.sys !== null && typeof v.fs === "object" && v.fs !== null &&
    typeof v.stdout === "object" && typeof v.stderr === "object" &&
    typeof v.getenv === "function";
  if (!ok) {
    throw new TypeError(
      `${where}: ${name} must be an Env (from processEnv() or simulatedEnv()), not ${
        describe(value)
      }`,
    );
  }
}
