/**
 * wd's version, shared by the command line and `wd metrics`.
 *
 * @module
 */

/** wd's version. */
export const VERSION = "0.1.0";
