// The benchmark runs one command at a time; blocking its event loop costs nothing.
// deno-lint-ignore-file no-sync-fn-in-async-fn
/**
 * Running one command the way the benchmark measures it: stdin from a file, stdout to a file,
 * wall time around the process, peak RSS from GNU time(1) when it is installed.
 *
 * @module
 */

/** One measured run. */
export interface Run {
  /** Wall seconds. */
  seconds: number;
  /** Peak resident set, MB (null when /usr/bin/time is missing). */
  rssMb: number | null;
  /** Exit code. */
  code: number;
}

const GNU_TIME = "/usr/bin/time";
const hasTime = (() => {
  try {
    return Deno.statSync(GNU_TIME).isFile;
  } catch {
    return false;
  }
})();

/**
 * Runs `argv` with stdin from `input` and stdout to `output`, through a shell pipeline when
 * `input` is a shell command (`{ shell: "..." }`).
 *
 * @param argv The command.
 * @param io Input file (or shell producer), output file, extra environment.
 * @returns Time, RSS and exit code.
 */
export async function measure(
  argv: string[],
  io: { input: string | { shell: string }; output: string; env?: Record<string, string> },
): Promise<Run> {
  const rssFile = Deno.makeTempFileSync();
  try {
    const timed = hasTime ? [GNU_TIME, "-f", "%M", "-o", rssFile, ...argv] : argv;
    const quoted = timed.map(shellQuote).join(" ");
    const script = typeof io.input === "string"
      ? `exec ${quoted} < ${shellQuote(io.input)} > ${shellQuote(io.output)}`
      : `${io.input.shell} | ${quoted} > ${shellQuote(io.output)}`;
    const start = performance.now();
    const p = new Deno.Command("sh", {
      args: ["-c", script],
      env: io.env ?? {},
      stderr: "null",
    }).spawn();
    const status = await p.status;
    const seconds = (performance.now() - start) / 1000;
    const kb = hasTime ? Number(Deno.readTextFileSync(rssFile).trim().split("\n").pop()) : NaN;
    return { seconds, rssMb: Number.isFinite(kb) ? kb / 1024 : null, code: status.code };
  } finally {
    Deno.removeSync(rssFile);
  }
}

/**
 * Whether a program is installed.
 *
 * @param name The program.
 * @returns True when on PATH (or an existing path).
 */
export function installed(name: string): boolean {
  return new Deno.Command("sh", { args: ["-c", `command -v ${shellQuote(name)}`], stdout: "null" })
    .outputSync().success;
}

/**
 * Checks that `packed` decompresses (with gzip) to exactly `original`.
 *
 * @param packed The compressed file.
 * @param original The original.
 * @returns True when identical.
 */
export function roundTrips(packed: string, original: string): boolean {
  const script = `gzip -dc ${shellQuote(packed)} | cmp -s - ${shellQuote(original)}`;
  return new Deno.Command("sh", { args: ["-c", script] }).outputSync().success;
}

function shellQuote(s: string): string {
  return /^[\w./=:-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The median of some numbers.
 *
 * @param xs The numbers.
 * @returns The median.
 */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
