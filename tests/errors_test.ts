import assert from "node:assert/strict";
import {
  BusyError,
  ExitCode,
  exitCodeOf,
  NotFoundError,
  PermissionError,
  UnsupportedError,
  UsageError,
  WdError,
  wdError,
} from "../src/errors.ts";
import { Errno } from "../src/ffi/errno.ts";
import { errnoExitCode, fromDenoError, SysError } from "../src/ffi/sys_error.ts";
import { ZipDataError } from "../src/zip/errors.ts";
import { QueueDeadError } from "../src/drivers/hisi_qm/ring.ts";
import { DeviceStatusError } from "../src/drivers/hisi_zip/limits.ts";
import { FakeRoot } from "../src/testing/fake_root.ts";
import { kunpeng920 } from "../src/testing/uacce_machines.ts";
import { runWd } from "./fixtures/run_wd.ts";

const CLASSES = [
  [UsageError, ExitCode.USAGE, "UsageError"],
  [NotFoundError, ExitCode.NOT_FOUND, "NotFoundError"],
  [PermissionError, ExitCode.PERMISSION, "PermissionError"],
  [BusyError, ExitCode.BUSY, "BusyError"],
  [UnsupportedError, ExitCode.UNSUPPORTED, "UnsupportedError"],
] as const;

Deno.test("each exit code has its WdError class, with its name, hint and cause", () => {
  const cause = new Error("below");
  for (const [Class, code, name] of CLASSES) {
    const err = new Class("Cannot do it", { hint: "do this", cause });
    assert.ok(err instanceof WdError && err instanceof Error);
    assert.equal(err.exitCode, code);
    assert.equal(err.name, name);
    assert.equal(err.hint, "do this");
    assert.equal(err.cause, cause);
    assert.equal(exitCodeOf(err), code);
  }
  assert.equal(new WdError("Cannot do it").exitCode, ExitCode.FAILURE);
});

Deno.test("wdError makes the class of the exit code it is given", () => {
  for (const [Class, code] of CLASSES) {
    const err = wdError("Cannot do it", { exitCode: code, hint: "h" });
    assert.ok(err instanceof Class, `${code}`);
    assert.equal(err.exitCode, code);
    assert.equal(err.hint, "h");
  }
  const plain = wdError("Cannot do it", { exitCode: ExitCode.FAILURE });
  assert.equal(plain.constructor, WdError);
  assert.equal(wdError("Cannot do it").exitCode, ExitCode.FAILURE);
});

Deno.test("a failed system call is a WdError whose exit code follows its errno", () => {
  const cases: [number, number][] = [
    [Errno.ENOENT, ExitCode.NOT_FOUND],
    [Errno.ENODEV, ExitCode.NOT_FOUND],
    [Errno.EACCES, ExitCode.PERMISSION],
    [Errno.EPERM, ExitCode.PERMISSION],
    [Errno.EBUSY, ExitCode.BUSY],
    [Errno.EIO, ExitCode.FAILURE],
    [Errno.EINVAL, ExitCode.FAILURE],
  ];
  for (const [errno, code] of cases) {
    const err = new SysError("open", errno, "/dev/hisi_zip-4");
    assert.ok(err instanceof WdError);
    assert.equal(err.exitCode, code, err.code);
    assert.equal(errnoExitCode(errno), code);
    assert.equal(exitCodeOf(err), code);
  }
  const file = new SysError("rename into", Errno.EACCES, "x.gz", {
    exitCode: ExitCode.FAILURE,
  });
  assert.equal(file.exitCode, ExitCode.FAILURE);
});

Deno.test("errors of Deno's file API exit 1 as gzip's do, unless the caller maps the errno", () => {
  let denied: unknown;
  try {
    Deno.readTextFileSync("/nonexistent/wd/file");
  } catch (err) {
    denied = err;
  }
  const file = fromDenoError(denied, "open", "/nonexistent/wd/file");
  assert.ok(file instanceof SysError);
  assert.equal(file.code, "ENOENT");
  assert.equal(file.exitCode, ExitCode.FAILURE);
  const attr = fromDenoError(denied, "read", "/nonexistent/wd/file", { exitCode: "errno" });
  assert.ok(attr instanceof SysError);
  assert.equal(attr.exitCode, ExitCode.NOT_FOUND);
  const sandbox = new Error("Requires read access");
  assert.equal(fromDenoError(sandbox, "open", "x"), sandbox);
});

Deno.test("the errors of data and devices are WdErrors of exit code 1 (2 for gzip's warnings)", () => {
  assert.equal(new ZipDataError("crc").exitCode, ExitCode.FAILURE);
  assert.equal(new ZipDataError("garbage").exitCode, ExitCode.USAGE);
  assert.ok(new QueueDeadError("lost") instanceof WdError);
  assert.equal(new DeviceStatusError("hisi_zip-4", 0x41).exitCode, ExitCode.FAILURE);
  assert.equal(exitCodeOf(new TypeError("bad")), ExitCode.FAILURE);
  assert.equal(exitCodeOf("a string"), ExitCode.FAILURE);
});

Deno.test("the CLI's exit codes are the classes' and the errnos' as before", async () => {
  using t = FakeRoot.create();
  kunpeng920(t);
  const missing = await runWd(t, ["info", "hisi_zip-9"]);
  assert.equal(missing.code, ExitCode.NOT_FOUND);
  assert.match(missing.err, /wd: error: Cannot find uacce device "hisi_zip-9"\nwd: hint: /);
  const denied = await runWd(t, ["list"], { faults: { "sys/class/uacce": "EACCES" } });
  assert.equal(denied.code, ExitCode.PERMISSION, denied.err);
  assert.match(denied.err, /Cannot list ".*sys\/class\/uacce": permission denied \(EACCES\)/);
  const broken = await runWd(t, ["list"], { faults: { "sys/class/uacce": "EIO" } });
  assert.equal(broken.code, ExitCode.FAILURE, broken.err);
  const usage = await runWd(t, ["queue", "test", "hisi_zip-4", "--size", "0"]);
  assert.equal(usage.code, ExitCode.USAGE, usage.err);
});

Deno.test("wd zip keeps gzip's exit code 1 for files that cannot be read", async () => {
  using t = FakeRoot.create();
  const run = await runWd(t, ["zip", t.path("no-such-file")]);
  assert.equal(run.code, ExitCode.FAILURE);
  assert.match(run.err, /Cannot open ".*no-such-file": no such file or directory \(ENOENT\)/);
});
