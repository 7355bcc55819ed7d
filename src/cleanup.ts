/**
 * Work that must happen however the process ends: queues released, partial outputs removed.
 *
 * Callers register a synchronous cleanup while they hold a resource and unregister it when they
 * release the resource normally. On SIGINT or SIGTERM every registered cleanup runs (newest
 * first) and the process exits with 128 + the signal number, as shells expect.
 *
 * @module
 */

/** A synchronous cleanup. */
export type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;

const SIGNALS = [["SIGINT", 130], ["SIGTERM", 143]] as const;

function onSignal(code: number): void {
  runCleanups();
  Deno.exit(code);
}

const handlers = SIGNALS.map(([sig, code]) => [sig, () => onSignal(code)] as const);

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
 * Registers a cleanup to run if the process is interrupted.
 *
 * @param fn A synchronous cleanup.
 * @returns A function that unregisters it (call it after a normal release).
 *
 * @example Release a resource on Ctrl-C
 * ```ts
 * import { onInterrupt } from "./cleanup.ts";
 * const undo = onInterrupt(() => console.error("released"));
 * // ... work ...
 * undo();
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

function install(): void {
  if (installed) return;
  installed = true;
  for (const [sig, h] of handlers) Deno.addSignalListener(sig, h);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
}
