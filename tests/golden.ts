/**
 * Golden-file assertions. `WD_UPDATE_GOLDEN=1 bin/deno task test` rewrites the files; review
 * the diff before committing it.
 *
 * @module
 */

import assert from "node:assert/strict";

const DIR = new URL("./golden/", import.meta.url).pathname;

/**
 * Asserts that `actual` equals the golden file `name` (under tests/golden/), after replacing
 * the temp root with `<root>`.
 *
 * @param name File name under tests/golden/, such as `list/kunpeng920.txt`.
 * @param actual The output.
 * @param root The temp root to hide, if any.
 */
export function assertGolden(name: string, actual: string, root?: string): void {
  const text = root === undefined ? actual : actual.replaceAll(root, "<root>");
  const path = DIR + name;
  if (Deno.env.get("WD_UPDATE_GOLDEN") === "1") {
    Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(path, text);
    return;
  }
  let expected: string;
  try {
    expected = Deno.readTextFileSync(path);
  } catch {
    assert.fail(
      `golden file tests/golden/${name} is missing; run with WD_UPDATE_GOLDEN=1 to create it`,
    );
  }
  assert.equal(text, expected, `output differs from tests/golden/${name}`);
}
