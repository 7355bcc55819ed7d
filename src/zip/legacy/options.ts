/**
 * What every legacy decoder takes and reports, and the output buffer they share.
 *
 * @module
 */

import type { ZipDataError } from "../errors.ts";

/** Options of the legacy decoders. */
export interface LegacyOptions {
  /** Aborts the work (SIGINT, a closed pipe); the decoder then throws the signal's reason. */
  signal?: AbortSignal | undefined;
  /**
   * Called with a warning that does not stop decoding (an LZW header with unknown flags);
   * gzip prints it and ends with exit code 2. Without it, warnings are dropped.
   */
  onWarning?: ((warning: ZipDataError) => void) | undefined;
}

/** Counters a decoder updates as it goes, for `-l` and `-v`. */
export interface LegacyStats {
  /** Input bytes consumed, headers and trailers included. */
  bytesIn: number;
  /** Bytes produced. */
  bytesOut: number;
}

/** Output is handed on in pieces of about this size. */
export const OUT_CHUNK = 64 * 1024;

/**
 * Collects output bytes and hands them on in pieces. The same buffer is reused: each piece
 * must be used before the next is asked for (as the engines' output is).
 */
export class OutBuffer {
  /** The buffer: room for a whole piece and `slack` bytes more. */
  readonly bytes: Uint8Array;
  /** Bytes filled. */
  fill = 0;

  /**
   * Makes the buffer.
   *
   * @param slack Bytes a decoder may write past a full piece before it checks.
   */
  constructor(slack = 0) {
    this.bytes = new Uint8Array(OUT_CHUNK + slack);
  }

  /** Whether a piece is ready. */
  get full(): boolean {
    return this.fill >= OUT_CHUNK;
  }

  /**
   * Takes what is filled (a view of the buffer) and starts again.
   *
   * @returns The bytes.
   */
  take(): Uint8Array {
    const piece = this.bytes.subarray(0, this.fill);
    this.fill = 0;
    return piece;
  }
}
