/**
 * What the command groups of wd's command line share: the global options, how a command gets
 * its environment, and where its exit code goes.
 *
 * @module
 */

import type { Command } from "@commander-js/extra-typings";
import type { Env } from "../env.ts";

/** Global options every command sees. */
export interface Globals {
  /** `--root`. */
  root?: string | undefined;
  /** `--sim[=SPEC]`: true, or the spec. */
  sim?: string | boolean | undefined;
}

/** The root command, typed with the global options its subcommands see. */
export type WdProgram = Command<[], { root?: string }>;

/** Builds the environment of a (sub)command from its global options. */
export type EnvOf = (cmd: { optsWithGlobals(): Globals }) => Promise<Env>;

/** Receives a command's exit code. */
export type SetCode = (code: number) => void;
