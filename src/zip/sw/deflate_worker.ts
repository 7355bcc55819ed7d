/**
 * A codec worker: compresses the blocks the pool sends it (sending back the deflate bytes,
 * the block's checksum, and both buffers so the main thread can use them again), and inflates
 * whole gzip members whose sizes their headers record. It runs in its own thread, so blocks
 * and members are worked on in parallel. It loads only the codec it is asked for.
 *
 * @module
 */

import { blockCheck } from "../framing.ts";
import { ZipDataError } from "../errors.ts";
import { deflateBound } from "./codec.ts";
import { inflateWhole, loadCodec } from "./deflate_block.ts";
import {
  type BlockReply,
  type InflateRequest,
  STATUS_DONE,
  STATUS_READY,
  type WorkerMessage,
} from "./pool.ts";

interface WorkerScope {
  onmessage: ((e: MessageEvent<WorkerMessage>) => void) | null;
  postMessage(message: BlockReply, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
/** Shared with the pool: whether the codec is loaded, how many jobs are finished. */
let status: Int32Array<ArrayBufferLike> = new Int32Array(2);

scope.onmessage = async (e) => {
  const msg = e.data;
  if ("status" in msg) {
    status = new Int32Array(msg.status);
    return;
  }
  if ("warm" in msg) {
    await loadCodec(msg.warm).catch(() => {}); // a failure shows on the first block
    Atomics.store(status, STATUS_READY, 1);
    return;
  }
  try {
    if ("inflate" in msg) return await inflate(msg);
    const codec = await loadCodec(msg.codec);
    // Ready with this codec, whichever message got here first: the warm-up's continuation
    // can run after this job's, and the pool must never see a finished job from a worker
    // that does not say it is ready.
    Atomics.store(status, STATUS_READY, 1);
    const out = codec.deflate(msg, msg.out ?? new Uint8Array(deflateBound(msg.data.length)));
    const check = blockCheck(msg.format, msg.data, codec.crc32);
    const reply: BlockReply = { id: msg.id, data: msg.data, out, check, length: msg.data.length };
    scope.postMessage(reply, [msg.data.buffer as ArrayBuffer, out.buffer as ArrayBuffer]);
  } catch (err) {
    scope.postMessage({
      id: msg.id,
      error: err instanceof ZipDataError ? err.detail ?? err.message : String(err),
      kind: err instanceof ZipDataError ? err.kind : undefined,
    }, []);
  } finally {
    Atomics.add(status, STATUS_DONE, 1); // after the reply: its buffers are on their way
  }
};

async function inflate(msg: InflateRequest): Promise<void> {
  const codec = await loadCodec(msg.inflate);
  const out = inflateWhole(codec, msg.data, msg.size, msg.out);
  const reply: BlockReply = { id: msg.id, data: msg.data, out, crc: codec.crc32(out, 0) };
  scope.postMessage(reply, [msg.data.buffer as ArrayBuffer, out.buffer as ArrayBuffer]);
}
