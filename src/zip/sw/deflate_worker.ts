/**
 * A deflate worker: compresses the blocks the pool sends it and sends back the deflate bytes,
 * the block's checksum, and both buffers (so the main thread can use them again). It runs in
 * its own thread, so blocks are compressed in parallel. It loads only the codec it is asked
 * for.
 *
 * @module
 */

import { blockCheck } from "../framing.ts";
import { type CodecName, deflateBound } from "./codec.ts";
import { loadCodec } from "./deflate_block.ts";
import type { BlockReply, BlockRequest } from "./pool.ts";

interface WorkerScope {
  onmessage: ((e: MessageEvent<BlockRequest | { warm: CodecName }>) => void) | null;
  postMessage(message: BlockReply, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = async (e) => {
  if ("warm" in e.data) {
    await loadCodec(e.data.warm).catch(() => {}); // a failure shows on the first block
    return scope.postMessage({ ready: true }, []);
  }
  const req = e.data;
  try {
    const codec = await loadCodec(req.codec);
    const out = codec.deflate(req, req.out ?? new Uint8Array(deflateBound(req.data.length)));
    const check = blockCheck(req.format, req.data, codec.crc32);
    const reply: BlockReply = { id: req.id, data: req.data, out, check, length: req.data.length };
    scope.postMessage(reply, [req.data.buffer as ArrayBuffer, out.buffer as ArrayBuffer]);
  } catch (err) {
    scope.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) }, []);
  }
};
