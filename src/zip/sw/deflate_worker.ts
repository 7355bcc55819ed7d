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
import { type CodecName, deflateBound } from "./codec.ts";
import { inflateWhole, loadCodec } from "./deflate_block.ts";
import type { BlockReply, BlockRequest, InflateRequest } from "./pool.ts";

type Message = BlockRequest | InflateRequest | { warm: CodecName };

interface WorkerScope {
  onmessage: ((e: MessageEvent<Message>) => void) | null;
  postMessage(message: BlockReply, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = async (e) => {
  const msg = e.data;
  if ("warm" in msg) {
    await loadCodec(msg.warm).catch(() => {}); // a failure shows on the first block
    return scope.postMessage({ ready: true }, []);
  }
  try {
    if ("inflate" in msg) return await inflate(msg);
    const codec = await loadCodec(msg.codec);
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
  }
};

async function inflate(msg: InflateRequest): Promise<void> {
  const codec = await loadCodec(msg.inflate);
  const out = inflateWhole(codec, msg.data, msg.size, msg.out);
  const reply: BlockReply = { id: msg.id, data: msg.data, out, crc: codec.crc32(out, 0) };
  scope.postMessage(reply, [msg.data.buffer as ArrayBuffer, out.buffer as ArrayBuffer]);
}
