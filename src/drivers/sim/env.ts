/**
 * An environment on a simulated machine, for `wd --sim`.
 *
 * @module
 */

import { onInterrupt } from "../../cleanup.ts";
import { type Env } from "../../env.ts";
import { SimMachine } from "./machine.ts";
import { parseSimSpec } from "./spec.ts";

/**
 * Starts a simulated machine and an environment over it. The machine is closed (its device
 * thread stopped, its root deleted) by `close()` and on SIGINT/SIGTERM. When the spec injects
 * faults, the device's log is printed to stderr at close, so the user sees what was injected.
 *
 * @param spec The simulation spec (`""` for the default machine).
 * @param base The process environment (stdout, stderr, variables, libc).
 * @returns The environment and its closer.
 */
export function startSimEnv(spec: string, base: Env): { env: Env; close: () => void } {
  const parsed = parseSimSpec(spec);
  const sim = SimMachine.start(parsed, base.sys);
  const undo = onInterrupt(() => sim.close());
  const env: Env = { ...base, root: sim.root, sys: sim.sys };
  return {
    env,
    close() {
      undo();
      const log = sim.log;
      sim.close();
      if (parsed.faults.length > 0) {
        for (const line of log) {
          base.stderr.write(`wd-sim: ${line}\n`);
        }
      }
    },
  };
}
