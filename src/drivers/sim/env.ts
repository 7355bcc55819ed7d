/**
 * An environment on a simulated machine: what `wd --sim` runs on, and what a script without
 * hardware uses ({@linkcode simulatedEnv}).
 *
 * @module
 */

import { onInterrupt } from "../../cleanup.ts";
import { type Env, hostEnv, type Output } from "../../env.ts";
import { checkOptions, checkType, describe } from "../../validate.ts";
import { SimMachine } from "./machine.ts";
import { parseSimSpec, type SimSpec } from "./spec.ts";

/**
 * Options of {@linkcode simulatedEnv}: where output goes and what variables read.
 *
 * @example
 * ```ts
 * import { listDevices, simulatedEnv } from "@wd/wd";
 * const lines: string[] = [];
 * await using env = simulatedEnv("v2", {
 *   stdout: { write: (s) => lines.push(String(s)), isTerminal: () => false },
 *   getenv: (name) => ({ WD_TIMEOUT_MS: "10000" })[name],
 * });
 * console.log(listDevices(env).length, env.getenv("WD_TIMEOUT_MS")); // 2 10000
 * ```
 */
export interface SimulatedEnvOptions {
  /** Standard output (default: the process's). */
  stdout?: Output | undefined;
  /** Standard error (default: the process's). */
  stderr?: Output | undefined;
  /** Reads an environment variable (default: the process's, `Deno.env.get`). */
  getenv?: ((name: string) => string | undefined) | undefined;
}

/**
 * An environment over a running simulated machine. Close it (`await using`, `using`, or
 * `close()`) to stop the device thread and delete the machine's temporary tree; that also
 * happens on the signals that end the process (SIGINT, SIGTERM, ...) and at its exit.
 *
 * @example
 * ```ts
 * import { simulatedEnv, UacceQueue } from "@wd/wd";
 * const env = simulatedEnv("queues=2");
 * using q = UacceQueue.open(env, "hisi_zip-4");
 * console.log(env.machine.openQueues, q.info.qid); // 1 0
 * q.release();
 * env.close(); // or `await using env = ...`; also done at exit and on SIGINT/SIGTERM
 * ```
 */
export interface SimulatedEnv extends Env, Disposable, AsyncDisposable {
  /** The machine: its root, its device log (`machine.log`), its open queues. */
  readonly machine: SimMachine;
  /** Stops the machine and deletes its tree. Safe to call twice. */
  close(): void;
}

/**
 * Starts a simulated Kunpeng machine (the device model `wd --sim` runs on) and returns an
 * environment over it: every function of the library works on it as on a real machine, the
 * device really compresses and decompresses, and faults can be injected.
 *
 * The machine's temporary tree (`$TMPDIR/wd-sim-PID-*`) is deleted when the environment is
 * disposed, on the signals that end the process (HUP, INT, QUIT, ALRM, TERM, XFSZ: wd's
 * handler runs the cleanups and exits 128 + N), and at the process's exit (`Deno.exit()`, or
 * the end of the script). A process killed outright (SIGKILL) leaves its tree to the next
 * machine started, which deletes the trees of processes that are gone.
 *
 * @param spec What to simulate, as `WD_SIM` takes it (`""` or `"v2"`: a Kunpeng 920 with
 *   `hisi_zip-4` and `hisi_zip-5`; `"v3"`: one Kunpeng 930 function `hisi_zip-2`; items
 *   `queues=N`, `busy`, `isolated`, `lose@N`, `delay=MS`, ... : see the README), or a parsed spec.
 * @param options Where output goes, and the variables the code reads.
 * @returns The environment; dispose of it when done.
 * @throws UsageError for a spec item that is not understood; TypeError for bad options.
 *
 * @example List the model's devices
 * ```ts
 * import { listDevices, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv("v3");
 * for (const d of listDevices(env)) console.log(d.name, d.api, d.algorithms); // hisi_zip-2 hisi_qm_v3 [ "zlib", "gzip", "deflate", "lz77_zstd" ]
 * ```
 *
 * @example Inject a fault and read the device's log
 * ```ts
 * import { QueueDeadError, selfTest, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv("lose@3"); // the device never posts request 3's completion
 * const err = await selfTest(env, "hisi_zip-4", { count: 5, timeoutMs: 200 }).catch((e) => e);
 * console.log(err instanceof QueueDeadError, err.message); // true Cannot use the queue: no completion from hisi_zip-4 queue 0 in 200 ms
 * console.log(env.machine.log); // [ "queue 0: completion of request 3 (slot 1) lost (injected)" ]
 * ```
 */
export function simulatedEnv(
  spec: string | SimSpec = "",
  options: SimulatedEnvOptions = {},
): SimulatedEnv {
  checkOptions("simulatedEnv", options, ["stdout", "stderr", "getenv"]);
  checkType("simulatedEnv", "stdout", options.stdout, "object");
  checkType("simulatedEnv", "stderr", options.stderr, "object");
  checkType("simulatedEnv", "getenv", options.getenv, "function");
  let parsed: SimSpec;
  if (typeof spec === "string") parsed = parseSimSpec(spec);
  else if (spec !== null && typeof spec === "object") parsed = spec;
  else {
    throw new TypeError(
      `simulatedEnv: the spec must be a string such as "v3,queues=4" or a SimSpec, not ${
        describe(spec)
      }`,
    );
  }
  const base = hostEnv();
  const machine = SimMachine.start(parsed, base.sys);
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    undoSignals();
    globalThis.removeEventListener("unload", close);
    machine.close();
  };
  const undoSignals = onInterrupt(close);
  globalThis.addEventListener("unload", close);
  return {
    root: machine.root,
    sys: machine.sys,
    fs: base.fs,
    stdout: options.stdout ?? base.stdout,
    stderr: options.stderr ?? base.stderr,
    getenv: options.getenv ?? base.getenv,
    machine,
    close,
    [Symbol.dispose]: close,
    [Symbol.asyncDispose]: () => Promise.resolve(close()),
  };
}

/**
 * Starts a simulated machine and an environment over it, for `wd --sim`. When the spec
 * injects faults, the device's log is printed to stderr at close, so the user sees what was
 * injected.
 *
 * @param spec The simulation spec (`""` for the default machine).
 * @param base The process environment (stdout, stderr, variables); its root and syscall layer
 *   are not used.
 * @returns The environment and its closer.
 */
export function startSimEnv(spec: string, base: Env): { env: Env; close: () => void } {
  const parsed = parseSimSpec(spec);
  const env = simulatedEnv(parsed, {
    stdout: base.stdout,
    stderr: base.stderr,
    getenv: (name) => base.getenv(name),
  });
  return {
    env,
    close() {
      const log = env.machine.log;
      env.close();
      if (parsed.faults.length > 0) {
        for (const line of log) base.stderr.write(`wd-sim: ${line}\n`);
      }
    },
  };
}
