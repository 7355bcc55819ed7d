import assert from "node:assert/strict";
import { renameNoReplace } from "../../src/ffi/rename.ts";
import { SysError } from "../../src/ffi/sys_error.ts";
import { OutputExists, OutputFile, type Readable, readChunks } from "../../src/zip/files.ts";
import { thrown } from "../helpers.ts";
import { collect, textLike } from "./zip_helpers.ts";

/** A source over `data` that records which kind of read each call was. */
function recordingSource(data: Uint8Array): Readable & { calls: string[] } {
  let pos = 0;
  const take = (p: Uint8Array) => {
    if (pos >= data.length) return null;
    const n = Math.min(p.length, data.length - pos);
    p.set(data.subarray(pos, pos + n));
    pos += n;
    return n;
  };
  const calls: string[] = [];
  return {
    calls,
    read: (p) => {
      calls.push("read");
      return Promise.resolve(take(p));
    },
    readSync: (p) => {
      calls.push("readSync");
      return take(p);
    },
  };
}

Deno.test("readChunks reads a regular file synchronously and anything else asynchronously", async () => {
  const data = textLike(10_000);
  const file = recordingSource(data);
  assert.deepEqual(await collect(readChunks(file, "f", { regularFile: true, size: 4096 })), data);
  assert.deepEqual(new Set(file.calls), new Set(["readSync"]));
  const pipe = recordingSource(data);
  assert.deepEqual(await collect(readChunks(pipe, "p", { size: 4096 })), data);
  assert.deepEqual(new Set(pipe.calls), new Set(["read"]));
});

Deno.test("readChunks reads a regular file asynchronously when the source has no readSync", async () => {
  const data = textLike(5000);
  const { read } = recordingSource(data);
  assert.deepEqual(await collect(readChunks({ read }, "f", { regularFile: true })), data);
});

Deno.test("an output never replaces a file that appeared under its name while it was written", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/b.gz`;
    const out = OutputFile.create(path);
    out.write(new TextEncoder().encode("ours"));
    Deno.writeTextFileSync(path, "theirs"); // another process, after wd's check
    assert.throws(() => out.commit({}), (e: unknown) => e instanceof OutputExists);
    out[Symbol.dispose]();
    assert.equal(Deno.readTextFileSync(path), "theirs");
    assert.deepEqual(Array.from(Deno.readDirSync(dir), (e) => e.name), ["b.gz"], "no temp left");
    const forced = OutputFile.create(path);
    forced.write(new TextEncoder().encode("ours"));
    forced.commit({}, path, { replace: true }); // -f
    assert.equal(Deno.readTextFileSync(path), "ours");
    const fresh = OutputFile.create(`${dir}/c.gz`);
    fresh.write(new TextEncoder().encode("new"));
    fresh.commit({ mode: 0o640 });
    assert.equal(Deno.readTextFileSync(`${dir}/c.gz`), "new");
    assert.equal(Deno.statSync(`${dir}/c.gz`).mode! & 0o777, 0o640);
    assert.equal(Deno.statSync(`${dir}/c.gz`).nlink, 1, "the temp name is gone");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("renameNoReplace refuses an existing name with EEXIST", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/a`, "a");
    Deno.writeTextFileSync(`${dir}/b`, "b");
    const e = thrown(() => renameNoReplace(`${dir}/a`, `${dir}/b`));
    assert.ok(e instanceof SysError && e.code === "EEXIST", String(e));
    renameNoReplace(`${dir}/a`, `${dir}/c`);
    assert.equal(Deno.readTextFileSync(`${dir}/c`), "a");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
