/**
 * What wd's commands share: the global options a command's environment is built from.
 *
 * @module
 */

/** The global options every command sees. */
export interface Globals {
  /** `--root`. */
  root?: string | undefined;
  /** `--sim[=SPEC]`: true, or the spec. */
  sim?: string | true | undefined;
}
