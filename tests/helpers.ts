/**
 * Small test helpers on top of node:assert/strict.
 *
 * @module
 */

import assert from "node:assert/strict";

/**
 * Runs `fn`, asserts it throws, and returns what it threw (node's assert.throws returns nothing).
 *
 * @param fn The code that must throw.
 * @returns The thrown value.
 */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail("expected an exception, but none was thrown");
}

/**
 * Awaits `p`, asserts it rejects, and returns the rejection reason.
 *
 * @param p The promise (or a function returning one).
 * @returns The reason.
 */
export async function rejected(p: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    return err;
  }
  assert.fail("expected a rejection, but the promise resolved");
}
