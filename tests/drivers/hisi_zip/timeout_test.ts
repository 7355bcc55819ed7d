import assert from "node:assert/strict";
import { WdError } from "../../../src/errors.ts";
import {
  completionTimeoutMs,
  DEFAULT_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  parseTimeoutMs,
} from "../../../src/drivers/hisi_zip/timeout.ts";
import { thrown } from "../../helpers.ts";

const env = (vars: Record<string, string>) => ({ getenv: (name: string) => vars[name] });

Deno.test("the completion timeout is 5000 ms unless WD_TIMEOUT_MS sets it", () => {
  assert.equal(completionTimeoutMs(env({})), DEFAULT_TIMEOUT_MS);
  assert.equal(DEFAULT_TIMEOUT_MS, 5000);
  assert.equal(completionTimeoutMs(env({ WD_TIMEOUT_MS: "" })), 5000, "empty is unset");
  assert.equal(completionTimeoutMs(env({ WD_TIMEOUT_MS: "60000" })), 60000);
  assert.equal(completionTimeoutMs(env({ WD_TIMEOUT_MS: " 250\n" })), 250);
  assert.equal(completionTimeoutMs(env({ WD_TIMEOUT_MS: "1" })), 1);
  assert.equal(completionTimeoutMs(env({ WD_TIMEOUT_MS: String(MAX_TIMEOUT_MS) })), 2 ** 31 - 1);
});

Deno.test("a WD_TIMEOUT_MS that is not a timeout is a usage error naming the variable", () => {
  for (const bad of ["0", "-5", "1.5", "5s", "abc", "1e3", "0x10", String(2 ** 31)]) {
    const e = thrown(() => completionTimeoutMs(env({ WD_TIMEOUT_MS: bad })));
    assert.ok(e instanceof WdError, bad);
    assert.equal(e.exitCode, 2, bad);
    assert.equal(
      e.message,
      `Cannot use WD_TIMEOUT_MS="${bad}": it is not a whole number of milliseconds from 1 to 2147483647`,
    );
    assert.match(e.hint ?? "", /WD_TIMEOUT_MS=60000/);
  }
});

Deno.test("parseTimeoutMs takes whole milliseconds from 1 to what poll(2) takes", () => {
  assert.equal(parseTimeoutMs("100"), 100);
  assert.equal(parseTimeoutMs("007"), 7);
  assert.equal(parseTimeoutMs("2147483647"), 2147483647);
  for (const bad of ["", " ", "0", "2147483648", "+5", "5 ms", "NaN", "Infinity"]) {
    assert.equal(parseTimeoutMs(bad), null, bad);
  }
});
