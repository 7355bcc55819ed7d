import assert from "node:assert/strict";
import { type Readable, readChunks } from "../../src/zip/files.ts";
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
