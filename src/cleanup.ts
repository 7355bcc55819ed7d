/**
 * Work that must happen however the process ends: queues released, partial outputs removed.
 *
 * Callers register a synchronous cleanup while they hold a resource and unregister it when they
 * release the resource normally. On a signal that ends a process (the ones gzip catches: HUP,
 * INT, QUIT, PIPE, ALRM, TERM, XFSZ) every registered cleanup runs (newest first) and the
 * process exits with 128 + the signal number, as shells expect (SIGPIPE only for the `wd`
 * command, see {@linkcode ownTheProcess}). A signal the parent process ignored stays ignored,
 * as with gzip (`nohup`, `trap '' INT`).
 *
 * @module
 */

/**
 * A synchronous cleanup.
 *
 * @example
 * ```ts
 * import { type Cleanup, onInterrupt } from "@wd/wd";
 * const release: Cleanup = () => console.error("released");
 * const undo = onInterrupt(release);
 * undo();
 * ```
 */
export type Cleanup = () => void;

/** The signals that end wd, with their numbers on Linux. */
const SIGNALS = [
  ["SIGHUP", 1],
  ["SIGINT", 2],
  ["SIGQUIT", 3],
  ["SIGPIPE", 13],
  ["SIGALRM", 14],
  ["SIGTERM", 15],
  ["SIGXFSZ", 25],
] as const satisfies readonly (readonly [Deno.Signal, number])[];

/** Set by bin/wd when wd's parent ignored SIGPIPE (Deno ignores it before wd can look). */
export const SIGPIPE_IGNORED_VAR = "WD_SIGPIPE_IGNORED";

const cleanups = new Set<Cleanup>();
let wholeProcess = false;
let handlers: (readonly [Deno.Signal, () => void])[] | undefined;
let installed = false;

function onSignal(signal: number): void {
  runCleanups();
  Deno.exit(128 + signal);
}

/**
 * Runs every registered cleanup now (newest first), once each. Errors are swallowed: a cleanup
 * that fails must not stop the others.
 */
export function runCleanups(): void {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // best effort: the process is ending
    }
  }
  uninstall();
}

/**
 * Registers a cleanup to run if the process is ended by a signal.
 *
 * @param fn A synchronous cleanup.
 * @returns A function that unregisters it (call it after a normal release).
 *
 * @example Release a resource on Ctrl-C
 * ```ts
 * import { onInterrupt } from "@wd/wd";
 * const lock = await Deno.makeTempFile({ suffix: ".lock" });
 * const undo = onInterrupt(() => Deno.removeSync(lock)); // runs on SIGINT, SIGTERM, ... then exit 128 + N
 * // ... work that holds the lock ...
 * undo();
 * await Deno.remove(lock);
 * ```
 */
export function onInterrupt(fn: Cleanup): () => void {
  cleanups.add(fn);
  install();
  return () => {
    cleanups.delete(fn);
    if (cleanups.size === 0) uninstall();
  };
}

/**
 * Declares that wd owns the whole process (the `wd` command, not a script using the library or
 * a test runner): SIGPIPE then ends it too while something needs cleaning up. A SIGPIPE
 * listener stays for the life of the process (Deno acts on SIGPIPE as by default once nobody
 * listens, where it ignored it before), so only the process's owner may take it.
 */
export function ownTheProcess(): void {
  wholeProcess = true;
}

/**
 * Whether wd's parent had SIGPIPE ignored: then a write to a closed pipe is an error to report
 * (gzip: "Broken pipe", a failure status), not the quiet end SIGPIPE would have been.
 *
 * @returns True when bin/wd saw SIGPIPE ignored.
 */
export function sigpipeIgnored(): boolean {
  return Deno.env.get(SIGPIPE_IGNORED_VAR) === "1";
}

/**
 * The signals the process inherited as ignored, from `SigIgn` in /proc/self/status (read once,
 * before wd installs anything; Deno itself ignores SIGPIPE, so that one comes from bin/wd).
 */
function inheritedIgnored(): Set<number> {
  const ignored = new Set<number>();
  try {
    const m = /^SigIgn:\s*([0-9a-f]+)$/m.exec(Deno.readTextFileSync("/proc/self/status"));
    const mask = m ? BigInt(`0x${m[1]}`) : 0n;
    for (const [, n] of SIGNALS) if ((mask >> BigInt(n - 1)) & 1n) ignored.add(n);
  } catch {
    // no /proc: handle every signal
  }
  ignored.delete(13);
  if (sigpipeIgnored()) ignored.add(13);
  return ignored;
}

function install(): void {
  if (installed) return;
  installed = true;
  if (handlers === undefined) {
    const ignored = inheritedIgnored();
    handlers = SIGNALS.filter(([sig, n]) => !ignored.has(n) && sig !== "SIGPIPE").map((
      [sig, n],
    ) => [sig, () => onSignal(n)] as const);
    // Deno takes over SIGINT and SIGHUP (and any signal listened to) from the first listener
    // on, whatever they were, and acts on them as by default when nobody listens: an ignored
    // signal keeps a listener that does nothing, for the life of the process. SIGPIPE, which
    // Deno ignores, keeps one listener for good too: it ends wd only while there is something
    // to clean up, and is ignored again after (a closed pipe is then an EPIPE error, as before).
    for (const [sig, n] of SIGNALS) if (ignored.has(n)) Deno.addSignalListener(sig, ignore);
    if (wholeProcess && !ignored.has(13)) {
      Deno.addSignalListener("SIGPIPE", () => {
        if (cleanups.size > 0) onSignal(13);
      });
    }
  }
  for (const [sig, h] of handlers) Deno.addSignalListener(sig, h);
}

function ignore(): void {}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const [sig, h] of handlers ?? []) Deno.removeSignalListener(sig, h);
}
